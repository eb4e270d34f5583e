import type { DetailOf } from '@shop/events';

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
