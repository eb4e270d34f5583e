import { createEventHandler } from '@shop/events';
import { requiredEnv, sagaStarter } from '@shop/service-kit';
import { paymentExecutionName, paymentRequestFrom } from '../../domain/payment';

export interface StartEffects {
  startSaga: (stateMachineArn: string, name: string, input: unknown) => Promise<{ started: boolean }>;
  stateMachineArn: () => string;
}

/** The shared saga starter, in this service's effect shape. */
export const startSaga: StartEffects['startSaga'] = (stateMachineArn, name, input) => sagaStarter(stateMachineArn)({ name, input });

export const defaultStartEffects = (): StartEffects => ({ startSaga, stateMachineArn: () => requiredEnv('PAYMENT_STATE_MACHINE_ARN') });

/**
 * An OrderPlaced.v2 consumer that starts the payment saga of the order (execution `pay-<orderId>`). Two rules share
 * it with a content filter on the total: normal orders, and high-value ones (`review: true`, fraud review first).
 */
export function paymentConsumer(options: { name: string; review: boolean }, effects: () => StartEffects = defaultStartEffects) {
  return createEventHandler({
    name: options.name,
    accepts: ['OrderPlaced.v2'],
    handle: async (event) => {
      const request = paymentRequestFrom(event.detail, options.review);
      const { startSaga: start, stateMachineArn } = effects();
      return start(stateMachineArn(), paymentExecutionName(request.orderId), request);
    },
  });
}
