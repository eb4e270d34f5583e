import { CHECKS } from '../../scripts/chaos/checks';
import { formatReport } from '../../scripts/chaos/report';
import { DEFAULT_FAULTS, runChaos, type ChaosResult } from '../../scripts/chaos/run';

/**
 * The chaos suite, small: 150 orders of the seeded mix, through the same code as `npm run chaos`, with every
 * fault of the default plan (delays shortened so that the run takes about a minute), in-process. Every invariant must
 * hold for every order, before and after the DLQ redrive.
 */
const TEST_FAULTS = DEFAULT_FAULTS.replace('delay=0-2000ms', 'delay=0-200ms');

let result: ChaosResult;

beforeAll(async () => {
  result = await runChaos({
    orders: 150,
    concurrency: 24,
    seed: 20_261_201,
    faults: TEST_FAULTS,
    // The lowest scale at which Lambda's retries (1 and 2 minutes) still outlast a dead invocation's idempotency lock
    // (the function's 10 s timeout, real time): see scripts/chaos.ts.
    timeScale: 0.2,
    quiesceDeadlineMs: 90_000,
    pollDeadlineMs: 90_000,
    maxTraces: 20,
  });
  // Longer than the run's own deadlines (the drive's polling, then three waits for quiet): on a slow machine the
  // report says what was still running, rather than jest cutting the run short.
}, 420_000);

it('injects every kind of fault of the plan', () => {
  const kinds = TEST_FAULTS.split(',').map((rule) => rule.split('=')[0]!);
  expect(kinds.filter((kind) => !(result.injected[kind as keyof ChaosResult['injected']] > 0))).toEqual([]);
});

it('drives the whole mix and sees every accepted order final', () => {
  expect(result.scenarios.accepted).toBeGreaterThan(110);
  expect(result.scenarios.invalidRequests).toBeGreaterThan(5);
  expect(result.latencyMs.seen).toBe(result.scenarios.accepted);
});

it('finds no violation of any invariant, before or after the DLQ redrive', () => {
  const failed = result.checks.filter((check) => !check.passed);
  // On failure the report (with the traces) says why.
  expect(failed.length === 0 ? 'all passed' : formatReport(result)).toBe('all passed');
  expect(result.checks.map((check) => check.name)).toEqual(CHECKS.map((check) => check.name));
});
