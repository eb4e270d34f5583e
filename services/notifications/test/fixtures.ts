import type { DomainEvent, Received } from '@shop/events';
import { orderCancelledEvent, orderConfirmedEvent } from '../../orders/src/domain/events';
import type { CancelReason, Order } from '../../orders/src/domain/order';
import { paymentFailedEvent } from '../../payments/src/domain/events';
import type { OutcomeEventType } from '../src/domain/notification-request';

/** Outcome events built with the producers' own builders, as they reach the bus. */
export const at = new Date('2026-11-23T12:00:00Z');

export function order(overrides: Partial<Order> = {}): Order {
  return {
    orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', customerId: 'cust-7', customerEmail: 'grace@example.com', currency: 'EUR',
    items: [{ sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 1299 }], total: 2598, paymentToken: 'tok_visa', status: 'PENDING',
    createdAt: at.toISOString(), updatedAt: at.toISOString(), ...overrides,
  };
}

export const confirmed = (o: Order) => orderConfirmedEvent(o, at);
export const cancelled = (o: Order, reason: CancelReason, detail?: string) => orderCancelledEvent(o, reason, detail, at);
export function paymentFailed(o: Order) {
  const cause = { metadata: { id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a', correlationId: o.orderId } };
  const payment = { orderId: o.orderId, paymentId: 'pay_1', customerId: o.customerId, customerEmail: o.customerEmail, currency: o.currency, amount: o.total, captured: 0, refunded: 0, status: 'FAILED' as const };
  return paymentFailedEvent(payment, 'DECLINED', 'card declined by issuer', cause, at);
}

/** What the consumer wrapper hands to `handle`. */
export function received<T extends OutcomeEventType>(event: DomainEvent<T>): Received<OutcomeEventType> {
  return { detailType: event.detailType, detail: event.detail, source: event.source, eventBridgeId: 'eb-1', time: at.toISOString() } as Received<OutcomeEventType>;
}
