import { EventPublisher, type DomainEvent } from '@shop/events';
import { eventBridge, recordBusinessMetric, requiredEnv } from '@shop/service-kit';
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

/**
 * The money an event reports as moved, in minor units: PaymentCompleted its capture; PaymentRefunded its refund, and
 * the capture too when no PaymentCompleted reported it (the order was cancelled between capture and commit, so the
 * payment saga refunded at once); PaymentFailed what a lost capture took and gave back. Captured minus refunded is
 * then what the shop holds.
 */
export function amountsMoved(type: PublishType, record: PaymentRecord): { captured: number; refunded: number } {
  switch (type) {
    case 'PaymentCompleted':
      return { captured: record.captured, refunded: 0 };
    case 'PaymentRefunded':
      return { captured: record.capturedAt ? 0 : record.captured, refunded: record.refunded };
    case 'PaymentFailed':
      return { captured: record.captured, refunded: record.refunded };
  }
}

function recordAmounts(type: PublishType, record: PaymentRecord): void {
  const { captured, refunded } = amountsMoved(type, record);
  const dimensions = { currency: asPayment(record).currency };
  if (captured > 0) recordBusinessMetric('AmountCaptured', { value: captured, dimensions });
  if (refunded > 0) recordBusinessMetric('AmountRefunded', { value: refunded, dimensions });
}

export interface PublishEffects {
  payments: Pick<PaymentsTable, 'get'>;
  publisher: Pick<EventPublisher, 'publish'>;
}

const defaultEffects = (): PublishEffects => ({
  payments: PaymentsTable.fromEnv(),
  publisher: new EventPublisher({ eventBusName: requiredEnv('EVENT_BUS_NAME'), client: eventBridge() }),
});

export function createHandler(effects: () => PublishEffects = defaultEffects) {
  return async (input: { type: PublishType; orderId: string; cause: Cause }) => {
    const { payments, publisher } = effects();
    const record = await payments.get(input.orderId);
    if (!record) throw new Error(`no payment for order ${input.orderId}`);
    const event = eventFor(input.type, record, input.cause);
    await publisher.publish([event]);
    recordAmounts(input.type, record);
    return { detailType: event.detailType, id: event.detail.metadata.id };
  };
}

export const handler = createHandler();
