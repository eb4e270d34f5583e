import { createEventHandler, type Received } from '@shop/events';
import { syncSagaRunnerFromEnv, type StartSaga } from '@shop/service-kit';
import { reservationSagaStart } from '../../domain/reservation';

/**
 * OrderPlaced.v1 → the reservation saga of the order, run to its end: a failed execution fails this invocation (Lambda
 * retries it, then PoisonEventsQueue keeps it with the execution's error). Idempotency on the event makes one run per
 * event; a run again after a failure carries on from the reservation record.
 */
export function startReservation(event: Received<'OrderPlaced.v1'>, start: StartSaga = syncSagaRunnerFromEnv('RESERVATION_STATE_MACHINE_ARN')) {
  return start(reservationSagaStart(event.detail));
}

export const handler = createEventHandler({
  name: 'inventory.order-placed',
  // This consumer holds the event while its saga runs: a duplicate waits for that run rather than fail its retries, and
  // the lock lasts 10 s (as long as a 10 s function's would): past it a duplicate runs the saga too, which is safe.
  waitWhileInProgress: { pollMs: 1000 },
  inProgressLockMs: 10_000,
  accepts: ['OrderPlaced.v1'],
  handle: (event) => startReservation(event),
});
