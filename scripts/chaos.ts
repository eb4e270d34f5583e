/**
 * npm run chaos [-- --orders N --concurrency C --seed S --faults PLAN --against URL --emulator URL --json]
 *
 * Drives the whole system with many concurrent orders (every payment token, high-value and multi-line orders, scarce
 * stock, cancellations racing payments, clients retrying, invalid requests) under a fault plan, waits for quiet, and
 * checks the invariants for every order; then redrives every DLQ and checks them again. In-process by default (the
 * system on the emulator in this process); `--against http://localhost:3000` drives a running `npm start` (its
 * emulator at --emulator, default http://localhost:4566). Prints a report whose last line is
 * `chaos: N passed, M failed` (one per check); exits 1 when any check failed.
 */
import '../libs/local-cloud/src/polyfills';

// In-process, the functions' INFO logs and metric lines would drown the report (as in the tests: tests/setup-env.ts).
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { parseArgs } from 'node:util';
import { integerFlag, positiveNumberFlag } from './cli-flags';
import { formatReport, summaryLine } from './chaos/report';
import { DEFAULT_FAULTS, runChaos, type ChaosOptions } from './chaos/run';

export function parseChaosArgs(args: string[]): ChaosOptions & { json: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      faults: { type: 'string' },
      against: { type: 'string' },
      emulator: { type: 'string' },
      'time-scale': { type: 'string' },
      'outcome-timeout': { type: 'string' },
      'quiet-deadline': { type: 'string' },
      traces: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const against = values.against;
  // Lambda retries a failed asynchronous invocation after 1 and 2 more minutes (AWS time), while Powertools'
  // idempotency lock of an invocation that died lasts the function's remaining time (10 s, real time): below 10/60
  // the retries would all meet the lock and go to the DLQ, which on AWS they never do.
  const timeScale = positiveNumberFlag('time-scale', values['time-scale'], 0.25);
  return {
    orders: integerFlag('orders', values.orders, 2000, 1),
    // More clients than this overload the system in one process (its functions then time out, in real time).
    concurrency: integerFlag('concurrency', values.concurrency, 24, 1),
    seed: integerFlag('seed', values.seed, 1),
    faults: values.faults ?? DEFAULT_FAULTS,
    ...(against && { against: { apiUrl: against.replace(/\/$/, ''), emulatorUrl: (values.emulator ?? 'http://localhost:4566').replace(/\/$/, '') } }),
    timeScale,
    ...(values['outcome-timeout'] !== undefined && { outcomeTimeoutSeconds: integerFlag('outcome-timeout', values['outcome-timeout'], 0, 1) }),
    // Long enough for the order saga's outcome timeout (300 s packaged, scaled) to pass for an order whose outcome was lost.
    quiesceDeadlineMs: integerFlag('quiet-deadline', values['quiet-deadline'], against ? 600_000 : Math.max(120_000, 300_000 * timeScale + 60_000), 1),
    pollDeadlineMs: against ? 360_000 : Math.max(120_000, 300_000 * timeScale + 30_000),
    maxTraces: integerFlag('traces', values.traces, 20),
    json: values.json ?? false,
  };
}

async function main(): Promise<void> {
  const options = parseChaosArgs(process.argv.slice(2));
  const result = await runChaos({ ...options, log: options.json ? undefined : (line) => console.error(`[chaos] ${line}`) });
  if (options.json) {
    // stdout stays one JSON document; the summary line ends stderr.
    console.log(JSON.stringify({ ...result, summary: summaryLine(result) }, null, 2));
    console.error(summaryLine(result));
  } else {
    console.log(formatReport(result));
  }
  process.exit(result.checks.every((check) => check.passed) ? 0 : 1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`chaos failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
}
