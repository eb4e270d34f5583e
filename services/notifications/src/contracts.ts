import type { DetailType } from '@shop/events';

export const publishes = ['NotificationSent.v1'] as const satisfies readonly DetailType[];

/** Rule (logical id in serverless.yml) → the detail-types its consumer handles. */
export const subscriptions = {
  OrderOutcomesRule: ['OrderConfirmed.v1', 'OrderCancelled.v1', 'PaymentFailed.v1'],
} as const satisfies Record<string, readonly DetailType[]>;
