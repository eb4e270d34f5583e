import type { DetailOf, DetailType } from './catalog';
import { toMajorUnits, toMinorUnits } from './money';

type V1 = DetailOf<'OrderPlaced.v1'>;
type V2 = DetailOf<'OrderPlaced.v2'>;

/**
 * OrderPlaced.v2 → v1, for the dual publish while the migration window is open. The v1 event is a separate
 * event with its own metadata (id, version): consumers subscribe to one version only.
 */
export function orderPlacedV1Data(v2: V2['data']): V1['data'] {
  const currency = v2.total.currency;
  return {
    orderId: v2.orderId,
    customerId: v2.customer.id,
    customerEmail: v2.customer.email,
    paymentToken: v2.paymentMethod.token,
    currency,
    items: v2.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: toMajorUnits(item.unitPrice.amount, item.unitPrice.currency) })),
    total: toMajorUnits(v2.total.amount, currency),
  };
}

/** OrderPlaced.v1 → v2 (the upcaster): consumers that want one shape handle v2 only. */
export function upcastOrderPlacedV1(v1: V1): V2 {
  const money = (major: number) => ({ amount: toMinorUnits(major, v1.data.currency), currency: v1.data.currency });
  return {
    metadata: { ...v1.metadata, version: 'v2' },
    data: {
      orderId: v1.data.orderId,
      customer: { id: v1.data.customerId, email: v1.data.customerEmail },
      items: v1.data.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: money(item.unitPrice) })),
      total: money(v1.data.total),
      paymentMethod: { token: v1.data.paymentToken },
    },
  };
}

/** Upcasters by the detail-type they read, giving the detail-type they produce. */
export const upcasters: Partial<Record<DetailType, { to: DetailType; upcast: (detail: never) => unknown }>> = {
  'OrderPlaced.v1': { to: 'OrderPlaced.v2', upcast: upcastOrderPlacedV1 },
};
