import { at, cancelled, confirmed, order, paymentFailed, received } from '../../test/fixtures';
import { executionName, notificationRequestOf } from './notification-request';

const o = order();

describe('notificationRequestOf: which e-mail an outcome event calls for', () => {
  it('OrderConfirmed → ORDER_CONFIRMED of the CONFIRMED outcome, with the total', () => {
    const event = confirmed(o);
    expect(notificationRequestOf(received(event))).toEqual({
      orderId: o.orderId, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', customerId: 'cust-7', recipient: 'grace@example.com',
      total: { amount: 2598, currency: 'EUR' },
      cause: { metadata: { id: event.detail.metadata.id, correlationId: o.orderId } },
    });
  });

  it('PaymentFailed and OrderCancelled(PAYMENT_FAILED) are one outcome, told with the PAYMENT_FAILED template', () => {
    const fromPayment = notificationRequestOf(received(paymentFailed(o)));
    const fromOrder = notificationRequestOf(received(cancelled(o, 'PAYMENT_FAILED')));
    expect(fromPayment).toMatchObject({ outcome: 'CANCELLED', template: 'PAYMENT_FAILED', reason: 'DECLINED' });
    expect(fromOrder).toMatchObject({ outcome: 'CANCELLED', template: 'PAYMENT_FAILED', reason: 'PAYMENT_FAILED' });
    expect(executionName(fromPayment.orderId, fromPayment.outcome)).toBe(executionName(fromOrder.orderId, fromOrder.outcome));
  });

  it.each(['OUT_OF_STOCK', 'TIMEOUT', 'FRAUD_REJECTED'] as const)('OrderCancelled(%s) → ORDER_CANCELLED of the CANCELLED outcome', (reason) => {
    expect(notificationRequestOf(received(cancelled(o, reason)))).toMatchObject({ outcome: 'CANCELLED', template: 'ORDER_CANCELLED', reason });
  });

  it('carries the customer name when the event has one', () => {
    const event = confirmed(o);
    (event.detail.data.customer as { name?: string }).name = 'Grace Hopper';
    expect(notificationRequestOf(received(event)).customerName).toBe('Grace Hopper');
  });

  it('is the same for the same event: a repeated start is harmless', () => {
    expect(notificationRequestOf(received(confirmed(o)))).toEqual(notificationRequestOf(received(orderConfirmedAgain())));
  });
});

function orderConfirmedAgain() {
  // The producer republishing after a retry: same metadata.id, later timestamp.
  const event = confirmed(o);
  event.detail.metadata.timestamp = new Date(at.getTime() + 5000).toISOString();
  return event;
}

describe('execution names', () => {
  const valid = /^[A-Za-z0-9_-]{1,80}$/;

  it('name the outcome, within the StartSyncExecution name rules', () => {
    expect(executionName(o.orderId, 'CANCELLED')).toBe(`notify-${o.orderId}-CANCELLED`);
    expect(executionName(o.orderId, 'CANCELLED')).toMatch(valid);
  });
});
