import { createEvent, deterministicEventId, type DomainEvent } from '@shop/events';
import type { Payment, PaymentFailureReason } from './payment';

type Cause = { metadata: { id: string; correlationId: string } };

const envelope = (payment: Payment, detailType: string, cause: Cause) => ({
  service: 'payments',
  id: deterministicEventId(payment.orderId, detailType),
  causedBy: cause,
});

export function paymentCompletedEvent(payment: Payment, cause: Cause, capturedAt: Date): DomainEvent<'PaymentCompleted.v1'> {
  return createEvent(
    'PaymentCompleted.v1',
    { orderId: payment.orderId, paymentId: payment.paymentId, amount: { amount: payment.captured, currency: payment.currency }, capturedAt: capturedAt.toISOString() },
    envelope(payment, 'PaymentCompleted.v1', cause),
  );
}

export function paymentFailedEvent(payment: Payment, reason: PaymentFailureReason, message: string, cause: Cause, failedAt: Date): DomainEvent<'PaymentFailed.v1'> {
  return createEvent(
    'PaymentFailed.v1',
    {
      orderId: payment.orderId,
      customer: { id: payment.customerId, email: payment.customerEmail },
      paymentId: payment.paymentId,
      reason,
      message,
      failedAt: failedAt.toISOString(),
    },
    envelope(payment, 'PaymentFailed.v1', cause),
  );
}

export function paymentRefundedEvent(payment: Payment, cause: Cause, refundedAt: Date): DomainEvent<'PaymentRefunded.v1'> {
  return createEvent(
    'PaymentRefunded.v1',
    { orderId: payment.orderId, paymentId: payment.paymentId, amount: { amount: payment.refunded, currency: payment.currency }, refundedAt: refundedAt.toISOString() },
    envelope(payment, 'PaymentRefunded.v1', cause),
  );
}
