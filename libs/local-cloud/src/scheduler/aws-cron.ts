import { Cron } from 'croner';

/**
 * AWS's six-field cron (`minutes hours day-of-month month day-of-week year`), as EventBridge rules and EventBridge
 * Scheduler take it inside `cron(...)`:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions
 *
 * The occurrences come from croner (second + year mode, Quartz weekday numbers 1 = SUN, time zones, L, W and #).
 * What croner does not do, and this wrapper adds: AWS's own validation (croner accepts a day-of-week of 8, `*` in
 * both day fields, a year outside 1970-2199, two `#` expressions), the rule that exactly one of day-of-month and
 * day-of-week is `?`, and `L` alone in day-of-week (the last day of the week, Saturday), which croner refuses.
 * aws-cron-parser was tried too: it validates no more than ranges, has no time zones, and fails on `L` and `LW`.
 */
export interface CronSchedule {
  /** The first occurrence strictly after `after`, or undefined when there is none (a past year). */
  next(after: Date): Date | undefined;
}

export class CronExpressionError extends Error {
  override readonly name = 'CronExpressionError';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The wildcards AWS allows in the field besides `, - * /`. */
  question?: boolean;
}

const FIELDS: FieldRule[] = [
  { name: 'Minutes', min: 0, max: 59 },
  { name: 'Hours', min: 0, max: 23 },
  { name: 'Day-of-month', min: 1, max: 31, question: true },
  { name: 'Month', min: 1, max: 12, names: MONTHS },
  { name: 'Day-of-week', min: 1, max: 7, names: DAYS, question: true },
  { name: 'Year', min: 1970, max: 2199 },
];

/** Parses the fields of `cron(fields)`; throws CronExpressionError naming the field and what is wrong with it. */
export function parseAwsCron(fields: string, timezone = 'UTC'): CronSchedule {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) throw new CronExpressionError(`a cron expression has six fields (minutes hours day-of-month month day-of-week year), not ${parts.length}: "${fields}"`);
  parts.forEach((part, index) => checkField(part.toUpperCase(), FIELDS[index]!));
  const [, , dayOfMonth, , dayOfWeek] = parts.map((part) => part.toUpperCase()) as [string, string, string, string, string, string];
  // "You can't specify the Day-of-month and Day-of-week fields in the same cron expression. If you specify a value or
  // a * in one of the fields, you must use a ? in the other."
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new CronExpressionError(`exactly one of Day-of-month and Day-of-week must be ?: "${fields}"`);
  }
  // croner has no `L` alone in day-of-week; it is the week's last day, Saturday (7 in AWS's numbering).
  const translated = parts.map((part, index) => (index === 4 && part.toUpperCase() === 'L' ? '7' : part)).join(' ');
  let cron: Cron;
  try {
    cron = new Cron(`0 ${translated}`, { mode: '7-part', alternativeWeekdays: true, sloppyRanges: true, timezone, paused: true });
  } catch (error) {
    throw new CronExpressionError(`cron expression "${fields}" is not valid: ${(error as Error).message}`);
  }
  return { next: (after) => cron.nextRun(after) ?? undefined };
}

function checkField(field: string, rule: FieldRule): void {
  const fail = (why: string): never => {
    throw new CronExpressionError(`${rule.name} field "${field}": ${why}`);
  };
  if (field === '?') {
    if (!rule.question) fail('? is allowed only in Day-of-month and Day-of-week');
    return;
  }
  const items = field.split(',');
  if (rule.name === 'Day-of-week' && field.includes('#') && items.length > 1) fail('with #, the field holds a single expression');
  for (const item of items) checkItem(item, rule, fail);
}

function checkItem(item: string, rule: FieldRule, fail: (why: string) => never): void {
  const value = (text: string): number => {
    const named = rule.names?.indexOf(text) ?? -1;
    const number = named >= 0 ? named + rule.min : /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(number)) fail(`"${text}" is not a value of the field`);
    if (number < rule.min || number > rule.max) fail(`${text} is not between ${rule.min} and ${rule.max}`);
    return number;
  };
  if (rule.name === 'Day-of-month') {
    if (item === 'L' || item === 'LW') return;
    const weekday = /^(\d+)W$/.exec(item);
    if (weekday) return void value(weekday[1]!);
  }
  if (rule.name === 'Day-of-week') {
    if (item === 'L') return;
    const last = /^(\w+)L$/.exec(item);
    if (last) return void value(last[1]!);
    const nth = /^(\w+)#(\d+)$/.exec(item);
    if (nth) {
      value(nth[1]!);
      const n = Number(nth[2]);
      if (n < 1 || n > 5) fail(`#${nth[2]}: a weekday occurs at most 5 times a month`);
      return;
    }
    if (item.includes('/')) fail('/ is not allowed in Day-of-week');
  }
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) fail(`"${item}" has more than one /`);
  if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) fail(`the increment "${step}" is not a positive number`);
  if (range === '*') return;
  const [from, to, beyond] = range!.split('-');
  if (beyond !== undefined) fail(`"${range}" is not a range`);
  const start = value(from!);
  if (to !== undefined && value(to) < start) fail(`the range ${range} ends before it starts`);
}
