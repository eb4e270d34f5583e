import type { DetailOf } from '@shop/events';
import { v5 as uuidV5 } from 'uuid';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';
export type CancelReason = DetailOf<'OrderCancelled.v1'>['data']['reason'];

export interface OrderItem {
  sku: string;
  quantity: number;
  /** Integer minor units of the order currency. */
  unitPrice: number;
}

export interface Order {
  orderId: string;
  customerId: string;
  customerEmail: string;
  currency: string;
  items: OrderItem[];
  /** Integer minor units. */
  total: number;
  paymentToken: string;
  status: OrderStatus;
  reason?: CancelReason;
  reasonDetail?: string;
  createdAt: string;
  updatedAt: string;
}

export function orderTotal(items: ReadonlyArray<OrderItem>): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
}

/** What `GET /orders/{orderId}` shows: no payment token, no e-mail, no saga bookkeeping. */
export type OrderView = Pick<Order, 'orderId' | 'status' | 'reason' | 'reasonDetail' | 'total' | 'currency' | 'items' | 'customerId' | 'createdAt' | 'updatedAt'>;

export interface NewOrder {
  customerId: string;
  customerEmail: string;
  currency: string;
  items: OrderItem[];
  paymentToken: string;
}

/** Namespace of the (v5) order ids derived from a client's Idempotency-Key. */
const KEYED_ORDER_ID_NAMESPACE = '29e5bd5f-819f-4a36-8425-cbb9a4dda282';

/**
 * The order id of a placement under an Idempotency-Key: every attempt with the same key, for the same customer, names
 * the same order, so a retry finds the order a lost answer left behind instead of placing a second one.
 */
export function keyedOrderId(customerId: string, idempotencyKey: string): string {
  return uuidV5(`${customerId}\u0000${idempotencyKey}`, KEYED_ORDER_ID_NAMESPACE);
}

/** Whether a stored order is this request placed (a retry), rather than another order under the same key. */
export function isPlacementOf(order: Order, request: NewOrder): boolean {
  return placementOf(order) === placementOf(request);
}

const placementOf = ({ customerId, customerEmail, currency, items, paymentToken }: NewOrder) =>
  JSON.stringify([customerId, customerEmail, currency, items.map(({ sku, quantity, unitPrice }) => [sku, quantity, unitPrice]), paymentToken]);

/** A new order: PENDING until the saga hears from payments and inventory. */
export function placedOrder(request: NewOrder, orderId: string, now: Date): Order {
  const at = now.toISOString();
  return {
    orderId,
    customerId: request.customerId,
    customerEmail: request.customerEmail,
    currency: request.currency,
    items: request.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    total: orderTotal(request.items),
    paymentToken: request.paymentToken,
    status: 'PENDING',
    createdAt: at,
    updatedAt: at,
  };
}

export function orderView(order: Order): OrderView {
  const { orderId, status, reason, reasonDetail, total, currency, items, customerId, createdAt, updatedAt } = order;
  return { orderId, status, ...(reason ? { reason } : {}), ...(reasonDetail ? { reasonDetail } : {}), total, currency, items, customerId, createdAt, updatedAt };
}
