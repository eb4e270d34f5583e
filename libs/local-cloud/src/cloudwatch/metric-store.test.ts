import { DATAPOINTS_DROPPED_AT_ONCE, MAX_DATAPOINTS_PER_METRIC, MetricStore } from './metric-store';

describe('MetricStore', () => {
  const identity = { namespace: 'AWS/Events', metricName: 'Invocations', dimensions: [] };
  const one = { sampleCount: 1, sum: 1, minimum: 1, maximum: 1 };

  it('keeps a full metric between its cap and the cap plus one batch, dropping the oldest a batch at a time', () => {
    const store = new MetricStore();
    const puts = MAX_DATAPOINTS_PER_METRIC + 2 * DATAPOINTS_DROPPED_AT_ONCE + 10;
    const lengths = new Set<number>();
    for (let t = 0; t < puts; t++) {
      store.put(identity, t, one, 'Count');
      if (t >= MAX_DATAPOINTS_PER_METRIC) lengths.add(store.get(identity)!.datapoints.length);
    }
    const points = store.get(identity)!.datapoints;
    expect(Math.min(...lengths)).toBe(MAX_DATAPOINTS_PER_METRIC);
    expect(Math.max(...lengths)).toBe(MAX_DATAPOINTS_PER_METRIC + DATAPOINTS_DROPPED_AT_ONCE - 1);
    // The newest are kept, in time order.
    expect(points.at(-1)!.timestamp).toBe(puts - 1);
    expect(points[0]!.timestamp).toBe(puts - points.length);
  });

  it('answers 60,000 datapoints into one metric without moving the full array on each (it took 10 s when it did)', () => {
    const store = new MetricStore();
    const started = process.hrtime.bigint();
    for (let t = 0; t < 60_000; t++) store.put(identity, t, one, 'Count');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(3_000);
  });
});
