import type { Statistic } from './metric-store';

/**
 * One evaluation of a metric alarm, as "Evaluating an alarm" and "Configuring how CloudWatch alarms treat missing
 * data" describe it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
 * - the alarm looks at the datapoints of its evaluation range, a few periods more than EvaluationPeriods (N);
 * - when it finds at least N real datapoints, the most recent N decide, missing periods in between are skipped and
 *   TreatMissingData is not used: ALARM when at least DatapointsToAlarm (M) of them breach, OK otherwise;
 * - when it finds fewer, the missing ones are filled as TreatMissingData says (`breaching`, `notBreaching`; `missing`
 *   and `ignore` do not count them) and the real ones are all used;
 * - when every period is missing: `missing` goes to INSUFFICIENT_DATA, `ignore` keeps the state, `breaching` goes
 *   to ALARM and `notBreaching` to OK.
 * Pure: the evaluator (alarms.ts) fetches the periods and applies the outcome.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export const COMPARISON_OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const TREAT_MISSING_DATA = ['breaching', 'notBreaching', 'ignore', 'missing'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

/** AWS does not say how many periods past EvaluationPeriods it looks back; the emulator looks 2 further. */
export const EXTRA_PERIODS_IN_RANGE = 2;

export interface AlarmCondition {
  statistic: Statistic;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData: TreatMissingData;
}

/** A period's value of the alarm's statistic; `timestamp` is its start (epoch ms). */
export interface PeriodValue {
  timestamp: number;
  value: number;
  sampleCount: number;
}

export interface Evaluation {
  state: AlarmState;
  reason: string;
  /** StateReasonData, as a JSON string. */
  reasonData: string;
}

const WORDS: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function breaches(condition: Pick<AlarmCondition, 'comparisonOperator' | 'threshold'>, value: number): boolean {
  switch (condition.comparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= condition.threshold;
    case 'GreaterThanThreshold':
      return value > condition.threshold;
    case 'LessThanThreshold':
      return value < condition.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= condition.threshold;
  }
}

/**
 * `periods` is the evaluation range, most recent first, `undefined` where a period has no datapoint. Answers the
 * state the alarm should be in, or undefined when it keeps its current one (TreatMissingData `ignore`).
 */
export function evaluateAlarm(condition: AlarmCondition, periods: Array<PeriodValue | undefined>, queryDate: number): Evaluation | undefined {
  const { evaluationPeriods: n, datapointsToAlarm: m } = condition;
  const real = periods.filter((period): period is PeriodValue => period !== undefined);
  const startDate = queryDate - periods.length * condition.periodSeconds * 1000;
  const data = (evaluated: PeriodValue[]) =>
    JSON.stringify({
      version: '1.0',
      queryDate: formatReasonTime(queryDate),
      startDate: formatReasonTime(startDate),
      statistic: condition.statistic,
      period: condition.periodSeconds,
      recentDatapoints: evaluated.map((period) => period.value),
      threshold: condition.threshold,
      evaluatedDatapoints: evaluated.map((period) => ({ timestamp: formatReasonTime(period.timestamp), sampleCount: period.sampleCount, value: period.value })),
    });

  if (real.length === 0) {
    const missing = `no datapoints were received for ${plural(n, 'period')}`;
    switch (condition.treatMissingData) {
      case 'ignore':
        return undefined;
      case 'missing':
        return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${plural(n, 'datapoint')} ${n === 1 ? 'was' : 'were'} unknown.`, reasonData: data([]) };
      case 'breaching':
        return { state: 'ALARM', reason: `Threshold Crossed: ${missing} and ${plural(n, 'missing datapoint')} ${n === 1 ? 'was' : 'were'} treated as [Breaching].`, reasonData: data([]) };
      case 'notBreaching':
        return { state: 'OK', reason: `Threshold Crossed: ${missing} and ${plural(n, 'missing datapoint')} ${n === 1 ? 'was' : 'were'} treated as [NonBreaching].`, reasonData: data([]) };
    }
  }

  const evaluated = real.slice(0, n);
  const filled = n - evaluated.length;
  const realBreaching = evaluated.filter((period) => breaches(condition, period.value)).length;
  const breaching = realBreaching + (condition.treatMissingData === 'breaching' ? filled : 0);
  const alarm = breaching >= m;
  const shown = evaluated.map((period) => `${formatValue(period.value)} (${formatDatapointTime(period.timestamp)})`).join(', ');
  const counted = alarm ? breaching : evaluated.length - realBreaching;
  const verb = counted === 1 ? 'was' : 'were';
  const comparison = `${alarm ? '' : 'not '}${WORDS[condition.comparisonOperator]}`;
  const transition = alarm ? `minimum ${plural(m, 'datapoint')} for OK -> ALARM transition` : 'minimum 1 datapoint for ALARM -> OK transition';
  const reason = `Threshold Crossed: ${counted} out of the last ${evaluated.length} datapoints [${shown}] ${verb} ${comparison} the threshold (${formatValue(condition.threshold)}) (${transition}).`;
  return { state: alarm ? 'ALARM' : 'OK', reason, reasonData: data(evaluated) };
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Values as CloudWatch's reasons print them (Java doubles): `1.0`, `0.5`. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** `2022-11-08T11:26:05.399+0000`, the timestamps of StateReasonData and of the alarm notification. */
export function formatReasonTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `08/11/22 11:25:00` (day/month/year, UTC), as datapoints appear in a state reason. */
function formatDatapointTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
}
