/**
 * What the counted usage of a run costs on AWS, per 1,000,000 orders, by line item (the price table in prices.ts), and
 * the operations per order by resource, so that the ones that buy nothing show. Pure: usage in, bill out.
 *
 * Monthly items (alarms, custom metrics) do not grow with orders: each costs its monthly price once a month, so an
 * order's share is that price divided by the orders a month (`ordersPerMonth`).
 */
import { EXPRESS_MEMORY_MB, gbSeconds } from '../../libs/local-cloud/src/usage/billing-units';
import type { Usage } from '../../libs/local-cloud/src/usage/usage-meter';
import { cost, PRICES, type PriceName } from './prices';

export interface BillOptions {
  /** Orders the run placed: the usage is divided by this. */
  orders: number;
  ordersPerMonth: number;
  /** The system's own resources by name (others, such as a test's tap queue, are left out); all when absent. */
  resources?: ReadonlySet<string>;
}

export interface LineItem {
  item: string;
  price: PriceName;
  unitsPerOrder: number;
  usdPerMillionOrders: number;
}

export interface ResourceOperations {
  resource: string;
  /** Each count divided by the orders. */
  perOrder: Record<string, number>;
}

export interface Bill {
  orders: number;
  ordersPerMonth: number;
  lines: LineItem[];
  usdPerMillionOrders: number;
  /** The same usage with every Express execution's transitions priced as Standard (and no Express requests or duration). */
  allStandardUsdPerMillionOrders: number;
  /** usdPerMillionOrders / allStandardUsdPerMillionOrders. */
  ratio: number;
  operations: Record<'lambda' | 'dynamodb' | 'states' | 'events' | 'sqs' | 'ses' | 'httpApi', ResourceOperations[]>;
  /** Counted but not priced per order, with why. */
  notes: string[];
}

const MILLION = 1_000_000;

export function bill(usage: Usage, options: BillOptions): Bill {
  if (!Number.isFinite(options.orders) || options.orders <= 0) throw new Error(`orders must be a positive number, not ${options.orders}`);
  if (!Number.isFinite(options.ordersPerMonth) || options.ordersPerMonth <= 0) throw new Error(`ordersPerMonth must be a positive number, not ${options.ordersPerMonth}`);
  const kept = <V>(record: Record<string, V>): Array<[string, V]> => Object.entries(record).filter(([name]) => !options.resources || options.resources.has(name));
  const sum = <V>(record: Record<string, V>, of: (value: V) => number) => kept(record).reduce((total, [, value]) => total + of(value), 0);
  const machines = kept(usage.states);
  const standard = machines.filter(([, m]) => m.type === 'STANDARD');
  const express = machines.filter(([, m]) => m.type === 'EXPRESS');
  const totals: Array<[string, PriceName, number]> = [
    ['EventBridge custom events', 'customEvent', sum(usage.events, (b) => b.chunks)],
    ['Step Functions Standard transitions', 'standardTransition', standard.reduce((t, [, m]) => t + m.transitions, 0)],
    ['Step Functions Express requests', 'expressRequest', express.reduce((t, [, m]) => t + m.executions, 0)],
    ['Step Functions Express GB-seconds', 'expressGbSecond', express.reduce((t, [, m]) => t + gbSeconds(m.billedMs, EXPRESS_MEMORY_MB), 0)],
    ['Lambda requests', 'lambdaRequest', sum(usage.lambda, (f) => f.requests)],
    ['Lambda GB-seconds (arm64)', 'lambdaArmGbSecond', sum(usage.lambda, (f) => gbSeconds(f.billedMs, f.memorySizeMb))],
    ['SQS requests', 'sqsRequest', sum(usage.sqs, (q) => q.chunks)],
    ['DynamoDB write request units', 'dynamodbWriteUnit', sum(usage.dynamodb, (t) => t.writeUnits)],
    ['DynamoDB read request units', 'dynamodbReadUnit', sum(usage.dynamodb, (t) => t.readUnits)],
    // Senders are addresses, not resources of a template: every e-mail counts.
    ['SES e-mails', 'sesEmail', Object.values(usage.ses).reduce((t, s) => t + s.emails, 0)],
    ['API Gateway HTTP API requests', 'httpApiRequest', sum(usage.httpApi, (r) => r.chunks)],
  ];
  const perOrder = (units: number) => units / options.orders;
  const lines: LineItem[] = totals.map(([item, price, units]) => line(item, price, perOrder(units)));
  const alarms = usage.cloudwatch.alarms.filter((name) => !options.resources || options.resources.has(name)).length;
  lines.push(line('CloudWatch alarms (monthly)', 'alarmMonth', alarms / options.ordersPerMonth));
  lines.push(line('CloudWatch custom metrics (monthly)', 'customMetricMonth', usage.cloudwatch.customMetrics.length / options.ordersPerMonth));

  const total = lines.reduce((t, l) => t + l.usdPerMillionOrders, 0);
  const expressLines = lines.filter((l) => l.price === 'expressRequest' || l.price === 'expressGbSecond').reduce((t, l) => t + l.usdPerMillionOrders, 0);
  const expressTransitions = perOrder(express.reduce((t, [, m]) => t + m.transitions, 0));
  const allStandard = total - expressLines + cost(PRICES.standardTransition, expressTransitions) * MILLION;
  const emptyReceives = sum(usage.sqs, (q) => q.emptyReceives);
  return {
    orders: options.orders,
    ordersPerMonth: options.ordersPerMonth,
    lines,
    usdPerMillionOrders: total,
    allStandardUsdPerMillionOrders: allStandard,
    ratio: allStandard > 0 ? total / allStandard : 1,
    operations: {
      lambda: kept(usage.lambda).map(([resource, f]) => ({ resource, perOrder: { requests: perOrder(f.requests), billedMs: perOrder(f.billedMs), memorySizeMb: f.memorySizeMb } })),
      dynamodb: kept(usage.dynamodb).map(([resource, t]) => ({
        resource,
        perOrder: { writeUnits: perOrder(t.writeUnits), readUnits: perOrder(t.readUnits), ...mapValues(t.byOperation, perOrder) },
      })),
      states: machines.map(([resource, m]) => ({ resource, perOrder: { executions: perOrder(m.executions), transitions: perOrder(m.transitions), ...mapValues(m.byState, perOrder) } })),
      events: kept(usage.events).map(([resource, b]) => ({ resource, perOrder: { entries: perOrder(b.entries), chunks: perOrder(b.chunks) } })),
      sqs: kept(usage.sqs).map(([resource, q]) => ({ resource, perOrder: { requests: perOrder(q.requests), ...mapValues(q.byOperation, perOrder) } })),
      ses: Object.entries(usage.ses).map(([resource, s]) => ({ resource, perOrder: { emails: perOrder(s.emails) } })),
      httpApi: kept(usage.httpApi).map(([resource, r]) => ({ resource, perOrder: { requests: perOrder(r.requests) } })),
    },
    notes: emptyReceives > 0 ? [`${emptyReceives} empty SQS receives (pollers waiting on idle queues) are a monthly cost of each polled queue, not an order's: left out`] : [],
  };
}

function line(item: string, price: PriceName, unitsPerOrder: number): LineItem {
  return { item, price, unitsPerOrder, usdPerMillionOrders: cost(PRICES[price], unitsPerOrder) * MILLION };
}

function mapValues(record: Record<string, number>, f: (n: number) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));
}
