import { EventPublisher, type DomainEvent } from '@shop/events';
import { requiredEnv } from '@shop/service-kit';
import { PaymentsTable } from '../../adapters/payments-table';
import { paymentCompletedEvent, paymentFailedEvent, paymentRefundedEvent } from '../../domain/events';
import { asPayment, type Cause, type PaymentRecord } from '../../domain/payment';

export type PublishType = 'PaymentCompleted' | 'PaymentFailed' | 'PaymentRefunded';

/**
 * Builds the event from the payments table (the truth, including the time of the transition, so a retried publish
 * rebuilds the same event with the same deterministic id) and puts it on the bus.
 */
export function eventFor(type: PublishType, record: PaymentRecord, cause: Cause): DomainEvent {
  const payment = asPayment(record);
  const at = (time: string | undefined) => {
    if (!time) throw new Error(`payment of order ${record.orderId} is ${record.status}: no ${type} to publish`);
    return new Date(time);
  };
  switch (type) {
    case 'PaymentCompleted':
      return paymentCompletedEvent(payment, cause, at(record.capturedAt));
    case 'PaymentRefunded':
      return paymentRefundedEvent(payment, cause, at(record.refundedAt));
    case 'PaymentFailed':
      return paymentFailedEvent(payment, record.failureReason ?? 'PROVIDER_ERROR', record.failureMessage ?? 'payment failed', cause, at(record.failedAt));
  }
}

export interface PublishEffects {
  payments: Pick<PaymentsTable, 'get'>;
  publisher: Pick<EventPublisher, 'publish'>;
}

const defaultEffects = (): PublishEffects => ({
  payments: PaymentsTable.fromEnv(),
  publisher: new EventPublisher({ eventBusName: requiredEnv('EVENT_BUS_NAME') }),
});

export function createHandler(effects: () => PublishEffects = defaultEffects) {
  return async (input: { type: PublishType; orderId: string; cause: Cause }) => {
    const { payments, publisher } = effects();
    const record = await payments.get(input.orderId);
    if (!record) throw new Error(`no payment for order ${input.orderId}`);
    const event = eventFor(input.type, record, input.cause);
    await publisher.publish([event]);
    return { detailType: event.detailType, id: event.detail.metadata.id };
  };
}

export const handler = createHandler();
