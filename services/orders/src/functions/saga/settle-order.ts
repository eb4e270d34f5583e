import { recordBusinessMetric } from '@shop/service-kit';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { cancellationDetail } from '../../domain/outcomes';
import type { CancelReason } from '../../domain/order';

/** What the saga's Confirm and Cancel states pass (the Cancel input comes from the Pass state naming the reason). */
export type SettleRequest =
  | { orderId: string; status: 'CONFIRMED' }
  | { orderId: string; status: 'CANCELLED'; reason: CancelReason; detail?: string; error?: string };

/** PENDING → CONFIRMED / CANCELLED (one conditional write; a retry after a write that landed is a no-op). */
export async function settleOrder(request: SettleRequest, orders: Pick<OrdersTable, 'get' | 'settle'>) {
  if (request.status === 'CONFIRMED') {
    const order = await orders.settle(request.orderId, { status: 'CONFIRMED' });
    recordBusinessMetric('OrdersConfirmed');
    return { status: order.status, updatedAt: order.updatedAt };
  }
  const current = await orders.get(request.orderId);
  const reasonDetail = cancellationDetail(request.reason, current ?? {}, { detail: request.detail, error: request.error });
  const order = await orders.settle(request.orderId, { status: 'CANCELLED', reason: request.reason, reasonDetail });
  recordBusinessMetric('OrdersCancelled', { dimensions: { reason: request.reason } });
  return { status: order.status, reason: order.reason, reasonDetail: order.reasonDetail, updatedAt: order.updatedAt };
}

export const handler = (request: SettleRequest) => settleOrder(request, ordersTable());
