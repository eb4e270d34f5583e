import { parseAwsCron } from './aws-cron';
import { parseScheduleExpression } from './schedule-expression';

/** The next `count` occurrences after `from`, as `YYYY-MM-DDTHH:MM` in UTC. */
function occurrences(fields: string, from: string, count = 3, timezone?: string): string[] {
  const cron = parseAwsCron(fields, timezone);
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) {
    const next = cron.next(at);
    if (!next) break;
    out.push(next.toISOString().slice(0, 16));
    at = next;
  }
  return out;
}

// 2026-03-01 is a Sunday.
const FROM = '2026-03-01T00:00:00Z';

describe('AWS cron (six fields)', () => {
  it.each([
    ['0 10 * * ? *', ['2026-03-01T10:00', '2026-03-02T10:00', '2026-03-03T10:00']],
    ['0 18 ? * MON-FRI *', ['2026-03-02T18:00', '2026-03-03T18:00', '2026-03-04T18:00']],
    ['0/15 * * * ? *', ['2026-03-01T00:15', '2026-03-01T00:30', '2026-03-01T00:45']],
    // 1/10: every tenth minute from minute 1, as the AWS page's own example says.
    ['1/10 * * * ? *', ['2026-03-01T00:01', '2026-03-01T00:11', '2026-03-01T00:21']],
    ['0/5 8-17 ? * MON-FRI *', ['2026-03-02T08:00', '2026-03-02T08:05', '2026-03-02T08:10']],
    // Day-of-week numbers are 1 = SUN ... 7 = SAT.
    ['0 0 ? * 1 *', ['2026-03-08T00:00', '2026-03-15T00:00', '2026-03-22T00:00']],
    ['0 0 ? * 7 *', ['2026-03-07T00:00', '2026-03-14T00:00', '2026-03-21T00:00']],
    // # : 2#1 is the first Monday, 6#3 the third Friday.
    ['0 9 ? * 2#1 *', ['2026-03-02T09:00', '2026-04-06T09:00', '2026-05-04T09:00']],
    ['0 9 ? * FRI#3 *', ['2026-03-20T09:00', '2026-04-17T09:00', '2026-05-15T09:00']],
    // L: the last day of the month; in day-of-week, the last day of the week (Saturday), and 6L the last Friday.
    ['0 0 L * ? *', ['2026-03-31T00:00', '2026-04-30T00:00', '2026-05-31T00:00']],
    ['0 0 ? * L *', ['2026-03-07T00:00', '2026-03-14T00:00', '2026-03-21T00:00']],
    ['0 0 ? * 6L *', ['2026-03-27T00:00', '2026-04-24T00:00', '2026-05-29T00:00']],
    // W: the weekday nearest the day, within the month (1 March 2026 is a Sunday: Monday the 2nd).
    ['0 0 1W * ? *', ['2026-03-02T00:00', '2026-04-01T00:00', '2026-05-01T00:00']],
    ['0 0 LW * ? *', ['2026-03-31T00:00', '2026-04-30T00:00', '2026-05-29T00:00']],
    // The year field: one occurrence, then none.
    ['0 0 1 1 ? 2027', ['2027-01-01T00:00']],
    ['0 0 1 1 ? 2025', []],
  ])('cron(%s)', (fields, expected) => {
    expect(occurrences(fields, FROM)).toEqual(expected);
  });

  it('reads the fields in the time zone given (Scheduler), across a change of summer time', () => {
    // Europe/Berlin moves from UTC+1 to UTC+2 on 29 March 2026.
    expect(occurrences('0 9 * * ? *', '2026-03-28T00:00:00Z', 3, 'Europe/Berlin')).toEqual(['2026-03-28T08:00', '2026-03-29T07:00', '2026-03-30T07:00']);
  });

  it.each([
    ['0 0 * * * *', /exactly one of Day-of-month and Day-of-week must be \?/],
    ['0 0 1 * MON *', /exactly one of Day-of-month and Day-of-week must be \?/],
    ['0 0 ? * ? *', /exactly one of Day-of-month and Day-of-week must be \?/],
    ['0 0 ? * 3#1,6#3 *', /Day-of-week field "3#1,6#3": with #, the field holds a single expression/],
    ['0 0 ? * 8 *', /Day-of-week field "8": 8 is not between 1 and 7/],
    ['0 0 ? * 0 *', /Day-of-week field "0": 0 is not between 1 and 7/],
    ['0 0 * * ? 1969', /Year field "1969": 1969 is not between 1970 and 2199/],
    ['60 0 * * ? *', /Minutes field "60": 60 is not between 0 and 59/],
    ['0 24 * * ? *', /Hours field "24"/],
    ['0 0 32 * ? *', /Day-of-month field "32"/],
    ['0 0 * 13 ? *', /Month field "13"/],
    ['0 0 * FOO ? *', /Month field "FOO": "FOO" is not a value of the field/],
    ['0 ? * * ? *', /Hours field "\?": \? is allowed only in Day-of-month and Day-of-week/],
    ['0 0 ? * 2#6 *', /a weekday occurs at most 5 times a month/],
    ['0 0 * * ?', /six fields .* not 5/],
    ['0/0 * * * ? *', /the increment "0" is not a positive number/],
    ['0 10-5 * * ? *', /the range 10-5 ends before it starts/],
  ])('refuses cron(%s), naming the field', (fields, message) => {
    expect(() => parseAwsCron(fields)).toThrow(message);
  });
});

describe('schedule expressions', () => {
  const anchor = new Date('2026-03-01T00:00:00Z');

  it('counts a rate from its anchor', () => {
    const rate = parseScheduleExpression('rate(15 minutes)', { allowAt: false });
    expect(rate.next(anchor, anchor)).toEqual(new Date('2026-03-01T00:15:00Z'));
    expect(rate.next(new Date('2026-03-01T00:29:59Z'), anchor)).toEqual(new Date('2026-03-01T00:30:00Z'));
    expect(parseScheduleExpression('rate(1 day)', { allowAt: false }).next(anchor, anchor)).toEqual(new Date('2026-03-02T00:00:00Z'));
  });

  it.each([
    ['rate(1 minutes)', /singular for 1 and plural/],
    ['rate(5 minute)', /singular for 1 and plural/],
    ['rate(0 minutes)', /a positive integer/],
    ['rate(5 seconds)', /minute\(s\), hour\(s\) or day\(s\)/],
    ['rate(5minutes)', /rate\(value unit\)/],
    ['every 5 minutes', /is not a schedule expression/],
  ])('refuses %s', (text, message) => {
    expect(() => parseScheduleExpression(text, { allowAt: true })).toThrow(message);
  });

  it('reads at() in the schedule time zone, and only where one-time schedules exist (Scheduler)', () => {
    const at = parseScheduleExpression('at(2026-07-01T09:30:00)', { allowAt: true, timezone: 'America/New_York' });
    expect(at.next(anchor, anchor)).toEqual(new Date('2026-07-01T13:30:00Z'));
    expect(at.next(new Date('2026-07-01T13:30:00Z'), anchor)).toBeUndefined();
    expect(() => parseScheduleExpression('at(2026-07-01T09:30:00)', { allowAt: false })).toThrow(/use rate\(value unit\) or cron\(fields\)$/);
    expect(() => parseScheduleExpression('at(2026-07-01 09:30)', { allowAt: true })).toThrow(/at\(yyyy-mm-ddThh:mm:ss\)/);
  });

  it('refuses a time zone that is not in the IANA database', () => {
    expect(() => parseScheduleExpression('cron(0 9 * * ? *)', { allowAt: true, timezone: 'Mars/Olympus' })).toThrow(/"Mars\/Olympus" is not a time zone/);
  });
});
