/**
 * npm run cost [-- --orders N --concurrency C --seed S --orders-per-month M --time-scale T --json]
 * npm run cost -- --from http://localhost:4566 --orders N   (prices a running emulator's counts: N orders placed since
 *                                                             its POST /_local/usage/reset)
 *
 * What an order costs on AWS, measured: runs the chaos suite's mix of scenarios without faults on the whole system in
 * this process, reads what the emulator's usage meter counted (GET /_local/usage), and prices it per 1,000,000 orders
 * by line item with the one price table (scripts/cost/prices.ts). Monthly items (alarms, custom metrics) are divided by
 * --orders-per-month. Also prints the operations per order by resource. The last line is
 * `cost: $X per 1M orders (all-Standard design: $Y, ratio R)`, Y pricing every Express execution's transitions as Standard.
 */
import '../libs/local-cloud/src/polyfills';

// In-process, the functions' INFO logs would drown the report (as in the chaos suite). Their metrics stay on: the
// custom metrics are a line of the bill. Their EMF lines are read from stdout, then kept off the terminal below.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { parseArgs } from 'node:util';
import { integerFlag, positiveNumberFlag } from './cli-flags';
import { bill } from './cost/bill';
import { formatBill, summaryLine } from './cost/report';
import type { Usage } from '../libs/local-cloud/src/usage/usage-meter';
import { runCost, type CostRun } from './cost/run';
import { systemResources } from './cost/system-resources';

export function parseCostArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      'orders-per-month': { type: 'string' },
      'time-scale': { type: 'string' },
      from: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.from !== undefined && values.orders === undefined) throw new Error('--from needs --orders: the orders placed since the emulator\'s POST /_local/usage/reset');
  return {
    orders: integerFlag('orders', values.orders, 200, 1),
    // Few clients: each function's measured duration is Lambda's bill, and a CPU shared by many clients stretches it.
    concurrency: integerFlag('concurrency', values.concurrency, 4, 1),
    seed: integerFlag('seed', values.seed, 1, 1),
    ordersPerMonth: integerFlag('orders-per-month', values['orders-per-month'], 1_000_000, 1),
    timeScale: positiveNumberFlag('time-scale', values['time-scale'], 0.25),
    from: values.from?.replace(/\/$/, ''),
    json: values.json ?? false,
  };
}

/** Function output (EMF lines, logs) written to stdout while the system runs; read by the emulator, not shown. */
function keepFunctionOutputOff(): () => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

/** The counts of a running emulator (`npm start`, `npm run local-cloud`), for `orders` placed since its last reset. */
async function readCounts(emulatorUrl: string, orders: number): Promise<CostRun> {
  const response = await fetch(`${emulatorUrl}/_local/usage`).catch((error: Error) => error);
  if (response instanceof Error || !response.ok) throw new Error(`--from: no usage at ${emulatorUrl}/_local/usage (${response instanceof Error ? response.message : response.status})`);
  return { usage: (await response.json()) as Usage, scenarios: orders, orders, outcomes: {}, quiet: true };
}

async function main(): Promise<void> {
  const options = parseCostArgs(process.argv.slice(2));
  let run: CostRun;
  if (options.from) {
    run = await readCounts(options.from, options.orders);
  } else {
    const restore = keepFunctionOutputOff();
    try {
      run = await runCost({ ...options, log: (line) => console.error(`[cost] ${line}`) });
    } finally {
      restore();
    }
  }
  if (!run.quiet) console.error('[cost] the system was not quiet by the deadline: the counts may be short');
  const result = bill(run.usage, { orders: run.orders, ordersPerMonth: options.ordersPerMonth, resources: systemResources() });
  if (options.json) {
    console.log(JSON.stringify({ ...result, scenarios: run.scenarios, outcomes: run.outcomes, usage: run.usage, summary: summaryLine(result) }, null, 2));
    console.error(summaryLine(result));
  } else {
    console.log(formatBill(result, run));
  }
  process.exit(0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`cost failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
}
