/**
 * Waits until the system is quiet: no delivery or asynchronous invocation under way (in-process), no saga of the
 * run's orders RUNNING, and no new activity for `quietMs`; or until the deadline, which is then reported.
 */
import { runOrders, sagaExecutions, type AwsReaders } from './observe';
import type { SystemNames } from './system-names';
import type { ChaosTarget } from './target';

export interface Quiescence {
  quiet: boolean;
  waitedMs: number;
  /** Sagas still running at the deadline. */
  running: number;
}

export async function quiesce(
  target: ChaosTarget,
  readers: AwsReaders,
  names: SystemNames,
  runId: string,
  options: { deadlineMs: number; quietMs: number },
): Promise<Quiescence> {
  const orderIds = new Set((await runOrders(readers, names, runId)).map((order) => order.orderId));
  return quiesceOrders(target, readers, names, orderIds, options);
}

/** The same wait for known orders: it reads no table (the bench counts the DynamoDB requests the orders cause). */
export async function quiesceOrders(
  target: ChaosTarget,
  readers: AwsReaders,
  names: SystemNames,
  orderIds: Set<string>,
  options: { deadlineMs: number; quietMs: number },
): Promise<Quiescence> {
  const started = Date.now();
  let seen = -1;
  let changedAt = Date.now();
  for (;;) {
    await target.settle();
    const running = (await sagaExecutions(readers, names, orderIds, 'RUNNING')).length;
    const activity = target.activity().length;
    if (activity !== seen) {
      seen = activity;
      changedAt = Date.now();
    }
    const waitedMs = Date.now() - started;
    if (running === 0 && Date.now() - changedAt >= options.quietMs) return { quiet: true, waitedMs, running };
    if (waitedMs > options.deadlineMs) return { quiet: false, waitedMs, running };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
