import { catalog } from '@shop/events';
import { reviewForFraud } from './fraud';
import { asPayment, paymentExecutionName, paymentIdFor, paymentRequestFrom, refundRequestFrom } from './payment';

const placedExample = () => structuredClone(catalog['OrderPlaced.v2'].examples[0]) as any;

describe('payment requests', () => {
  it('are built only from the OrderPlaced.v2 event, so a duplicate start has the same input', () => {
    const detail = placedExample();
    const request = paymentRequestFrom(detail, true);
    expect(request).toEqual({
      orderId: detail.data.orderId, paymentId: paymentIdFor(detail.data.orderId), amount: 2598, currency: 'EUR', token: 'tok_visa',
      customer: { id: 'cust-42', email: 'ada@example.com' }, review: true,
      cause: { metadata: { id: detail.metadata.id, correlationId: detail.metadata.correlationId } },
    });
    expect(paymentRequestFrom(placedExample(), true)).toEqual(request);
  });

  it('name one payment per order, deterministically, within the execution-name limit', () => {
    const orderId = '3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b';
    expect(paymentIdFor(orderId)).toBe(paymentIdFor(orderId));
    expect(paymentIdFor(orderId)).not.toBe(paymentIdFor('3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7c'));
    expect(paymentExecutionName(orderId).length).toBeLessThanOrEqual(80);
  });

  it('a refund request carries the cancellation as its cause', () => {
    const detail = structuredClone(catalog['OrderCancelled.v1'].examples[0]) as any;
    expect(refundRequestFrom(detail)).toEqual({ orderId: detail.data.orderId, cause: { metadata: { id: detail.metadata.id, correlationId: detail.metadata.correlationId } } });
  });

  it('a tombstone is no payment to report', () => {
    expect(() => asPayment({ orderId: 'o-1', status: 'CANCELLED', captured: 0, refunded: 0, cancelRequested: true })).toThrow('payment of order o-1 never began');
  });
});

describe('reviewForFraud', () => {
  it('rejects tok_fraud with FraudRejected and approves other tokens', () => {
    expect(reviewForFraud({ orderId: 'o-1', token: 'tok_visa', amount: 250_000, currency: 'EUR' })).toEqual({ approved: true });
    expect(() => reviewForFraud({ orderId: 'o-1', token: 'tok_fraud', amount: 250_000, currency: 'EUR' })).toThrow(expect.objectContaining({ name: 'FraudRejected' }));
  });
});
