/** The orders seen on the bus, and what each context says of one: the "orders across contexts" panel. */
import type { ActivityLog } from './activity-log';
import type { ContextStatus, LoggedActivity, OrderStatuses, SeenOrder } from './api-types';
import type { ShopApi } from './shop-api';

/** Indexes OrderPlaced events (any version) and the ids of every event about each order, as the activity comes in. */
export class OrderIndex {
  private readonly orders = new Map<string, SeenOrder>();
  private readonly eventIds = new Map<string, Set<string>>();

  observe(activity: LoggedActivity): void {
    if (activity.type !== 'event.received' || !activity.orderId) return;
    const { orderId } = activity;
    if (String(activity.detailType).startsWith('OrderPlaced.') && !this.orders.has(orderId)) {
      this.orders.set(orderId, { orderId, placedAt: activity.time, ...(activity.correlationId && { correlationId: activity.correlationId }) });
    }
    let ids = this.eventIds.get(orderId);
    if (!ids) this.eventIds.set(orderId, (ids = new Set()));
    ids.add(String(activity.eventId));
  }

  /** Newest first. */
  list(limit: number): SeenOrder[] {
    return [...this.orders.values()].reverse().slice(0, limit);
  }

  has(orderId: string): boolean {
    return this.orders.has(orderId);
  }

  /** The timeline entries of the order's events: each event, its matched rules and deliveries. */
  activity(log: ActivityLog, orderId: string): LoggedActivity[] {
    const ids = this.eventIds.get(orderId) ?? new Set<string>();
    return log.filter((activity) => activity.service === 'events' && ids.has(String(activity.eventId)));
  }
}

/** Each context's status of an order, from the shop's HTTP API; a context that has not heard of it yet shows `—`. */
export async function orderStatuses(api: ShopApi, orderId: string): Promise<OrderStatuses> {
  const { order, payment, notifications } = await api.orderAcrossContexts(orderId);
  const unknown = (status: number): ContextStatus => ({ status: status === 404 ? '—' : `HTTP ${status}` });
  const o = order.body as { status?: string; reason?: string } | undefined;
  const p = payment.body as { status?: string; captured?: number; refunded?: number } | undefined;
  const n = notifications.body as Array<{ template?: string }> | undefined;
  return {
    orders: order.status === 200 ? { status: String(o?.status), ...(o?.reason && { detail: o.reason }) } : unknown(order.status),
    payments: payment.status === 200 ? { status: String(p?.status), detail: `captured ${p?.captured ?? 0}, refunded ${p?.refunded ?? 0}` } : unknown(payment.status),
    notifications:
      notifications.status === 200 && Array.isArray(n)
        ? { status: n.length === 0 ? 'none' : `${n.length} sent`, ...(n.length > 0 && { detail: n.map((sent) => String(sent.template)).join(', ') }) }
        : unknown(notifications.status),
  };
}
