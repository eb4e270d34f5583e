import { createHash } from 'node:crypto';
import type { Received } from '@shop/events';
import { outcomeOf, type NotificationTemplate, type Outcome } from './events';

export type OutcomeEventType = 'OrderConfirmed.v1' | 'OrderCancelled.v1' | 'PaymentFailed.v1';

/**
 * The notification saga's input, built only from the event: what to tell whom. The same event always gives the same
 * request, so a repeated StartExecution with the same name is harmless.
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
 * The saga execution of an outcome: Standard workflows run once per name, so a second event for the same outcome
 * starts nothing new. Names: at most 80 characters of letters, digits, `-` and `_`.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export const executionName = (orderId: string, outcome: Outcome) => `notify-${orderId}-${outcome}`;

/**
 * The name of a further attempt, started by another event after the outcome's execution failed (perhaps before it claimed):
 * one per event, so a redelivery of that event still starts nothing new. The claim in the notifications table,
 * not the name, is what keeps it to one e-mail.
 */
export const retryExecutionName = (orderId: string, outcome: Outcome, eventId: string) =>
  `${executionName(orderId, outcome)}-${createHash('sha256').update(eventId).digest('hex').slice(0, 12)}`;
