import type { Received } from '@shop/events';
import { outcomeOf, type NotificationTemplate, type Outcome } from './events';

export type OutcomeEventType = 'OrderConfirmed.v1' | 'OrderCancelled.v1' | 'PaymentFailed.v1';

/**
 * The notification saga's input, built only from the event: what to tell whom. The same event always gives the same
 * request.
 */
export interface NotificationRequest {
  orderId: string;
  outcome: Outcome;
  template: NotificationTemplate;
  /** Whose notification it is: only that customer (and admins) read it through the API. */
  customerId: string;
  recipient: string;
  customerName?: string;
  /** Integer minor units (OrderConfirmed only: the other events carry no amount). */
  total?: { amount: number; currency: string };
  /** Why the order was cancelled or the payment failed: the producer's reason code. */
  reason?: string;
  /** The event it answers (becomes causationId of NotificationSent). */
  cause: { metadata: { id: string; correlationId: string } };
}

/**
 * Which e-mail an outcome event calls for. A declined payment reaches us twice (PaymentFailed, then
 * OrderCancelled with reason PAYMENT_FAILED): both are the cancellation, told with the PAYMENT_FAILED template,
 * so whichever arrives first sends the one e-mail and the other finds the outcome taken.
 */
export function notificationRequestOf(event: Received<OutcomeEventType>): NotificationRequest {
  const { metadata, data } = event.detail;
  const base = {
    orderId: data.orderId,
    customerId: data.customer.id,
    recipient: data.customer.email,
    ...(data.customer.name ? { customerName: data.customer.name } : {}),
    cause: { metadata: { id: metadata.id, correlationId: metadata.correlationId } },
  };
  switch (event.detailType) {
    case 'OrderConfirmed.v1':
      return { ...base, ...withTemplate('ORDER_CONFIRMED'), total: { amount: event.detail.data.total.amount, currency: event.detail.data.total.currency } };
    case 'PaymentFailed.v1':
      return { ...base, ...withTemplate('PAYMENT_FAILED'), reason: event.detail.data.reason };
    case 'OrderCancelled.v1': {
      const { reason } = event.detail.data;
      return { ...base, ...withTemplate(reason === 'PAYMENT_FAILED' ? 'PAYMENT_FAILED' : 'ORDER_CANCELLED'), reason };
    }
  }
}

const withTemplate = (template: NotificationTemplate) => ({ template, outcome: outcomeOf(template) });

/**
 * The name of an outcome's saga runs, for tracing: Express does not keep names unique, so every run (a retry, the
 * other event of the outcome, the sweep) may use it. At most 80 characters of letters, digits, `-` and `_`.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html
 */
export const executionName = (orderId: string, outcome: Outcome) => `notify-${orderId}-${outcome}`;
