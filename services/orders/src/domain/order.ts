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
