import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The CloudWatch namespace of the shop's business metrics; each also has the dimension `service` (POWERTOOLS_SERVICE_NAME). */
export const BUSINESS_METRICS_NAMESPACE = 'Shop';

/** Each business fact and its unit: counts, and amounts in minor units (with the dimension `currency`). */
const UNITS = {
  OrdersPlaced: MetricUnit.Count,
  OrdersConfirmed: MetricUnit.Count,
  OrdersCancelled: MetricUnit.Count,
  AmountCaptured: MetricUnit.NoUnit,
  AmountRefunded: MetricUnit.NoUnit,
  EmailsSent: MetricUnit.Count,
  ReservationsFailed: MetricUnit.Count,
  /** What a sweep found that should not exist (dimension `sweep`): above 0 means a saga left something broken. */
  SweepFound: MetricUnit.Count,
} as const;

export type BusinessMetric = keyof typeof UNITS;

/**
 * Records that a business fact became true: one CloudWatch metric in the Embedded Metric Format, written to the
 * function's log and flushed at once (a Powertools single metric), so it is out before the invocation ends, whatever
 * the handler does next. A fact is counted where the step that makes it true succeeds: a step retried after its answer
 * was lost counts again, so these are for trends and alarms, not accounting (the tables are the ledger).
 * Read inside the handler (functions share a process locally): the service name comes from its environment.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/metrics/
 */
export function recordBusinessMetric(name: BusinessMetric, { value = 1, dimensions = {} }: { value?: number; dimensions?: Record<string, string> } = {}): void {
  const metrics = new Metrics({ namespace: BUSINESS_METRICS_NAMESPACE, singleMetric: true });
  for (const [dimension, dimensionValue] of Object.entries(dimensions)) metrics.addDimension(dimension, dimensionValue);
  metrics.addMetric(name, UNITS[name], value);
}
