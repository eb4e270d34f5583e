/**
 * One metered run: the chaos suite's mix of scenarios (scripts/chaos/scenarios.ts) driven without faults against the
 * whole system in this process, then what the emulator's usage meter counted from the first POST until the system
 * is quiet. The stock set-up before it is not counted, nor are the run's own reads (it waits on the sagas through the
 * Step Functions API, whose calls AWS does not bill).
 */
import type { Usage } from '../../libs/local-cloud/src/usage/usage-meter';
import { drive, stockUp, type OrderDriven } from '../chaos/drive';
import { awsReaders } from '../chaos/observe';
import { quiesceOrders } from '../chaos/quiesce';
import { generateWorkload } from '../chaos/scenarios';
import { systemNames } from '../chaos/system-names';
import { inProcessTarget } from '../chaos/target';

export interface CostRunOptions {
  orders: number;
  concurrency: number;
  seed: number;
  /** AWS delays are multiplied by this (as in the chaos suite). */
  timeScale: number;
  log?: (line: string) => void;
}

export interface CostRun {
  usage: Usage;
  /** Scenarios driven: orders and invalid requests. */
  scenarios: number;
  /** Orders accepted (202): the bill is per one of these. */
  orders: number;
  /** Final status of the accepted orders, by status. */
  outcomes: Record<string, number>;
  quiet: boolean;
}

export async function runCost(options: CostRunOptions): Promise<CostRun> {
  const runId = `cost${options.seed.toString(36)}${Date.now().toString(36)}`;
  const workload = generateWorkload({ seed: options.seed, orders: options.orders, runId });
  const target = await inProcessTarget({ timeScale: options.timeScale });
  const names = systemNames();
  const readers = awsReaders(target.aws);
  const usageRoute = async (method: 'GET' | 'POST', path: string): Promise<Usage> => {
    const response = await fetch(`${target.aws.endpoint}${path}`, { method });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Usage;
  };
  try {
    await stockUp(target, workload);
    await target.settle();
    await usageRoute('POST', '/_local/usage/reset');
    options.log?.(`driving ${workload.scenarios.length} scenarios with ${options.concurrency} clients, no faults`);
    const driven = await drive(target, workload, { concurrency: options.concurrency, orderSaga: names.sagas.order, pollDeadlineMs: Math.max(120_000, 300_000 * options.timeScale + 30_000) });
    const accepted = driven.filter((d): d is OrderDriven => d.scenario.kind === 'order' && (d as OrderDriven).orderId !== undefined);
    const orderIds = new Set(accepted.map((d) => d.orderId!));
    const quiescence = await quiesceOrders(target, readers, names, orderIds, { deadlineMs: Math.max(120_000, 300_000 * options.timeScale + 60_000), quietMs: 500 });
    options.log?.(`quiet after ${quiescence.waitedMs} ms${quiescence.quiet ? '' : ` (deadline reached, ${quiescence.running} sagas running)`}`);
    const outcomes: Record<string, number> = {};
    for (const d of accepted) outcomes[d.lastStatus ?? 'unknown'] = (outcomes[d.lastStatus ?? 'unknown'] ?? 0) + 1;
    return { usage: await usageRoute('GET', '/_local/usage'), scenarios: driven.length, orders: orderIds.size, outcomes, quiet: quiescence.quiet };
  } finally {
    readers.destroy();
    await target.stop();
  }
}
