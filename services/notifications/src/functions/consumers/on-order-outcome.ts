import { createEventHandler } from '@shop/events';
import { subscriptions } from '../../contracts';
import { stepFunctionsNotificationSaga } from '../../adapters/notification-saga';
import { notificationRequestOf } from '../../domain/notification-request';
import { startNotification } from '../../domain/start-notification';

/**
 * OrderOutcomesRule target: validates the event (a poison event throws, naming the field, and ends in
 * PoisonEventsQueue after Lambda's retries), then starts the notification saga of the order's outcome.
 */
export const handler = createEventHandler({
  name: 'notifications.order-outcomes',
  accepts: subscriptions.OrderOutcomesRule,
  handle: (event) => startNotification(notificationRequestOf(event), stepFunctionsNotificationSaga()),
});
