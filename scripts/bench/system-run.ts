/**
 * One measured drive of happy orders through a chaos target (in process or a running `npm start`): a warm-up, then the
 * orders with `concurrency` clients, each from its POST to the client seeing its order final; then a wait until every
 * saga of the run has ended.
 */
import { drive, stockUp, type OrderDriven } from '../chaos/drive';
import { awsReaders } from '../chaos/observe';
import { quiesceOrders } from '../chaos/quiesce';
import { percentile } from '../chaos/run';
import type { SystemNames } from '../chaos/system-names';
import type { ChaosTarget } from '../chaos/target';
import { happyWorkload } from './happy-workload';

export interface DriveFigures {
  orders: number;
  confirmed: number;
  driveMs: number;
  ordersPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

export interface DriveHooks {
  /** Called once the warm-up is done, just before the measured orders are sent. */
  beforeDrive?: () => Promise<void> | void;
  /** Called once every saga of the measured orders has ended. */
  afterQuiet?: () => Promise<void> | void;
}

export async function driveHappyOrders(
  target: ChaosTarget,
  names: SystemNames,
  options: { orders: number; concurrency: number; warmup: number; runId: string; pollDeadlineMs: number },
  hooks: DriveHooks = {},
): Promise<DriveFigures> {
  const readers = awsReaders(target.aws);
  try {
    // The warm-up loads every function's code (a cold start each) and is not measured.
    const warmup = happyWorkload({ orders: options.warmup, runId: `${options.runId}w` });
    const workload = happyWorkload({ orders: options.orders, runId: options.runId });
    await stockUp(target, warmup);
    await stockUp(target, workload);
    const driveOptions = { concurrency: options.concurrency, orderSaga: names.sagas.order, pollDeadlineMs: options.pollDeadlineMs };
    const warmed = (await drive(target, warmup, driveOptions)) as OrderDriven[];
    const quiet = { deadlineMs: options.pollDeadlineMs, quietMs: 300 };
    await quiesceOrders(target, readers, names, orderIdsOf(warmed), quiet);

    await hooks.beforeDrive?.();
    const started = Date.now();
    const driven = (await drive(target, workload, driveOptions)) as OrderDriven[];
    const driveMs = Date.now() - started;
    await quiesceOrders(target, readers, names, orderIdsOf(driven), quiet);
    await hooks.afterQuiet?.();

    const latencies = driven.flatMap((d) => (d.finalAfterMs === undefined ? [] : [d.finalAfterMs])).sort((a, b) => a - b);
    return {
      orders: driven.length,
      confirmed: driven.filter((d) => d.lastStatus === 'CONFIRMED').length,
      driveMs,
      ordersPerSecond: (driven.length * 1000) / driveMs,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    };
  } finally {
    readers.destroy();
  }
}

function orderIdsOf(driven: OrderDriven[]): Set<string> {
  return new Set(driven.flatMap((d) => (d.orderId ? [d.orderId] : [])));
}
