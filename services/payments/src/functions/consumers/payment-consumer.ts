import { createEventHandler } from '@shop/events';
import { requiredEnv, sagaStarter, syncSagaRunner } from '@shop/service-kit';
import { paymentExecutionName, paymentRequestFrom } from '../../domain/payment';

export interface StartEffects {
  startSaga: (stateMachineArn: string, name: string, input: unknown) => Promise<{ started: boolean }>;
  stateMachineArn: () => string;
}

/** Starts a Standard saga by name (the refund saga), in this service's effect shape. */
export const startSaga: StartEffects['startSaga'] = (stateMachineArn, name, input) => sagaStarter(stateMachineArn)({ name, input });

/** Runs the Express payment saga to its end: an execution that does not succeed throws (SagaFailedError). */
export const runSaga: StartEffects['startSaga'] = (stateMachineArn, name, input) => syncSagaRunner(stateMachineArn)({ name, input });

export const defaultRunEffects = (): StartEffects => ({ startSaga: runSaga, stateMachineArn: () => requiredEnv('PAYMENT_STATE_MACHINE_ARN') });

/**
 * An OrderPlaced.v2 consumer that runs the payment saga of the order (Express, labelled `pay-<orderId>`) to its end: a
 * failed execution fails this invocation (Lambda retries it, then PoisonEventsQueue keeps it with the execution's
 * error), and a run again goes on from the payment's row. Two rules share it with a content filter on the total: normal
 * orders, and high-value ones (`review: true`, fraud review first).
 */
export function paymentConsumer(options: { name: string; review: boolean }, effects: () => StartEffects = defaultRunEffects) {
  return createEventHandler({
    name: options.name,
    // This consumer holds the event while its saga runs: a duplicate waits for that run rather than fail its retries, and
    // the lock lasts 10 s (as long as a 10 s function's would): past it a duplicate runs the saga too, which is safe.
    waitWhileInProgress: { pollMs: 1000 },
    inProgressLockMs: 10_000,
    accepts: ['OrderPlaced.v2'],
    handle: async (event) => {
      const request = paymentRequestFrom(event.detail, options.review);
      const { startSaga: start, stateMachineArn } = effects();
      return start(stateMachineArn(), paymentExecutionName(request.orderId), request);
    },
  });
}
