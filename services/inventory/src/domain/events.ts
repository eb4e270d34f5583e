import { createEvent, deterministicEventId, type DetailOf, type DomainEvent } from '@shop/events';

type Cause = { metadata: { id: string; correlationId: string } };
export interface StockLine {
  sku: string;
  quantity: number;
}
export type Shortage = DetailOf<'InventoryReservationFailed.v1'>['data']['unavailable'][number];
export type ReservationFailure = DetailOf<'InventoryReservationFailed.v1'>['data']['reason'];

const envelope = (orderId: string, detailType: string, cause: Cause) => ({
  service: 'inventory',
  id: deterministicEventId(orderId, detailType),
  causedBy: cause,
});

export function inventoryReservedEvent(orderId: string, items: StockLine[], cause: Cause, reservedAt: Date): DomainEvent<'InventoryReserved.v1'> {
  return createEvent('InventoryReserved.v1', { orderId, items, reservedAt: reservedAt.toISOString() }, envelope(orderId, 'InventoryReserved.v1', cause));
}

export function inventoryReservationFailedEvent(
  orderId: string,
  reason: ReservationFailure,
  unavailable: Shortage[],
  cause: Cause,
  failedAt: Date,
): DomainEvent<'InventoryReservationFailed.v1'> {
  return createEvent(
    'InventoryReservationFailed.v1',
    { orderId, reason, unavailable, failedAt: failedAt.toISOString() },
    envelope(orderId, 'InventoryReservationFailed.v1', cause),
  );
}

export function inventoryReleasedEvent(orderId: string, items: StockLine[], cause: Cause, releasedAt: Date): DomainEvent<'InventoryReleased.v1'> {
  return createEvent('InventoryReleased.v1', { orderId, items, releasedAt: releasedAt.toISOString() }, envelope(orderId, 'InventoryReleased.v1', cause));
}
