import type { DetailType } from '@shop/events';

export const publishes = ['PaymentCompleted.v1', 'PaymentFailed.v1', 'PaymentRefunded.v1'] as const satisfies readonly DetailType[];

/**
 * Rule (logical id in serverless.yml) → the detail-types its consumer handles. Payments has migrated to OrderPlaced.v2.
 * OrderPlacedRule and HighValueOrderPlacedRule split OrderPlaced.v2 by a content filter on the total (numeric matching).
 */
export const subscriptions = {
  OrderPlacedRule: ['OrderPlaced.v2'],
  HighValueOrderPlacedRule: ['OrderPlaced.v2'],
  OrderCancelledRule: ['OrderCancelled.v1'],
} as const satisfies Record<string, readonly DetailType[]>;
