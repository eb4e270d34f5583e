import type { Usage } from '../../libs/local-cloud/src/usage/usage-meter';
import { bill } from './bill';

const usage = (): Usage => ({
  since: '2026-12-01T00:00:00.000Z',
  events: { 'shop-dev': { entries: 20, chunks: 20 } },
  states: {
    order: { type: 'STANDARD', executions: 2, transitions: 20, byState: { A: 20 }, billedMs: 0 },
    notify: { type: 'EXPRESS', executions: 2, transitions: 10, byState: { B: 10 }, billedMs: 400 },
  },
  lambda: { fn: { memorySizeMb: 512, requests: 4, billedMs: 2_000 } },
  sqs: { 'shop-dlq': { requests: 2, chunks: 2, emptyReceives: 5, byOperation: { SendMessage: 2 } }, 'test-tap': { requests: 100, chunks: 100, emptyReceives: 0, byOperation: {} } },
  dynamodb: { orders: { readUnits: 1, writeUnits: 6, byOperation: { PutItem: 2, GetItem: 2 } } },
  ses: { 'shop@example.com': { emails: 2 } },
  httpApi: { 'POST /orders': { requests: 2, chunks: 2 } },
  cloudwatch: { alarms: ['alarm-1', 'alarm-2', 'other-stack-alarm'], customMetrics: ['m1', 'm2', 'm3'] },
});

const resources = new Set(['shop-dev', 'order', 'notify', 'fn', 'shop-dlq', 'orders', 'POST /orders', 'alarm-1', 'alarm-2']);
const line = (b: ReturnType<typeof bill>, item: string) => b.lines.find((l) => l.item === item)!;

describe('bill', () => {
  const result = bill(usage(), { orders: 2, ordersPerMonth: 1_000_000, resources });

  it('prices each line per order and per 1M orders', () => {
    expect(line(result, 'EventBridge custom events')).toMatchObject({ unitsPerOrder: 10, usdPerMillionOrders: 10 });
    expect(line(result, 'Step Functions Standard transitions')).toMatchObject({ unitsPerOrder: 10, usdPerMillionOrders: 250 });
    expect(line(result, 'Step Functions Express requests')).toMatchObject({ unitsPerOrder: 1, usdPerMillionOrders: 1 });
    // 400 ms at 64 MB over 2 orders: 0.0125 GB-s per order.
    expect(line(result, 'Step Functions Express GB-seconds').unitsPerOrder).toBeCloseTo(0.0125, 10);
    expect(line(result, 'Step Functions Express GB-seconds').usdPerMillionOrders).toBeCloseTo(0.0125 * 0.00001667 * 1e6, 6);
    expect(line(result, 'Lambda requests')).toMatchObject({ unitsPerOrder: 2, usdPerMillionOrders: 0.4 });
    // 2 s at 512 MB over 2 orders: 0.5 GB-s per order.
    expect(line(result, 'Lambda GB-seconds (arm64)').usdPerMillionOrders).toBeCloseTo(0.5 * 0.0000133334 * 1e6, 6);
    expect(line(result, 'DynamoDB write request units')).toMatchObject({ unitsPerOrder: 3, usdPerMillionOrders: 1.875 });
    expect(line(result, 'DynamoDB read request units')).toMatchObject({ unitsPerOrder: 0.5, usdPerMillionOrders: 0.0625 });
    expect(line(result, 'SES e-mails')).toMatchObject({ unitsPerOrder: 1, usdPerMillionOrders: 100 });
    expect(line(result, 'API Gateway HTTP API requests')).toMatchObject({ unitsPerOrder: 1, usdPerMillionOrders: 1 });
  });

  it("leaves out what is not the system's own, and empty receives, with a note", () => {
    expect(line(result, 'SQS requests').unitsPerOrder).toBe(1);
    expect(result.operations.sqs.map((q) => q.resource)).toEqual(['shop-dlq']);
    expect(result.notes).toEqual([expect.stringContaining('5 empty SQS receives')]);
  });

  it('spreads monthly items over the orders of a month', () => {
    expect(line(result, 'CloudWatch alarms (monthly)')).toMatchObject({ unitsPerOrder: 2 / 1_000_000 });
    expect(line(result, 'CloudWatch alarms (monthly)').usdPerMillionOrders).toBeCloseTo(0.2, 10);
    expect(line(result, 'CloudWatch custom metrics (monthly)').usdPerMillionOrders).toBeCloseTo(0.9, 10);
    const busier = bill(usage(), { orders: 2, ordersPerMonth: 10_000_000, resources });
    expect(line(busier, 'CloudWatch alarms (monthly)').usdPerMillionOrders).toBeCloseTo(0.02, 10);
  });

  it('prices an all-Standard design with the Express transitions as Standard ones', () => {
    const express = line(result, 'Step Functions Express requests').usdPerMillionOrders + line(result, 'Step Functions Express GB-seconds').usdPerMillionOrders;
    expect(result.allStandardUsdPerMillionOrders).toBeCloseTo(result.usdPerMillionOrders - express + 5 * 25, 6);
    expect(result.ratio).toBeCloseTo(result.usdPerMillionOrders / result.allStandardUsdPerMillionOrders, 10);
    expect(result.ratio).toBeLessThan(1);
  });

  it('shows the operations per order by resource', () => {
    expect(result.operations.states).toEqual([
      { resource: 'order', perOrder: { executions: 1, transitions: 10, A: 10 } },
      { resource: 'notify', perOrder: { executions: 1, transitions: 5, B: 5 } },
    ]);
    expect(result.operations.dynamodb).toEqual([{ resource: 'orders', perOrder: { writeUnits: 3, readUnits: 0.5, PutItem: 1, GetItem: 1 } }]);
  });

  it('refuses a run without orders, naming the field', () => {
    expect(() => bill(usage(), { orders: 0, ordersPerMonth: 1 })).toThrow(/orders must be a positive number/);
    expect(() => bill(usage(), { orders: 1, ordersPerMonth: Number.NaN })).toThrow(/ordersPerMonth must be a positive number/);
  });
});
