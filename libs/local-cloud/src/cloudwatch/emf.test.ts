import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../index';
import { localClientConfig } from '../schemas/rest-test-server';
import { parseEmf } from './emf';

/** Embedded Metric Format: what a function writes becomes metrics, in process and through the /_local route. */
describe('EMF metrics', () => {
  let local: LocalCloud;
  let client: CloudWatchClient;

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0 });
    client = new CloudWatchClient(localClientConfig(local.url));
    // tests/setup-env turns Powertools Metrics off for the other tests; on Lambda nothing does.
    local.lambda.registerFunction({
      functionName: 'orders-metrics',
      handler: 'metrics.confirmOrders',
      servicePath: path.join(__dirname, '../lambda/fixtures'),
      environment: { POWERTOOLS_METRICS_DISABLED: 'false' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
  });

  const sumOf = async (metricName: string, dimensions: Array<{ Name: string; Value: string }>) => {
    const { Datapoints = [] } = await client.send(
      new GetMetricStatisticsCommand({ Namespace: 'Shop', MetricName: metricName, Dimensions: dimensions, StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(Date.now() + 60_000), Period: 3600, Statistics: ['Sum', 'SampleCount'] }),
    );
    return { sum: Datapoints.reduce((total, point) => total + point.Sum!, 0), samples: Datapoints.reduce((total, point) => total + point.SampleCount!, 0) };
  };

  it("keeps the metrics Powertools Metrics writes during an in-process invocation, with the function's dimensions", async () => {
    await local.lambda.invoke('orders-metrics', JSON.stringify({ confirmed: 2, outcome: 'CONFIRMED' }));
    await local.lambda.invoke('orders-metrics', JSON.stringify({ confirmed: 1, outcome: 'CONFIRMED' }));
    await local.lambda.invoke('orders-metrics', JSON.stringify({ confirmed: 1, outcome: 'CANCELLED' }));
    const dimensions = (outcome: string) => [{ Name: 'service', Value: 'orders' }, { Name: 'outcome', Value: outcome }];
    expect(await sumOf('OrdersCompleted', dimensions('CONFIRMED'))).toEqual({ sum: 3, samples: 2 });
    expect(await sumOf('OrdersCompleted', dimensions('CANCELLED'))).toEqual({ sum: 1, samples: 1 });
  });

  it('meters each custom metric written (a metric-month on the bill), not the AWS services\' own', async () => {
    local.usage.reset();
    await local.lambda.invoke('orders-metrics', JSON.stringify({ confirmed: 1, outcome: 'CONFIRMED' }));
    await local.lambda.invoke('orders-metrics', JSON.stringify({ confirmed: 1, outcome: 'CONFIRMED' }));
    await local.cloudwatch.dispatch('PutMetricData', { Namespace: 'Custom', MetricData: [{ MetricName: 'Depth', Value: 1 }] });
    const { customMetrics } = local.usage.snapshot().cloudwatch;
    expect(customMetrics).toEqual([expect.stringContaining('"Custom","Depth"'), expect.stringContaining('"Shop","OrdersCompleted"')]);
  });

  it('takes EMF lines on POST /_local/cloudwatch/emf, ignoring other lines and naming what is wrong with a bad document', async () => {
    const line = (metrics: Record<string, unknown>) =>
      JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Shop', Dimensions: [['service']], Metrics: [{ Name: 'PaymentsFailed', Unit: 'Count' }] }] }, service: 'payments', ...metrics });
    const body = [line({ PaymentsFailed: 1 }), 'a plain log line', '{"level":"INFO","message":"not a metric"}', line({ PaymentsFailed: [2, 3] }), line({ PaymentsFailed: 'one' })].join('\n');
    const answer = await fetch(`${local.url}/_local/cloudwatch/emf`, { method: 'POST', body });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ metrics: 2, rejected: [{ line: expect.any(String), reason: expect.stringContaining('metric PaymentsFailed must be a member of the document holding a number') }] });
    expect(await sumOf('PaymentsFailed', [{ Name: 'service', Value: 'payments' }])).toEqual({ sum: 6, samples: 3 });
  });
});

describe('parseEmf', () => {
  const document = (overrides: Record<string, unknown> = {}, directive: Record<string, unknown> = {}) =>
    JSON.stringify({ _aws: { Timestamp: 1_700_000_000_000, CloudWatchMetrics: [{ Namespace: 'Shop', Dimensions: [['service'], ['service', 'stage']], Metrics: [{ Name: 'Orders' }], ...directive }] }, service: 'orders', stage: 'dev', Orders: 4, ...overrides });

  it('gives one metric per dimension set, with the unit and timestamp of the document', () => {
    expect(parseEmf(document())).toEqual([
      { identity: { namespace: 'Shop', metricName: 'Orders', dimensions: [{ Name: 'service', Value: 'orders' }] }, timestamp: 1_700_000_000_000, values: [4], unit: 'None' },
      { identity: { namespace: 'Shop', metricName: 'Orders', dimensions: [{ Name: 'service', Value: 'orders' }, { Name: 'stage', Value: 'dev' }] }, timestamp: 1_700_000_000_000, values: [4], unit: 'None' },
    ]);
    expect(parseEmf(document({}, { Dimensions: [] }))[0]!.identity.dimensions).toEqual([]);
  });

  it.each([
    ['a dimension the document lacks', document({ stage: undefined }), 'dimension stage'],
    ['a dimension that is not a string', document({ stage: 3 }), 'dimension stage'],
    ['a metric value that is not a number', document({ Orders: 'four' }), 'metric Orders'],
    ['a blank namespace', document({}, { Namespace: ' ' }), 'Namespace'],
    ['a bad storage resolution', document({}, { Metrics: [{ Name: 'Orders', StorageResolution: 5 }] }), 'StorageResolution'],
    ['no timestamp', JSON.stringify({ _aws: { CloudWatchMetrics: [] } }), '_aws.Timestamp'],
  ])('refuses %s', (_what, line, named) => {
    expect(() => parseEmf(line)).toThrow(named);
  });
});
