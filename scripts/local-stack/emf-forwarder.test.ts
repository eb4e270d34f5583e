import { startLocalCloud, type LocalCloud } from '../../libs/local-cloud/src';
import { EmfForwarder } from './emf-forwarder';

/** What npm start does with serverless offline's output: EMF lines become metrics in the emulator, other lines do not. */
describe('EmfForwarder', () => {
  let local: LocalCloud;

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0 });
  });

  afterAll(() => local.stop());

  it('forwards the EMF lines of the output and reports the ones CloudWatch would not take', async () => {
    const logged: string[] = [];
    const forwarder = new EmfForwarder(local.url, (line) => logged.push(line));
    const emf = (value: unknown) =>
      JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Shop', Dimensions: [['service']], Metrics: [{ Name: 'OrdersCancelled', Unit: 'Count' }] }] }, service: 'orders', OrdersCancelled: value });
    forwarder.offer('offline: GET /orders (λ: get)');
    forwarder.offer(emf(1));
    forwarder.offer(`2026-01-05T12:00:00.000Z\t${emf(2)}`);
    forwarder.offer('{"level":"INFO","message":"order cancelled"}');
    forwarder.offer(emf('not a number'));
    await forwarder.flush();

    const metric = local.cloudwatch.store.get({ namespace: 'Shop', metricName: 'OrdersCancelled', dimensions: [{ Name: 'service', Value: 'orders' }] });
    expect(metric?.datapoints.map((point) => point.sum)).toEqual([1, 2]);
    expect(logged).toEqual([expect.stringContaining('EMF line not taken as metrics: metric OrdersCancelled must be a member of the document holding a number')]);
  });

  it('says once that it cannot reach the emulator', async () => {
    const logged: string[] = [];
    const forwarder = new EmfForwarder('http://127.0.0.1:9', (line) => logged.push(line));
    const line = JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [] } });
    forwarder.offer(line);
    await forwarder.flush();
    forwarder.offer(line);
    await forwarder.flush();
    expect(logged).toEqual([expect.stringContaining('EMF lines not forwarded to http://127.0.0.1:9')]);
  });
});
