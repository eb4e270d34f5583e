import type { DetailType } from '@shop/events';

/** What orders puts on the bus (the contract tests build each with the real builders). */
export const publishes = ['OrderPlaced.v1', 'OrderPlaced.v2', 'OrderConfirmed.v1', 'OrderCancelled.v1'] as const satisfies readonly DetailType[];

/** Rule (logical id in serverless.yml) → the detail-types its consumer handles. */
export const subscriptions = {
  PaymentAndInventoryOutcomesRule: ['PaymentCompleted.v1', 'PaymentFailed.v1', 'InventoryReserved.v1', 'InventoryReservationFailed.v1'],
} as const satisfies Record<string, readonly DetailType[]>;
