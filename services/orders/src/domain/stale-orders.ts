import type { Order } from './order';

/**
 * When a PENDING order is overdue: its saga waits at most the outcome timeout for payment and inventory (both waits
 * run in parallel), then cancels it; the margin covers the saga's own step retries. Past this, a PENDING order is one
 * whose saga never started or ended without settling it.
 */
export function orderDeadline(order: Pick<Order, 'createdAt'>, outcomeTimeoutSeconds: number, marginSeconds: number): Date {
  return new Date(Date.parse(order.createdAt) + (outcomeTimeoutSeconds + marginSeconds) * 1000);
}

export function isOverdue(order: Pick<Order, 'status' | 'createdAt'>, now: Date, outcomeTimeoutSeconds: number, marginSeconds: number): boolean {
  return order.status === 'PENDING' && orderDeadline(order, outcomeTimeoutSeconds, marginSeconds) < now;
}

/** Only a running saga (or one waiting to be redriven) can still settle its order: the sweep leaves those alone. */
export const sagaMaySettle = (status: string) => status === 'RUNNING' || status === 'PENDING_REDRIVE';
