/**
 * One chaos run: generate the workload, stock it, turn the fault plan on, drive every scenario, wait for quiet, turn
 * the faults off, check every invariant; then redrive every DLQ, wait again and check everything again.
 */
import { invalidRequestCount, runChecks, type CheckResult, type Phase } from './checks';
import { drive, stockUp, type Driven, type OrderDriven } from './drive';
import { awsReaders, observe, type AwsReaders, type Observed } from './observe';
import { quiesce, type Quiescence } from './quiesce';
import { generateWorkload, type Workload } from './scenarios';
import { systemNames } from './system-names';
import { inProcessTarget, remoteTarget, type ChaosTarget } from './target';
import { traceOrder } from './trace';
import type { LoggedActivity } from '../dashboard/api-types';

/** Every fault at a realistic rate (the emulator's fault plan syntax). */
export const DEFAULT_FAULTS =
  'duplicate=0.3,delay=0-2000ms,lambda.before=0.05,lambda.after=0.05,putEvents=0.1,dynamodb.throttle=0.02,dynamodb.lostResponse=0.02,ses=0.05,http=0.02';

export interface ChaosOptions {
  orders: number;
  concurrency: number;
  seed: number;
  /** A fault plan, or `none`. */
  faults: string;
  /** Drive a running `npm start` instead of the system in this process. */
  against?: { apiUrl: string; emulatorUrl: string };
  /** In-process only: AWS delays are multiplied by this. */
  timeScale: number;
  /** In-process only: replaces the order saga's outcome timeout (AWS seconds, scaled by timeScale; 300 packaged). */
  outcomeTimeoutSeconds?: number;
  /** How long to wait for quiet after the drive, and after the redrive. */
  quiesceDeadlineMs: number;
  /** How long a client polls its order. */
  pollDeadlineMs: number;
  /** Traces printed at most. */
  maxTraces: number;
  log?: (line: string) => void;
}

export interface ViolationReport {
  check: string;
  phase: Phase;
  subject: string;
  message: string;
  trace?: string[];
}

export interface ChaosResult {
  runId: string;
  seed: number;
  target: string;
  faultPlan: string;
  scenarios: { total: number; orders: number; accepted: number; invalidRequests: number };
  driveMs: number;
  ordersPerSecond: number;
  /** From the first POST to the client seeing the order CONFIRMED or CANCELLED. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; seen: number };
  injected: Record<string, number>;
  quiescence: { afterDrive: Quiescence; afterRedrive: Quiescence };
  redrive: { queues: number; redriven: number; kept: number; before: number };
  checks: Array<{ name: string; description: string; before: number; after: number; passed: boolean }>;
  violations: ViolationReport[];
  notes: string[];
}

/**
 * Invocations that timed out for real (not a `lambda.after` fault): the machine could not keep up with the clients,
 * and what follows (a retried step, a second e-mail) says more about the load than about the system.
 */
export function realTimeouts(activity: LoggedActivity[]): number {
  const injected = new Set(activity.filter((a) => a.service === 'faults' && a.fault === 'lambda.after').map((a) => String(a.requestId)));
  return activity.filter((a) => a.type === 'invocation.failed' && a.errorType === 'Sandbox.Timedout' && !injected.has(String(a.requestId))).length;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The plan with the run's seed, so that a rerun with the same seed injects the same faults where timing allows. */
export function seededPlan(plan: string, seed: number): string {
  if (plan === 'none' || /(^|,)\s*seed=/.test(plan)) return plan;
  return `seed=${seed},${plan}`;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const begun = Date.now();
  const log = (line: string) => options.log?.(`${((Date.now() - begun) / 1000).toFixed(1).padStart(6)} s  ${line}`);
  const runId = `${options.seed.toString(36)}${Date.now().toString(36)}`;
  const workload: Workload = generateWorkload({ seed: options.seed, orders: options.orders, runId });
  log(`run ${runId}: ${workload.scenarios.length} scenarios, ${workload.stock.length} SKUs (${workload.stock.filter((s) => s.scarce).length} scarce)`);

  const target: ChaosTarget = options.against
    ? await remoteTarget({ ...options.against, names: systemNames(), runId })
    : await inProcessTarget({ timeScale: options.timeScale, outcomeTimeoutSeconds: options.outcomeTimeoutSeconds });
  const names = systemNames();
  const readers = awsReaders(target.aws);
  const faultPlan = seededPlan(options.faults, options.seed);
  try {
    log(`${target.description} is up`);
    await stockUp(target, workload);
    // Counts are kept across plans (and runs, on a long-lived emulator): the run's are the difference.
    const injectedBefore = (await target.faults()).injected;
    if (faultPlan !== 'none') await target.setFaults(faultPlan);
    log(`driving with ${options.concurrency} clients, faults: ${faultPlan}`);
    const started = Date.now();
    let reported = 0;
    const driven = await drive(target, workload, {
      concurrency: options.concurrency,
      orderSaga: names.sagas.order,
      pollDeadlineMs: options.pollDeadlineMs,
      onDone: (done, total) => {
        if (done - reported >= Math.max(50, total / 10) || done === total) log(`  ${(reported = done)}/${total} scenarios done`);
      },
    });
    const driveMs = Date.now() - started;
    const quiet = { deadlineMs: options.quiesceDeadlineMs, quietMs: 500 };
    const afterDrive = await quiesce(target, readers, names, runId, quiet);
    log(`quiet after ${afterDrive.waitedMs} ms${afterDrive.quiet ? '' : ` (deadline reached, ${afterDrive.running} sagas running)`}`);
    const injectedAfter = (await target.faults()).injected;
    const injected = Object.fromEntries(Object.entries(injectedAfter).map(([kind, n]) => [kind, n - (injectedBefore[kind as keyof typeof injectedBefore] ?? 0)]));
    if (faultPlan !== 'none') {
      // The cause "fixed" before reading and redriving: reads and the redrive must not be faulted themselves.
      await target.setFaults('none');
      await quiesce(target, readers, names, runId, quiet);
    }

    log('reading every context');
    const before = await observe(target, readers, names, runId);
    const checksBefore = runChecks({ workload, driven, observed: before, phase: 'before redrive' });
    const redrive = { queues: 0, redriven: 0, kept: 0, before: before.dlqs.reduce((sum, q) => sum + q.messages.length, 0) };
    for (const queue of before.dlqs.filter((q) => q.messages.length > 0)) {
      const report = await target.redrive(queue.url);
      redrive.queues += 1;
      redrive.redriven += report.redriven.length;
      redrive.kept += report.kept.length;
    }
    log(`redrove ${redrive.redriven} DLQ messages from ${redrive.queues} queues (${redrive.kept} kept)`);
    const afterRedrive = await quiesce(target, readers, names, runId, quiet);
    const after = await observe(target, readers, names, runId);
    const checksAfter = runChecks({ workload, driven, observed: after, phase: 'after redrive' });
    log('checked');

    const timedOut = realTimeouts(after.activity);
    const latencies = driven.flatMap((d) => ((d as OrderDriven).finalAfterMs !== undefined ? [(d as OrderDriven).finalAfterMs!] : [])).sort((a, b) => a - b);
    const accepted = driven.filter((d) => (d as OrderDriven).orderId).length;
    return {
      runId,
      seed: options.seed,
      target: target.description,
      faultPlan,
      scenarios: {
        total: driven.length,
        orders: driven.filter((d) => d.scenario.kind === 'order').length,
        accepted,
        invalidRequests: invalidRequestCount(driven),
      },
      driveMs,
      ordersPerSecond: accepted / (driveMs / 1000),
      latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0, seen: latencies.length },
      injected,
      quiescence: { afterDrive, afterRedrive },
      redrive,
      checks: checksBefore.map((check, i) => {
        const afterCount = checksAfter[i]!.violations.length;
        return { name: check.name, description: check.description, before: check.violations.length, after: afterCount, passed: check.violations.length === 0 && afterCount === 0 };
      }),
      violations: await violationReports(
        [
          { phase: 'before redrive', checks: checksBefore, observed: before },
          { phase: 'after redrive', checks: checksAfter, observed: after },
        ],
        { driven, readers, maxTraces: options.maxTraces },
      ),
      notes: [
        ...target.notes(),
        ...(timedOut > 0 ? [`${timedOut} function invocations timed out for real (not injected): the machine was overloaded, try a lower --concurrency`] : []),
        ...(afterDrive.quiet ? [] : [`the system was not quiet within ${options.quiesceDeadlineMs} ms of the drive (${afterDrive.running} sagas running)`]),
        ...(afterRedrive.quiet ? [] : [`the system was not quiet within ${options.quiesceDeadlineMs} ms of the redrive (${afterRedrive.running} sagas running)`]),
      ],
    };
  } finally {
    // A long-lived emulator (--against) must not keep injecting faults after a run that failed half-way.
    if (faultPlan !== 'none') await target.setFaults('none').catch(() => undefined);
    readers.destroy();
    await target.stop();
  }
}

/** Every violation, the first `maxTraces` with the trace of their order (each order traced once, in the phase it failed in). */
async function violationReports(
  phases: Array<{ phase: Phase; checks: CheckResult[]; observed: Observed }>,
  context: { driven: Driven[]; readers: AwsReaders; maxTraces: number },
): Promise<ViolationReport[]> {
  const reports: ViolationReport[] = [];
  const traced = new Map<string, string[]>();
  for (const { phase, checks, observed } of phases) {
    for (const check of checks) {
      for (const violation of check.violations) {
        const report: ViolationReport = { check: check.name, phase, subject: violation.subject, message: violation.message };
        if (violation.orderId && reports.filter((r) => r.trace).length < context.maxTraces) {
          if (!traced.has(violation.orderId)) traced.set(violation.orderId, await traceOrder(violation.orderId, { observed, driven: context.driven, readers: context.readers }));
          report.trace = traced.get(violation.orderId);
        }
        reports.push(report);
      }
    }
  }
  return reports;
}
