import { createEventHandler, type Received } from '@shop/events';
import { syncSagaRunnerFromEnv, type StartSaga } from '@shop/service-kit';
import { releaseSagaStart } from '../../domain/reservation';

/**
 * OrderCancelled.v1 → the release saga of the order, whether or not it was reserved yet, run to its end: a failed
 * execution fails this invocation (Lambda retries it, then PoisonEventsQueue keeps it with the execution's error).
 */
export function startRelease(event: Received<'OrderCancelled.v1'>, start: StartSaga = syncSagaRunnerFromEnv('RELEASE_STATE_MACHINE_ARN')) {
  return start(releaseSagaStart(event.detail));
}

export const handler = createEventHandler({
  name: 'inventory.order-cancelled',
  // This consumer holds the event while its saga runs: a duplicate waits for that run rather than fail its retries, and
  // the lock lasts 10 s (as long as a 10 s function's would): past it a duplicate runs the saga too, which is safe.
  waitWhileInProgress: { pollMs: 1000 },
  inProgressLockMs: 10_000,
  accepts: ['OrderCancelled.v1'],
  handle: (event) => startRelease(event),
});
