import { recordBusinessMetric } from './business-metrics';

/**
 * What every scheduled sweep shares: it scans a table page by page, checks with Step Functions that no saga is still
 * working on what it found, repairs it through the service's own (idempotent) code path, and publishes how many it
 * found as the `SweepFound` metric. An alarm on SweepFound > 0 says that something the sagas should have prevented
 * happened; a second run after a repair finds nothing.
 */
export interface SweepReport {
  /** Things that should not exist, found this run (each one repaired or, when its repair failed, left for the next). */
  found: number;
  repaired: number;
  /** Found to look wrong but still owned by a running saga: not touched. */
  skipped: number;
}

/**
 * What a sweep makes of one candidate: nothing wrong, wrong but a saga still owns it (skip), or wrong and to repair.
 * A repair answers 'settled-meanwhile' when it finds the thing put right by someone else since it was read.
 */
export type Verdict = { action: 'none' } | { action: 'skip' } | { action: 'repair'; repair: () => Promise<'repaired' | 'settled-meanwhile'> };

export class SweepError extends AggregateError {
  override readonly name = 'SweepError';
}

/**
 * Judges every candidate and repairs what is wrong. A repair that fails does not stop the others; once all are done
 * the metric is published and the run fails with every error (so the invocation is retried and the failure seen), and
 * what was not repaired is found again by the next run.
 */
export async function runSweep<T>(names: { service: string; sweep: string }, candidates: AsyncIterable<T>, judge: (candidate: T) => Promise<Verdict>): Promise<SweepReport> {
  const report: SweepReport = { found: 0, repaired: 0, skipped: 0 };
  const errors: unknown[] = [];
  for await (const candidate of candidates) {
    try {
      const verdict = await judge(candidate);
      if (verdict.action === 'skip') report.skipped++;
      if (verdict.action !== 'repair') continue;
      report.found++;
      if ((await verdict.repair()) === 'repaired') report.repaired++;
      else report.found--;
    } catch (error) {
      errors.push(error);
    }
  }
  publishSweepFound(names.sweep, report);
  if (errors.length > 0) throw new SweepError(errors, `${names.service} ${names.sweep}: ${errors.length} repair(s) failed: ${errors.map((e) => (e as Error).message).join('; ')}`);
  return report;
}

/** Publishes `SweepFound` (namespace Shop, dimensions service, from the function's environment, and sweep). */
export function publishSweepFound(sweep: string, report: SweepReport): void {
  recordBusinessMetric('SweepFound', { value: report.found, dimensions: { sweep } });
}
