import { createEventHandler, type Received } from '@shop/events';
import { syncSagaRunnerFromEnv, type StartSaga } from '@shop/service-kit';
import { subscriptions } from '../../contracts';
import { executionName, notificationRequestOf, type OutcomeEventType } from '../../domain/notification-request';

/**
 * An outcome event → the notification saga of the order's outcome, run to its end: a failed execution fails this
 * invocation (Lambda retries it, then PoisonEventsQueue keeps it with the execution's error). Idempotency on the event
 * makes one run per event; the second event of one outcome (PaymentFailed and OrderCancelled of a declined payment)
 * runs the saga too, which finds the outcome claimed or SENT and sends nothing.
 */
export function notifyOutcome(event: Received<OutcomeEventType>, run: StartSaga = syncSagaRunnerFromEnv('NOTIFICATION_STATE_MACHINE_ARN')) {
  const request = notificationRequestOf(event);
  return run({ name: executionName(request.orderId, request.outcome), input: request });
}

/** OrderOutcomesRule target: validates the event (a poison event throws, naming the field) and runs its saga. */
export const handler = createEventHandler({
  name: 'notifications.order-outcomes',
  accepts: subscriptions.OrderOutcomesRule,
  // This consumer holds the event while its saga runs: a duplicate waits for that run rather than fail its retries, and
  // the lock lasts 10 s (as long as a 10 s function's would): past it a duplicate runs the saga too, which is safe.
  waitWhileInProgress: { pollMs: 1000 },
  inProgressLockMs: 10_000,
  handle: (event) => notifyOutcome(event),
});
