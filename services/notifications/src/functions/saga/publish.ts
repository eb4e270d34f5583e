import { EventPublisher } from '@shop/events';
import { eventBridge, requiredEnv } from '@shop/service-kit';
import { notificationSentEvent, type SentNotification } from '../../domain/events';

export type PublishInput = SentNotification & { cause: { metadata: { id: string; correlationId: string } } };

const defaultPublisher = () => new EventPublisher({ eventBusName: requiredEnv('EVENT_BUS_NAME'), client: eventBridge() });

/**
 * Publishes NotificationSent.v1. Its id is derived from the notification, so a retried step republishes the same
 * event and consumers see it once.
 */
export async function publishNotificationSent(input: PublishInput, publisher: Pick<EventPublisher, 'publish'> = defaultPublisher()) {
  const { cause, ...notification } = input;
  const event = notificationSentEvent(notification, cause);
  await publisher.publish([event]);
  return { eventId: event.detail.metadata.id };
}

/** Saga step Publish. */
export const handler = (input: PublishInput) => publishNotificationSent(input);
