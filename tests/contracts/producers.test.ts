import { createAjv, describeErrors, type DomainEvent } from '@shop/events';
import * as inventory from '../../services/inventory/src/domain/events';
import * as notifications from '../../services/notifications/src/domain/events';
import * as orders from '../../services/orders/src/domain/events';
import { orderTotal, type Order } from '../../services/orders/src/domain/order';
import * as payments from '../../services/payments/src/domain/events';
import type { Payment } from '../../services/payments/src/domain/payment';
import { contracts, resourcesOfType } from './services';

/** The registry as deployed: the schema contents of the packaged event-bus template, by detail-type. */
const registry = new Map(
  resourcesOfType('event-bus', 'AWS::EventSchemas::Schema').map(([, r]) => [String(r.Properties.SchemaName).split('@')[1], JSON.parse(r.Properties.Content)]),
);
const ajv = createAjv();
function registryViolations(event: DomainEvent) {
  const schema = registry.get(event.detailType);
  if (!schema) return [{ path: 'detail-type', message: `${event.detailType} is not in the registry` }];
  const validate = ajv.getSchema(schema.id) ?? ajv.compile(schema);
  return validate(event.detail) ? [] : describeErrors(validate.errors);
}

const cause = { metadata: { id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a', correlationId: 'order-flow-1' } };
const at = new Date('2026-11-23T12:00:00Z');

function order(currency: string, items: Order['items']): Order {
  return {
    orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', customerId: 'cust-7', customerEmail: 'grace@example.com', currency, items,
    total: orderTotal(items), paymentToken: 'tok_visa', status: 'PENDING', createdAt: at.toISOString(), updatedAt: at.toISOString(),
  };
}
const orderVariants = [
  order('EUR', [{ sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 1299 }, { sku: 'SKU-TEA', quantity: 1, unitPrice: 450 }]),
  order('JPY', [{ sku: 'SKU-MATCHA', quantity: 3, unitPrice: 1500 }]),
  order('KWD', [{ sku: 'SKU-DATES', quantity: 1, unitPrice: 12345 }]),
];
const payment: Payment = {
  orderId: orderVariants[0]!.orderId, paymentId: 'pay_123', customerId: 'cust-7', customerEmail: 'grace@example.com',
  currency: 'EUR', amount: 3048, captured: 3048, refunded: 3048, status: 'REFUNDED',
};

/** Every event each service's real code can build. */
const built: Record<string, DomainEvent[]> = {
  orders: orderVariants.flatMap((o) => [
    ...orders.orderPlacedEvents(o, { publishV1: true }),
    orders.orderConfirmedEvent(o, at),
    orders.orderCancelledEvent(o, 'OUT_OF_STOCK', 'SKU-TEA: 1 requested, 0 available', at),
    orders.orderCancelledEvent(o, 'TIMEOUT', undefined, at),
  ]),
  payments: [
    payments.paymentCompletedEvent(payment, cause, at),
    payments.paymentFailedEvent({ ...payment, captured: 0, refunded: 0, status: 'FAILED' }, 'DECLINED', 'card declined', cause, at),
    payments.paymentRefundedEvent(payment, cause, at),
  ],
  inventory: [
    inventory.inventoryReservedEvent(payment.orderId, [{ sku: 'SKU-RED-MUG', quantity: 2 }], cause, at),
    inventory.inventoryReservationFailedEvent(payment.orderId, 'OUT_OF_STOCK', [{ sku: 'SKU-TEA', requested: 1, available: 0 }], cause, at),
    inventory.inventoryReleasedEvent(payment.orderId, [{ sku: 'SKU-RED-MUG', quantity: 2 }], cause, at),
  ],
  notifications: (['ORDER_CONFIRMED', 'ORDER_CANCELLED', 'PAYMENT_FAILED'] as const).map((template) =>
    notifications.notificationSentEvent({ orderId: payment.orderId, template, recipient: 'grace@example.com', providerMessageId: 'msg-1', sentAt: at.toISOString() }, cause),
  ),
};

describe.each(contracts.map((c) => [c.service, c] as const))('producer %s', (service, contract) => {
  const events = built[service]!;

  it('builds every detail-type it declares, and only those', () => {
    expect([...new Set(events.map((e) => e.detailType))].sort()).toEqual([...contract.publishes].sort());
  });

  it('publishes under its own source only', () => {
    for (const event of events) expect(event.source).toBe(`shop.${service}`);
  });

  it('builds events valid against the registry schema of their detail-type', () => {
    for (const event of events) expect({ detailType: event.detailType, violations: registryViolations(event) }).toEqual({ detailType: event.detailType, violations: [] });
  });
});

describe('producer behaviour the contract relies on', () => {
  it('orders dual-publishes OrderPlaced v1 and v2 only while the migration window is open', () => {
    expect(orders.orderPlacedEvents(orderVariants[0]!, { publishV1: true }).map((e) => e.detailType)).toEqual(['OrderPlaced.v2', 'OrderPlaced.v1']);
    expect(orders.orderPlacedEvents(orderVariants[0]!, { publishV1: false }).map((e) => e.detailType)).toEqual(['OrderPlaced.v2']);
  });

  it('a republished event keeps its metadata.id (saga retries are not new events)', () => {
    const first = orders.orderConfirmedEvent(orderVariants[0]!, at);
    const again = orders.orderConfirmedEvent(orderVariants[0]!, new Date(at.getTime() + 5000));
    expect(again.detail.metadata.id).toBe(first.detail.metadata.id);
  });

  it('both OrderPlaced versions carry the same amounts (v1 in major units)', () => {
    const [v2, v1] = orders.orderPlacedEvents(orderVariants[1]!, { publishV1: true }) as [DomainEvent<'OrderPlaced.v2'>, DomainEvent<'OrderPlaced.v1'>];
    expect(v2.detail.data.total).toEqual({ amount: 4500, currency: 'JPY' });
    expect(v1.detail.data.total).toBe(4500);
    const [eur2, eur1] = orders.orderPlacedEvents(orderVariants[0]!, { publishV1: true }) as [DomainEvent<'OrderPlaced.v2'>, DomainEvent<'OrderPlaced.v1'>];
    expect(eur2.detail.data.total.amount).toBe(3048);
    expect(eur1.detail.data.total).toBe(30.48);
  });
});
