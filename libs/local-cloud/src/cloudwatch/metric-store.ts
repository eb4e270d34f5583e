/**
 * CloudWatch's metric data: each metric is its namespace, name and exact set of dimensions (a metric with one more
 * dimension is another metric), holding datapoints as statistic sets. Queries aggregate the datapoints of a time range
 * into periods: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html
 */

export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricIdentity {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

export type Statistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
export const STATISTICS: readonly Statistic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

interface Datapoint extends StatisticSet {
  /** Epoch ms. */
  timestamp: number;
  unit: string;
}

export interface Metric extends MetricIdentity {
  datapoints: Datapoint[];
}

/** A period's aggregate: its start (epoch ms), statistics and the unit of its datapoints. */
export interface PeriodAggregate extends StatisticSet {
  timestamp: number;
  unit: string;
}

export interface MetricFilter {
  namespace?: string;
  metricName?: string;
  /** Each must be present; a value, when given, must match. */
  dimensions?: Array<{ Name: string; Value?: string }>;
  /** Only metrics with a datapoint at or after this time (epoch ms). */
  activeSince?: number;
}

/** Past this many datapoints a metric drops its oldest (a long `npm start` must not grow without bound). */
export const MAX_DATAPOINTS_PER_METRIC = 20_000;
/**
 * The oldest are dropped this many at a time: dropping one per datapoint once full moved the whole array on every put
 * (an account-wide metric such as AWS/Events Invocations fills up within a few thousand orders).
 */
export const DATAPOINTS_DROPPED_AT_ONCE = 1_000;

export function statisticOf(set: StatisticSet, statistic: Statistic): number {
  switch (statistic) {
    case 'SampleCount':
      return set.sampleCount;
    case 'Sum':
      return set.sum;
    case 'Minimum':
      return set.minimum;
    case 'Maximum':
      return set.maximum;
    case 'Average':
      return set.sum / set.sampleCount;
  }
}

/** Dimensions in name order, so that one metric has one key whatever order its dimensions were given in. */
export function sortedDimensions(dimensions: Dimension[]): Dimension[] {
  return [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

export function metricKey(identity: MetricIdentity): string {
  return JSON.stringify([identity.namespace, identity.metricName, sortedDimensions(identity.dimensions).map((d) => [d.Name, d.Value])]);
}

export class MetricStore {
  private readonly metrics = new Map<string, Metric>();

  put(identity: MetricIdentity, timestamp: number, values: StatisticSet, unit = 'None'): void {
    const key = metricKey(identity);
    let metric = this.metrics.get(key);
    if (!metric) {
      metric = { namespace: identity.namespace, metricName: identity.metricName, dimensions: sortedDimensions(identity.dimensions), datapoints: [] };
      this.metrics.set(key, metric);
    }
    const points = metric.datapoints;
    const point = { timestamp, unit, ...values };
    // Datapoints arrive in time order but for a PutMetricData with a Timestamp of its own: keep them sorted.
    let at = points.length;
    while (at > 0 && points[at - 1]!.timestamp > timestamp) at--;
    points.splice(at, 0, point);
    if (points.length >= MAX_DATAPOINTS_PER_METRIC + DATAPOINTS_DROPPED_AT_ONCE) points.splice(0, points.length - MAX_DATAPOINTS_PER_METRIC);
  }

  get(identity: MetricIdentity): Metric | undefined {
    return this.metrics.get(metricKey(identity));
  }

  list(filter: MetricFilter = {}): Metric[] {
    return [...this.metrics.values()].filter(
      (metric) =>
        (filter.namespace === undefined || metric.namespace === filter.namespace) &&
        (filter.metricName === undefined || metric.metricName === filter.metricName) &&
        (filter.dimensions ?? []).every((wanted) => metric.dimensions.some((d) => d.Name === wanted.Name && (wanted.Value === undefined || d.Value === wanted.Value))) &&
        (filter.activeSince === undefined || (metric.datapoints.at(-1)?.timestamp ?? -Infinity) >= filter.activeSince),
    );
  }

  /**
   * The periods of [start, end) that hold datapoints, oldest first. Periods start at `start` and follow each other
   * every `periodMs`; `unit`, when given, keeps only datapoints published with that unit.
   */
  aggregate(identity: MetricIdentity, range: { start: number; end: number; periodMs: number; unit?: string }): PeriodAggregate[] {
    const metric = this.get(identity);
    if (!metric) return [];
    const periods = new Map<number, PeriodAggregate>();
    const points = metric.datapoints;
    for (let index = firstAtOrAfter(points, range.start); index < points.length; index++) {
      const point = points[index]!;
      if (point.timestamp >= range.end) break;
      if (range.unit !== undefined && point.unit !== range.unit) continue;
      const timestamp = range.start + Math.floor((point.timestamp - range.start) / range.periodMs) * range.periodMs;
      const period = periods.get(timestamp);
      if (!period) periods.set(timestamp, { timestamp, unit: point.unit, sampleCount: point.sampleCount, sum: point.sum, minimum: point.minimum, maximum: point.maximum });
      else {
        period.sampleCount += point.sampleCount;
        period.sum += point.sum;
        period.minimum = Math.min(period.minimum, point.minimum);
        period.maximum = Math.max(period.maximum, point.maximum);
      }
    }
    return [...periods.values()];
  }
}

/** The index of the first datapoint at or after `time` (binary search: the datapoints are sorted). */
function firstAtOrAfter(points: Datapoint[], time: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (points[middle]!.timestamp < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The statistic set of raw values, each counted `counts[i]` times (PutMetricData's Values and Counts). */
export function statisticSetOf(values: number[], counts?: number[]): StatisticSet {
  let sampleCount = 0;
  let sum = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  values.forEach((value, index) => {
    const count = counts?.[index] ?? 1;
    sampleCount += count;
    sum += value * count;
    minimum = Math.min(minimum, value);
    maximum = Math.max(maximum, value);
  });
  return { sampleCount, sum, minimum, maximum };
}
