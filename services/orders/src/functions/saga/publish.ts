import { EventPublisher, type DomainEvent } from '@shop/events';
import { eventBridge, requiredEnv } from '@shop/service-kit';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { orderCancelledEvent, orderConfirmedEvent, orderPlacedEvents } from '../../domain/events';
import type { Order } from '../../domain/order';

/** What the saga asks to publish (the state's Parameters): the events are built from the order as stored. */
export interface PublishRequest {
  type: 'OrderPlaced' | 'OrderConfirmed' | 'OrderCancelled';
  orderId: string;
}

export function eventsFor(type: PublishRequest['type'], order: Order, options: { publishV1: boolean }): DomainEvent[] {
  switch (type) {
    case 'OrderPlaced':
      return orderPlacedEvents(order, options);
    case 'OrderConfirmed':
      if (order.status !== 'CONFIRMED') throw new Error(`order ${order.orderId} is ${order.status}, not CONFIRMED`);
      return [orderConfirmedEvent(order, new Date(order.updatedAt))];
    case 'OrderCancelled':
      if (order.status !== 'CANCELLED' || !order.reason) throw new Error(`order ${order.orderId} is ${order.status}, not CANCELLED with a reason`);
      return [orderCancelledEvent(order, order.reason, order.reasonDetail, new Date(order.updatedAt))];
    default:
      throw new Error(`unknown event type ${String(type)}`);
  }
}

/** The OrderPlaced.v1 migration flag (serverless param publishOrderPlacedV1 → PUBLISH_ORDER_PLACED_V1). */
export function publishV1FromEnv(): boolean {
  const flag = process.env.PUBLISH_ORDER_PLACED_V1 ?? 'true';
  if (flag !== 'true' && flag !== 'false') throw new Error(`PUBLISH_ORDER_PLACED_V1 must be "true" or "false", not "${flag}"`);
  return flag === 'true';
}

export interface PublishEffects {
  orders: Pick<OrdersTable, 'get'>;
  publisher: Pick<EventPublisher, 'publish'>;
  publishV1: boolean;
}

/**
 * Saga step: puts the order's events on the bus. Event ids are deterministic (order + detail-type), so a retry of
 * this step after a put that did succeed republishes the same events, which consumers drop as duplicates.
 */
export async function publish(request: PublishRequest, effects: PublishEffects) {
  const order = await effects.orders.get(request.orderId);
  if (!order) throw new Error(`order ${request.orderId} does not exist`);
  const events = eventsFor(request.type, order, { publishV1: effects.publishV1 });
  await effects.publisher.publish(events);
  return events.map((event) => ({ detailType: event.detailType, id: event.detail.metadata.id }));
}

export const handler = (request: PublishRequest) =>
  publish(request, {
    orders: ordersTable(),
    publisher: new EventPublisher({ eventBusName: requiredEnv('EVENT_BUS_NAME'), client: eventBridge() }),
    publishV1: publishV1FromEnv(),
  });
