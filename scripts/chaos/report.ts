/** The chaos run's report, as text for a person (its last line is the summary CI reads) or as JSON. */
import type { ChaosResult } from './run';

const TRACED_VIOLATIONS_PRINTED = 20;

export function formatReport(result: ChaosResult): string {
  const lines: string[] = [];
  const { scenarios, latencyMs } = result;
  lines.push(`chaos run ${result.runId} (seed ${result.seed}), ${result.target}`);
  lines.push(`faults: ${result.faultPlan}`);
  lines.push(
    `scenarios: ${scenarios.total} (${scenarios.orders} orders, ${scenarios.accepted} accepted; ${scenarios.invalidRequests} invalid requests, repeated-SKU orders refused included)`,
  );
  lines.push(`throughput: ${result.ordersPerSecond.toFixed(1)} orders/s (${scenarios.accepted} orders in ${(result.driveMs / 1000).toFixed(1)} s)`);
  lines.push(
    `POST → final state: p50 ${latencyMs.p50} ms, p90 ${latencyMs.p90} ms, p99 ${latencyMs.p99} ms, max ${latencyMs.max} ms (${latencyMs.seen} orders seen final by their client)`,
  );
  const injected = Object.entries(result.injected).sort(([a], [b]) => a.localeCompare(b));
  lines.push(`injected faults: ${injected.map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`);
  lines.push(
    `quiet ${result.quiescence.afterDrive.waitedMs} ms after the drive; DLQs held ${result.redrive.before} messages, redrove ${result.redrive.redriven} from ${result.redrive.queues} queues (${result.redrive.kept} kept)`,
  );
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push('');
  lines.push('checks (violations before / after the DLQ redrive):');
  const width = Math.max(...result.checks.map((c) => c.name.length));
  for (const check of result.checks) {
    lines.push(`  ${check.passed ? 'PASS' : 'FAIL'} ${check.name.padEnd(width)}  ${String(check.before).padStart(4)} / ${String(check.after).padEnd(4)}  ${check.description}`);
  }
  if (result.violations.length > 0) {
    lines.push('');
    lines.push(`violations (${result.violations.length}; the first ${TRACED_VIOLATIONS_PRINTED} printed, each order's trace once):`);
    const tracedOrders = new Set<string>();
    for (const violation of result.violations.slice(0, TRACED_VIOLATIONS_PRINTED)) {
      lines.push(`- [${violation.check}, ${violation.phase}] ${violation.subject}: ${violation.message}`);
      if (violation.trace && !tracedOrders.has(violation.subject)) {
        tracedOrders.add(violation.subject);
        for (const line of violation.trace) lines.push(`    ${line}`);
      }
    }
    const more = result.violations.length - TRACED_VIOLATIONS_PRINTED;
    if (more > 0) lines.push(`… and ${more} more (--json lists them all)`);
  }
  lines.push('');
  lines.push(summaryLine(result));
  return lines.join('\n');
}

export function summaryLine(result: ChaosResult): string {
  const passed = result.checks.filter((c) => c.passed).length;
  return `chaos: ${passed} passed, ${result.checks.length - passed} failed`;
}
