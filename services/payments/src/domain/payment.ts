import { deterministicEventId, type DetailOf } from '@shop/events';

/**
 * AUTHORIZING → AUTHORIZED → CAPTURED (→ REFUNDED when the order is cancelled), or FAILED / VOIDED.
 * CANCELLED: the order was cancelled before its payment began (a tombstone left by the refund saga): nothing authorized.
 */
export type PaymentStatus = 'AUTHORIZING' | 'AUTHORIZED' | 'CAPTURED' | 'FAILED' | 'VOIDED' | 'REFUNDED' | 'CANCELLED';
export type PaymentFailureReason = DetailOf<'PaymentFailed.v1'>['data']['reason'];

export interface Payment {
  orderId: string;
  paymentId: string;
  customerId: string;
  customerEmail: string;
  currency: string;
  /** Integer minor units: what the order asked for, what was captured, what was refunded. */
  amount: number;
  captured: number;
  refunded: number;
  status: PaymentStatus;
}

/** A row of the payments table. A tombstone (cancelled before the payment began) has only the fields below the line. */
export interface PaymentRecord extends Partial<Omit<Payment, 'orderId' | 'status' | 'captured' | 'refunded'>> {
  orderId: string;
  status: PaymentStatus;
  captured: number;
  refunded: number;
  /** Set by the refund saga when OrderCancelled arrives; the payment saga reads it before capturing and at commit. */
  cancelRequested: boolean;
  /** Set by the payment-release saga when it takes the payment over: no capture is committed after it. */
  releasing?: boolean;
  failureReason?: PaymentFailureReason;
  failureMessage?: string;
  capturedAt?: string;
  failedAt?: string;
  /** Epoch ms of the payment saga's last Begin: an execution may still run for the payment for five minutes after it. */
  updatedAt?: number;
  refundedAt?: string;
}

/** What caused a saga: the consumed event's ids, carried into the events it publishes. */
export interface Cause {
  metadata: { id: string; correlationId: string };
}

/** The payment saga's input: built only from the OrderPlaced event, so a duplicate start has the same input. */
export interface PaymentRequest {
  orderId: string;
  paymentId: string;
  amount: number;
  currency: string;
  token: string;
  customer: { id: string; email: string };
  /** High-value orders go through fraud review before authorization. */
  review: boolean;
  cause: Cause;
}

export interface RefundRequest {
  orderId: string;
  cause: Cause;
}

/** One payment per order: its id is derived from the order, so every retry and the provider agree on it. */
export const paymentIdFor = (orderId: string) => `pay_${deterministicEventId(orderId, 'payment').replaceAll('-', '')}`;

/** The payment saga's executions (Express: a name is only a label, every start runs; the dashboard finds them by it). */
export const paymentExecutionName = (orderId: string) => `pay-${orderId}`;
/** Standard workflows run once per execution name: one refund saga and one payment-release saga per order. */
export const refundExecutionName = (orderId: string) => `refund-${orderId}`;
/** The payment saga starts it as States.Format('release-{}', $.orderId) (statemachines/payment.asl.yml). */
export const releaseExecutionName = (orderId: string) => `release-${orderId}`;

const causeOf = (detail: { metadata: { id: string; correlationId: string } }): Cause => ({
  metadata: { id: detail.metadata.id, correlationId: detail.metadata.correlationId },
});

export function paymentRequestFrom(detail: DetailOf<'OrderPlaced.v2'>, review: boolean): PaymentRequest {
  const { data } = detail;
  return {
    orderId: data.orderId,
    paymentId: paymentIdFor(data.orderId),
    amount: data.total.amount,
    currency: data.total.currency,
    token: data.paymentMethod.token,
    customer: { id: data.customer.id, email: data.customer.email },
    review,
    cause: causeOf(detail),
  };
}

export function refundRequestFrom(detail: DetailOf<'OrderCancelled.v1'>): RefundRequest {
  return { orderId: detail.data.orderId, cause: causeOf(detail) };
}

/** The record as a Payment for the event builders; a tombstone is no payment. */
export function asPayment(record: PaymentRecord): Payment {
  const { orderId, paymentId, customerId, customerEmail, currency, amount, captured, refunded, status } = record;
  if (paymentId === undefined || customerId === undefined || customerEmail === undefined || currency === undefined || amount === undefined) {
    throw new Error(`payment of order ${orderId} never began (status ${status}): there is no payment to report`);
  }
  return { orderId, paymentId, customerId, customerEmail, currency, amount, captured, refunded, status };
}

/** What GET /payments/{orderId} answers. */
export const paymentView = (record: PaymentRecord) => ({
  orderId: record.orderId,
  status: record.status,
  captured: record.captured,
  refunded: record.refunded,
});
