import type { DetailType } from '@shop/events';

export const publishes = ['PaymentCompleted.v1', 'PaymentFailed.v1', 'PaymentRefunded.v1'] as const satisfies readonly DetailType[];

/** Rule (logical id in serverless.yml) → the detail-types its consumer handles. Payments has migrated to OrderPlaced.v2. */
export const subscriptions = {
  OrderPlacedRule: ['OrderPlaced.v2'],
  OrderCancelledRule: ['OrderCancelled.v1'],
} as const satisfies Record<string, readonly DetailType[]>;
