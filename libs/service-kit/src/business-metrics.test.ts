import { BUSINESS_METRICS_NAMESPACE, recordBusinessMetric } from './business-metrics';
import { captureMetrics } from './testing';

describe('recordBusinessMetric', () => {
  const service = process.env.POWERTOOLS_SERVICE_NAME;
  beforeEach(() => {
    process.env.POWERTOOLS_SERVICE_NAME = 'orders';
  });
  afterEach(() => {
    if (service === undefined) delete process.env.POWERTOOLS_SERVICE_NAME;
    else process.env.POWERTOOLS_SERVICE_NAME = service;
  });

  it('emits each fact at once in the Shop namespace, with the service and its own dimensions', async () => {
    const { metrics } = await captureMetrics(() => {
      recordBusinessMetric('OrdersCancelled', { dimensions: { reason: 'PAYMENT_FAILED' } });
      recordBusinessMetric('AmountCaptured', { value: 2598, dimensions: { currency: 'EUR' } });
    });
    expect(BUSINESS_METRICS_NAMESPACE).toBe('Shop');
    expect(metrics).toEqual([
      { namespace: 'Shop', name: 'OrdersCancelled', unit: 'Count', value: 1, dimensions: { service: 'orders', reason: 'PAYMENT_FAILED' } },
      { namespace: 'Shop', name: 'AmountCaptured', unit: 'None', value: 2598, dimensions: { service: 'orders', currency: 'EUR' } },
    ]);
  });

  it('reads the service of the function running now (functions share a process locally)', async () => {
    const { metrics } = await captureMetrics(() => {
      recordBusinessMetric('OrdersPlaced');
      process.env.POWERTOOLS_SERVICE_NAME = 'notifications';
      recordBusinessMetric('EmailsSent', { dimensions: { outcome: 'CONFIRMED' } });
    });
    expect(metrics.map((m) => [m.name, m.dimensions])).toEqual([
      ['OrdersPlaced', { service: 'orders' }],
      ['EmailsSent', { service: 'notifications', outcome: 'CONFIRMED' }],
    ]);
  });
});
