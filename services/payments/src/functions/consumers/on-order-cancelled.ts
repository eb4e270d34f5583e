import { createEventHandler } from '@shop/events';
import { requiredEnv } from '@shop/service-kit';
import { refundExecutionName, refundRequestFrom } from '../../domain/payment';
import { startSaga, type StartEffects } from './payment-consumer';

const defaultEffects = (): StartEffects => ({ startSaga, stateMachineArn: () => requiredEnv('REFUND_STATE_MACHINE_ARN') });

/** Starts the refund saga of the cancelled order (execution `refund-<orderId>`). */
export function createHandler(effects: () => StartEffects = defaultEffects) {
  return createEventHandler({
    name: 'payments.order-cancelled',
    accepts: ['OrderCancelled.v1'],
    handle: async (event) => {
      const request = refundRequestFrom(event.detail);
      const { startSaga: start, stateMachineArn } = effects();
      return start(stateMachineArn(), refundExecutionName(request.orderId), request);
    },
  });
}

export const handler = createHandler();
