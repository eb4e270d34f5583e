import type { DetailType } from '@shop/events';

export const publishes = ['InventoryReserved.v1', 'InventoryReservationFailed.v1', 'InventoryReleased.v1'] as const satisfies readonly DetailType[];

/** Rule (logical id in serverless.yml) → the detail-types its consumer handles. Inventory is still pinned to OrderPlaced.v1. */
export const subscriptions = {
  OrderPlacedRule: ['OrderPlaced.v1'],
  OrderCancelledRule: ['OrderCancelled.v1'],
} as const satisfies Record<string, readonly DetailType[]>;
