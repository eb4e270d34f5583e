import { evaluateAlarm, type AlarmCondition, type PeriodValue } from './alarm-evaluation';

/** The evaluation rules of AlarmThatSendsEmail.html and alarms-and-missing-data.html, one period list at a time. */
const condition = (overrides: Partial<AlarmCondition> = {}): AlarmCondition => ({
  statistic: 'Maximum',
  periodSeconds: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'missing',
  ...overrides,
});

const t0 = Date.UTC(2026, 0, 5, 12, 0, 0);
/** Periods most recent first from values (undefined: missing): the first is the minute before `t0`. */
const periods = (...values: Array<number | undefined>): Array<PeriodValue | undefined> =>
  values.map((value, index) => (value === undefined ? undefined : { timestamp: t0 - (index + 1) * 60_000, value, sampleCount: 1 }));

describe('evaluateAlarm', () => {
  it('goes to ALARM when M of the last N datapoints breach, and to OK otherwise', () => {
    expect(evaluateAlarm(condition(), periods(1, 2, 3, undefined, undefined), t0)?.state).toBe('ALARM');
    expect(evaluateAlarm(condition(), periods(1, 0, 3, undefined, undefined), t0)?.state).toBe('OK');
    expect(evaluateAlarm(condition({ datapointsToAlarm: 2 }), periods(1, 0, 3, undefined, undefined), t0)?.state).toBe('ALARM');
  });

  it('words the reason as CloudWatch does, with the datapoints and their times', () => {
    const alarm = evaluateAlarm(condition({ evaluationPeriods: 1, datapointsToAlarm: 1 }), periods(2, undefined, undefined), t0)!;
    expect(alarm.reason).toBe('Threshold Crossed: 1 out of the last 1 datapoints [2.0 (05/01/26 11:59:00)] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).');
    expect(JSON.parse(alarm.reasonData)).toEqual({
      version: '1.0',
      queryDate: '2026-01-05T12:00:00.000+0000',
      startDate: '2026-01-05T11:57:00.000+0000',
      statistic: 'Maximum',
      period: 60,
      recentDatapoints: [2],
      threshold: 0,
      evaluatedDatapoints: [{ timestamp: '2026-01-05T11:59:00.000+0000', sampleCount: 1, value: 2 }],
    });
    const ok = evaluateAlarm(condition({ evaluationPeriods: 1, datapointsToAlarm: 1 }), periods(0, undefined, undefined), t0)!;
    expect(ok.reason).toBe('Threshold Crossed: 1 out of the last 1 datapoints [0.0 (05/01/26 11:59:00)] was not greater than the threshold (0.0) (minimum 1 datapoint for ALARM -> OK transition).');
  });

  it('skips missing periods when the range holds N real datapoints, whatever TreatMissingData says', () => {
    for (const treatMissingData of ['missing', 'ignore', 'breaching', 'notBreaching'] as const) {
      expect(evaluateAlarm(condition({ treatMissingData }), periods(5, undefined, 5, undefined, 5), t0)?.state).toBe('ALARM');
      expect(evaluateAlarm(condition({ treatMissingData }), periods(undefined, 0, 5, 5, undefined), t0)?.state).toBe('OK');
    }
  });

  it('fills missing datapoints as TreatMissingData says when fewer than N are real', () => {
    const someMissing = periods(5, undefined, undefined, undefined, undefined);
    expect(evaluateAlarm(condition({ treatMissingData: 'breaching' }), someMissing, t0)?.state).toBe('ALARM');
    expect(evaluateAlarm(condition({ treatMissingData: 'notBreaching' }), someMissing, t0)?.state).toBe('OK');
    expect(evaluateAlarm(condition({ treatMissingData: 'missing', datapointsToAlarm: 1 }), someMissing, t0)?.state).toBe('ALARM');
    expect(evaluateAlarm(condition({ treatMissingData: 'missing' }), someMissing, t0)?.state).toBe('OK');
  });

  it('treats a range with no datapoint at all by TreatMissingData', () => {
    const none = periods(undefined, undefined, undefined, undefined, undefined);
    expect(evaluateAlarm(condition({ treatMissingData: 'missing' }), none, t0)).toMatchObject({ state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 3 datapoints were unknown.' });
    expect(evaluateAlarm(condition({ treatMissingData: 'ignore' }), none, t0)).toBeUndefined();
    expect(evaluateAlarm(condition({ treatMissingData: 'breaching' }), none, t0)).toMatchObject({
      state: 'ALARM',
      reason: 'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].',
    });
    expect(evaluateAlarm(condition({ treatMissingData: 'notBreaching' }), none, t0)?.state).toBe('OK');
  });

  it('compares with each operator', () => {
    const at = (comparisonOperator: AlarmCondition['comparisonOperator'], value: number) =>
      evaluateAlarm(condition({ comparisonOperator, threshold: 10, evaluationPeriods: 1, datapointsToAlarm: 1 }), periods(value), t0)?.state;
    expect([at('GreaterThanOrEqualToThreshold', 10), at('GreaterThanOrEqualToThreshold', 9)]).toEqual(['ALARM', 'OK']);
    expect([at('GreaterThanThreshold', 11), at('GreaterThanThreshold', 10)]).toEqual(['ALARM', 'OK']);
    expect([at('LessThanThreshold', 9), at('LessThanThreshold', 10)]).toEqual(['ALARM', 'OK']);
    expect([at('LessThanOrEqualToThreshold', 10), at('LessThanOrEqualToThreshold', 11)]).toEqual(['ALARM', 'OK']);
  });
});
