import { createEvent, deterministicEventId, type DetailOf, type DomainEvent } from '@shop/events';

type Cause = { metadata: { id: string; correlationId: string } };
export type NotificationTemplate = DetailOf<'NotificationSent.v1'>['data']['template'];

export interface SentNotification {
  orderId: string;
  template: NotificationTemplate;
  recipient: string;
  providerMessageId: string;
  sentAt: string;
}

/** One notification per order outcome: its id is the order and the template. */
export const notificationId = (orderId: string, template: NotificationTemplate) => `${orderId}#${template}`;

export function notificationSentEvent(notification: SentNotification, cause: Cause): DomainEvent<'NotificationSent.v1'> {
  const id = notificationId(notification.orderId, notification.template);
  return createEvent(
    'NotificationSent.v1',
    { ...notification, notificationId: id, channel: 'EMAIL' },
    { service: 'notifications', id: deterministicEventId(id, 'NotificationSent.v1'), causedBy: cause },
  );
}
