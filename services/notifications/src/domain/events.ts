import { createEvent, deterministicEventId, type DetailOf, type DomainEvent } from '@shop/events';

type Cause = { metadata: { id: string; correlationId: string } };
export type NotificationTemplate = DetailOf<'NotificationSent.v1'>['data']['template'];

/** An order ends one way: confirmed, or cancelled (a failed payment is one cause of cancellation, not an outcome of its own). */
export type Outcome = 'CONFIRMED' | 'CANCELLED';

export interface SentNotification {
  orderId: string;
  template: NotificationTemplate;
  recipient: string;
  providerMessageId: string;
  sentAt: string;
}

/** The outcome a template tells the customer about: PAYMENT_FAILED and ORDER_CANCELLED are both the cancellation. */
export const outcomeOf = (template: NotificationTemplate): Outcome => (template === 'ORDER_CONFIRMED' ? 'CONFIRMED' : 'CANCELLED');

/**
 * One notification per order outcome: its id is the order and the outcome (the claim key of the notifications table),
 * so PaymentFailed and OrderCancelled(PAYMENT_FAILED) of one order name the same notification.
 */
export const notificationId = (orderId: string, outcome: Outcome) => `${orderId}#${outcome}`;

export function notificationSentEvent(notification: SentNotification, cause: Cause): DomainEvent<'NotificationSent.v1'> {
  const id = notificationId(notification.orderId, outcomeOf(notification.template));
  return createEvent(
    'NotificationSent.v1',
    { ...notification, notificationId: id, channel: 'EMAIL' },
    { service: 'notifications', id: deterministicEventId(id, 'NotificationSent.v1'), causedBy: cause },
  );
}
