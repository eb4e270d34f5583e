import { createEvent, deterministicEventId, orderPlacedV1Data, type DetailOf, type DomainEvent } from '@shop/events';
import type { CancelReason, Order } from './order';

const SERVICE = 'orders';

/**
 * Ids are derived from the order and the detail-type: the saga may run a publishing step again after a retry,
 * and consumers must then see the same event (same metadata.id), not a second one.
 */
const envelope = (order: Order, detailType: string) => ({
  service: SERVICE,
  id: deterministicEventId(order.orderId, detailType),
  correlationId: order.orderId,
});

const money = (order: Order, amount: number) => ({ amount, currency: order.currency });
const customer = (order: Order) => ({ id: order.customerId, email: order.customerEmail });

export function orderPlacedV2Data(order: Order): DetailOf<'OrderPlaced.v2'>['data'] {
  return {
    orderId: order.orderId,
    customer: customer(order),
    items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: money(order, item.unitPrice) })),
    total: money(order, order.total),
    paymentMethod: { token: order.paymentToken },
  };
}

/**
 * OrderPlaced.v2 always; OrderPlaced.v1 too while the migration window is open (inventory still reads v1).
 * Each version is its own event with its own id.
 */
export function orderPlacedEvents(order: Order, options: { publishV1: boolean }): DomainEvent[] {
  const v2 = orderPlacedV2Data(order);
  const events: DomainEvent[] = [createEvent('OrderPlaced.v2', v2, envelope(order, 'OrderPlaced.v2'))];
  if (options.publishV1) events.push(createEvent('OrderPlaced.v1', orderPlacedV1Data(v2), envelope(order, 'OrderPlaced.v1')));
  return events;
}

export function orderConfirmedEvent(order: Order, confirmedAt: Date): DomainEvent<'OrderConfirmed.v1'> {
  return createEvent(
    'OrderConfirmed.v1',
    { orderId: order.orderId, customer: customer(order), total: money(order, order.total), confirmedAt: confirmedAt.toISOString() },
    envelope(order, 'OrderConfirmed.v1'),
  );
}

export function orderCancelledEvent(order: Order, reason: CancelReason, detail: string | undefined, cancelledAt: Date): DomainEvent<'OrderCancelled.v1'> {
  return createEvent(
    'OrderCancelled.v1',
    { orderId: order.orderId, customer: customer(order), reason, ...(detail ? { detail } : {}), cancelledAt: cancelledAt.toISOString() },
    envelope(order, 'OrderCancelled.v1'),
  );
}
