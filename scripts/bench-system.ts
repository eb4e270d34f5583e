/**
 * npm run bench:system [-- --orders 200 --concurrency 16 --stack-orders 40 --stack-concurrency 6 --warmup 8 --top 15 --no-stack --cpu-profile FILE]
 *
 * Orders per second through the whole system: happy orders (scripts/bench/happy-workload.ts) driven by concurrent
 * clients, from POST /orders to the client seeing the order CONFIRMED (p50, p99).
 * 1. In process (the system on the emulator in this process, no faults), under a CPU profile whose top entries by
 *    self time are printed; every DynamoDB request the orders cause is counted at the emulator's DynamoDB endpoint.
 * 2. The bound, in the same process, just before and just after the drive: conditional writes per second the DynamoDB
 *    emulation sustains through that endpoint, with the same SDK and concurrency. The system's share of it = orders/s x DynamoDB requests per order.
 * 3. Under `npm start` (spawned on its default ports, so no other stack may hold them), fewer orders.
 * Last line: `bench:system: X orders/s in process (p50 A ms, p99 B ms), S% of the DynamoDB bound; Y orders/s under npm start`.
 */
import '../libs/local-cloud/src/polyfills';

// In-process, the functions' INFO logs and metric lines would drown the report (as in chaos.ts).
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { integerFlag } from './cli-flags';
import type { CloudActivity } from '../libs/local-cloud/src/cloud';
import { formatProfile, startCpuProfile, summariseByPackage, summariseProfile, type CpuProfile, type ProfileEntry } from './bench/cpu-profile';
import { combinedBound, measureConditionalWrites, type DynamoDbBound } from './bench/dynamodb-bound';
import { startNpmStart } from './bench/npm-start';
import { driveHappyOrders, type DriveFigures } from './bench/system-run';
import { systemNames } from './chaos/system-names';
import { inProcessTarget, remoteTarget } from './chaos/target';

const ROOT = path.resolve(__dirname, '..');
/** The in-process system's AWS delays (as the chaos suite's): no happy order waits on one, and the order saga's outcome timeout stays long. */
const TIME_SCALE = 0.25;
const POLL_DEADLINE_MS = 120_000;
const BOUND_MS = 3_000;

export function parseBenchArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      'stack-orders': { type: 'string' },
      'stack-concurrency': { type: 'string' },
      warmup: { type: 'string' },
      top: { type: 'string' },
      'no-stack': { type: 'boolean', default: false },
      'cpu-profile': { type: 'string' },
    },
    strict: true,
  });
  return {
    orders: integerFlag('orders', values.orders, 200, 1),
    concurrency: integerFlag('concurrency', values.concurrency, 16, 1),
    stackOrders: integerFlag('stack-orders', values['stack-orders'], 40, 1),
    // serverless offline's worker threads fall behind above ~6 clients on 2 cores (see the chaos suite's --against).
    stackConcurrency: integerFlag('stack-concurrency', values['stack-concurrency'], 6, 1),
    warmup: integerFlag('warmup', values.warmup, 8, 0),
    top: integerFlag('top', values.top, 15, 1),
    stack: !values['no-stack'],
    /** Where to write the in-process drive's raw profile (a .cpuprofile, for Chrome DevTools or speedscope). */
    cpuProfileFile: values['cpu-profile'],
  };
}

interface InProcessFigures extends DriveFigures {
  /** This process's CPU time (user + system, every thread) from the first POST until every saga ended, per order. */
  cpuMsPerOrder: number;
  dynamodbRequests: number;
  profile: ProfileEntry[];
  byPackage: ProfileEntry[];
  bound: DynamoDbBound;
}

async function inProcess(options: ReturnType<typeof parseBenchArgs>, runId: string): Promise<InProcessFigures> {
  const target = await inProcessTarget({ timeScale: TIME_SCALE });
  let dynamodbRequests = 0;
  let counting = false;
  const count = (activity: CloudActivity) => {
    if (counting && activity.service === 'dynamodb' && activity.type === 'operation') dynamodbRequests++;
  };
  target.local.cloud.monitor.on('activity', count);
  try {
    let stopProfile: (() => Promise<CpuProfile>) | undefined;
    let profile: ProfileEntry[] = [];
    let byPackage: ProfileEntry[] = [];
    let cpu = process.cpuUsage();
    const bounds: DynamoDbBound[] = [];
    const measureBound = async () => {
      bounds.push(await measureConditionalWrites(target.aws, { concurrency: options.concurrency, durationMs: BOUND_MS, table: `bench-bound-${runId}-${bounds.length}` }));
    };
    const figures = await driveHappyOrders(
      target,
      systemNames(),
      { orders: options.orders, concurrency: options.concurrency, warmup: options.warmup, runId, pollDeadlineMs: POLL_DEADLINE_MS },
      {
        async beforeDrive() {
          await measureBound();
          counting = true;
          stopProfile = await startCpuProfile();
          cpu = process.cpuUsage();
        },
        async afterQuiet() {
          counting = false;
          cpu = process.cpuUsage(cpu);
          const raw = await stopProfile!();
          if (options.cpuProfileFile) await writeFile(options.cpuProfileFile, JSON.stringify(raw));
          profile = summariseProfile(raw, { top: options.top, root: ROOT });
          byPackage = summariseByPackage(raw, { top: 10, root: ROOT });
          await measureBound();
        },
      },
    );
    const bound = combinedBound(bounds[0]!, bounds[1]!);
    return { ...figures, cpuMsPerOrder: (cpu.user + cpu.system) / 1000 / figures.orders, dynamodbRequests, profile, byPackage, bound };
  } finally {
    target.local.cloud.monitor.off('activity', count);
    await target.stop();
  }
}

async function underNpmStart(options: ReturnType<typeof parseBenchArgs>, runId: string): Promise<DriveFigures> {
  const stack = await startNpmStart();
  try {
    const target = await remoteTarget({ apiUrl: stack.apiUrl, emulatorUrl: stack.emulatorUrl, names: systemNames(), runId });
    try {
      return await driveHappyOrders(target, systemNames(), { orders: options.stackOrders, concurrency: options.stackConcurrency, warmup: options.warmup, runId, pollDeadlineMs: POLL_DEADLINE_MS });
    } finally {
      await target.stop();
    }
  } finally {
    await stack.stop();
  }
}

const ms = (n: number) => n.toFixed(0);
const rate = (n: number) => n.toFixed(1);

function describeDrive(where: string, figures: DriveFigures, concurrency: number): string {
  const unconfirmed = figures.orders - figures.confirmed;
  return (
    `${where}: ${figures.orders} orders, ${concurrency} clients, ${(figures.driveMs / 1000).toFixed(1)} s: ${rate(figures.ordersPerSecond)} orders/s; ` +
    `POST -> CONFIRMED p50 ${ms(figures.latencyMs.p50)} ms, p99 ${ms(figures.latencyMs.p99)} ms, max ${ms(figures.latencyMs.max)} ms` +
    (unconfirmed > 0 ? `; ${unconfirmed} orders not CONFIRMED` : '')
  );
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  const runId = `b${Date.now().toString(36)}`;
  const local = await inProcess(options, runId);
  const perOrder = local.dynamodbRequests / local.orders;
  const share = (local.ordersPerSecond * perOrder) / local.bound.writesPerSecond;
  console.log(`${describeDrive('in process', local, options.concurrency)}; CPU ${ms(local.cpuMsPerOrder)} ms per order`);
  console.log(`where the time goes (CPU profile of the drive, top ${local.profile.length} by self time):`);
  for (const line of formatProfile(local.profile)) console.log(`  ${line}`);
  console.log('by package:');
  for (const line of formatProfile(local.byPackage)) console.log(`  ${line}`);
  console.log(`DynamoDB: ${perOrder.toFixed(1)} requests per order (${local.dynamodbRequests} for ${local.orders} orders)`);
  console.log(
    `DynamoDB bound: ${rate(local.bound.writesPerSecond)} conditional writes/s (${local.bound.writes} in ${(local.bound.ms / 1000).toFixed(1)} s, just before and just after the drive, ${options.concurrency} writers); ` +
      `the system used ${rate(local.ordersPerSecond * perOrder)} requests/s = ${(share * 100).toFixed(0)}% of it`,
  );
  // The same share in CPU time, which a machine shared with other work disturbs less than wall-clock rates.
  const cpuShare = (perOrder * local.bound.cpuMsPerWrite) / local.cpuMsPerOrder;
  console.log(`in CPU time: a conditional write costs ${local.bound.cpuMsPerWrite.toFixed(2)} ms, so an order's DynamoDB requests are ${(cpuShare * 100).toFixed(0)}% of its ${ms(local.cpuMsPerOrder)} ms`);
  let stack = 'n/a';
  if (options.stack) {
    const figures = await underNpmStart(options, `${runId}s`);
    console.log(describeDrive('under npm start', figures, options.stackConcurrency));
    stack = rate(figures.ordersPerSecond);
  }
  console.log(
    `bench:system: ${rate(local.ordersPerSecond)} orders/s in process (p50 ${ms(local.latencyMs.p50)} ms, p99 ${ms(local.latencyMs.p99)} ms), ` +
      `${(share * 100).toFixed(0)}% of the DynamoDB bound; ${stack} orders/s under npm start`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench:system failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  });
}
