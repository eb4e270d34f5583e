/**
 * The Alarms panel's data: every alarm with its state and reason, and charts of the run drawn from the emulator's
 * CloudWatch metrics: orders by outcome (the `Shop` namespace's metrics, from Powertools Metrics' EMF, when the
 * services publish some), the messages waiting in the dead-letter queues, and the sagas that failed, timed out or were
 * aborted.
 */
import type { LocalCloud } from '../../libs/local-cloud/src';
import type { MetricAlarm } from '../../libs/local-cloud/src/cloudwatch/alarms';
import { statisticOf, type Metric, type Statistic } from '../../libs/local-cloud/src/cloudwatch/metric-store';
import type { AlarmView, ChartView, MonitoringView } from './api-types';
import { findDeadLetterQueues } from './dlqs';

/** Each chart has this many periods, over the whole run. */
const BUCKETS = 30;
const MIN_BUCKET_MS = 1_000;
const SAGA_FAILURES = ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'];
const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};
/** ALARM first, then the alarms without data, then OK. */
const STATE_ORDER = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };

export async function monitoring(local: LocalCloud, now = Date.now()): Promise<MonitoringView> {
  const { store, startedAt } = local.cloudwatch;
  const bucketMs = Math.max(MIN_BUCKET_MS, Math.ceil((now - startedAt) / BUCKETS));
  const start = now - bucketMs * BUCKETS;
  /** Each period's statistic, summed over `metrics`; `gauge`: a period with no sample shows the one before (sampled once an AWS minute). */
  const series = (metrics: Metric[], statistic: Statistic, gauge = false) => {
    const values = Array<number>(BUCKETS).fill(0);
    const sampled = new Set<number>();
    for (const metric of metrics) {
      for (const period of store.aggregate(metric, { start, end: now, periodMs: bucketMs })) {
        const index = Math.floor((period.timestamp - start) / bucketMs);
        values[index]! += statisticOf(period, statistic);
        sampled.add(index);
      }
    }
    if (gauge) for (let index = 1; index < BUCKETS; index++) if (!sampled.has(index)) values[index] = values[index - 1]!;
    return values;
  };
  const label = (metric: Metric) => [metric.metricName, ...metric.dimensions.filter((d) => d.Name !== 'service').map((d) => d.Value)].join(' ');

  const dlqNames = new Set((await findDeadLetterQueues(local)).map((queue) => queue.name));
  const dlqDepth = store.list({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible' }).filter((metric) => dlqNames.has(metric.dimensions[0]?.Value ?? ''));
  const sagaFailures = store.list({ namespace: 'AWS/States' }).filter((metric) => SAGA_FAILURES.includes(metric.metricName));
  const charts: ChartView[] = [
    { id: 'orders', title: 'Orders by outcome (Shop metrics)', start, bucketMs, series: store.list({ namespace: 'Shop' }).map((metric) => ({ label: label(metric), values: series([metric], 'Sum') })) },
    { id: 'dlq-depth', title: 'Messages in dead-letter queues', start, bucketMs, series: dlqDepth.length > 0 ? [{ label: 'visible', values: series(dlqDepth, 'Maximum', true) }] : [] },
    { id: 'saga-failures', title: 'Sagas failed, timed out or aborted', start, bucketMs, series: sagaFailures.length > 0 ? [{ label: 'executions', values: series(sagaFailures, 'Sum') }] : [] },
  ];
  const alarms = local.cloudwatch.alarms
    .list()
    .map(alarmView)
    .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || (a.name < b.name ? -1 : 1));
  return { alarms, charts };
}

function alarmView(alarm: MetricAlarm): AlarmView {
  const dimensions = alarm.dimensions.map((d) => `${d.Name}=${d.Value}`).join(' ');
  return {
    name: alarm.name,
    state: alarm.state,
    reason: alarm.stateReason,
    ...(alarm.description !== undefined && { description: alarm.description }),
    stateUpdated: new Date(alarm.stateUpdated).toISOString(),
    metric: `${alarm.namespace} ${alarm.metricName}${dimensions ? ` ${dimensions}` : ''}`,
    condition: `${alarm.statistic} ${OPERATORS[alarm.comparisonOperator]} ${alarm.threshold} for ${alarm.datapointsToAlarm} of ${alarm.evaluationPeriods} × ${alarm.periodSeconds} s`,
  };
}
