import { EventPublisher, type DomainEvent } from '@shop/events';
import { eventBridge, requiredEnv } from '@shop/service-kit';
import { inventoryReleasedEvent, inventoryReservationFailedEvent, inventoryReservedEvent, type ReservationFailure, type Shortage, type StockLine } from '../../domain/events';
import type { Cause } from '../../domain/reservation';

/** What a saga asks to publish (the state's Parameters). */
export type PublishRequest =
  | { type: 'InventoryReserved'; orderId: string; items: StockLine[]; cause: Cause }
  | { type: 'InventoryReservationFailed'; orderId: string; reason: ReservationFailure; unavailable: Shortage[]; cause: Cause }
  | { type: 'InventoryReleased'; orderId: string; items: StockLine[]; cause: Cause };

export function eventFor(request: PublishRequest, now: Date): DomainEvent {
  switch (request.type) {
    case 'InventoryReserved':
      return inventoryReservedEvent(request.orderId, request.items, request.cause, now);
    case 'InventoryReservationFailed':
      return inventoryReservationFailedEvent(request.orderId, request.reason, request.unavailable, request.cause, now);
    case 'InventoryReleased':
      return inventoryReleasedEvent(request.orderId, request.items, request.cause, now);
    default:
      throw new Error(`unknown event type ${(request as { type: unknown }).type}`);
  }
}

/**
 * Saga step shared by both sagas. The event id is deterministic (order + detail-type), so when this step is retried
 * after a put that did succeed, consumers see the same event again and drop it. A PublishError fails the step.
 */
export async function publish(request: PublishRequest, publisher: Pick<EventPublisher, 'publish'> = defaultPublisher(), now = new Date()) {
  const event = eventFor(request, now);
  await publisher.publish([event]);
  return { id: event.detail.metadata.id, detailType: event.detailType };
}

const defaultPublisher = () => new EventPublisher({ eventBusName: requiredEnv('EVENT_BUS_NAME'), client: eventBridge() });

export const handler = (request: PublishRequest) => publish(request);
