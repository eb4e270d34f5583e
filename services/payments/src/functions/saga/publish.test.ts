import type { DomainEvent } from '@shop/events';
import { captureMetrics } from '@shop/service-kit/src/testing';
import type { PaymentRecord } from '../../domain/payment';
import { failureMessage } from './ledger-steps';
import { amountsMoved, createHandler as createPublish, eventFor } from './publish';

const orderId = '3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b';
const cause = { metadata: { id: 'a1b2c3d4-0000-4000-8000-000000000002', correlationId: orderId } };
const record = (overrides: Partial<PaymentRecord> = {}): PaymentRecord => ({
  orderId, status: 'CAPTURED', paymentId: 'pay_1', customerId: 'cust-42', customerEmail: 'ada@example.com', currency: 'EUR', amount: 2598,
  captured: 2598, refunded: 0, cancelRequested: false, capturedAt: '2026-11-23T12:00:00.000Z', ...overrides,
});

describe('failureMessage (PaymentFailed.message)', () => {
  it('takes the errorMessage of a Lambda error payload, prefixed with the error name, within 1024 characters', () => {
    const cause = JSON.stringify({ errorType: 'PaymentDeclined', errorMessage: 'card declined by issuer', trace: [] });
    expect(failureMessage({ Error: 'PaymentDeclined', Cause: cause })).toBe('PaymentDeclined: card declined by issuer');
    expect(failureMessage({ Error: 'States.Timeout', Cause: 'x'.repeat(2000) })).toHaveLength(1024);
    expect(failureMessage(undefined)).toBe('payment failed');
  });
});

describe('publish', () => {
  it('builds each event from the table, with the transition time, so a retried publish repeats the same event', () => {
    const completed = eventFor('PaymentCompleted', record(), cause);
    expect(completed.detail).toMatchObject({ data: { orderId, amount: { amount: 2598, currency: 'EUR' }, capturedAt: '2026-11-23T12:00:00.000Z' }, metadata: { causationId: cause.metadata.id } });
    expect(eventFor('PaymentCompleted', record(), cause).detail.metadata.id).toBe(completed.detail.metadata.id);

    const failed = eventFor('PaymentFailed', record({ status: 'FAILED', captured: 0, failureReason: 'FRAUD_REJECTED', failureMessage: 'FraudRejected: no', failedAt: '2026-11-23T12:00:01.000Z' }), cause);
    expect(failed.detail.data).toMatchObject({ reason: 'FRAUD_REJECTED', message: 'FraudRejected: no', customer: { id: 'cust-42', email: 'ada@example.com' } });

    const refunded = eventFor('PaymentRefunded', record({ status: 'REFUNDED', refunded: 2598, refundedAt: '2026-11-23T12:00:02.000Z' }), cause);
    expect(refunded.detail.data).toMatchObject({ amount: { amount: 2598, currency: 'EUR' }, refundedAt: '2026-11-23T12:00:02.000Z' });
  });

  it('refuses to announce a transition that did not happen', () => {
    expect(() => eventFor('PaymentRefunded', record(), cause)).toThrow('no PaymentRefunded to publish');
  });

  it('puts the event on the bus and lets a publishing failure fail the step (the saga retries it)', async () => {
    const put: DomainEvent[] = [];
    const publish = createPublish(() => ({ payments: { get: async () => record() }, publisher: { publish: async (events) => (put.push(...events), { published: [] }) } }));
    expect(await publish({ type: 'PaymentCompleted', orderId, cause })).toEqual({ detailType: 'PaymentCompleted.v1', id: put[0]!.detail.metadata.id });
    const failing = createPublish(() => ({ payments: { get: async () => record() }, publisher: { publish: async () => { throw new Error('PutEvents failed'); } } }));
    await expect(failing({ type: 'PaymentCompleted', orderId, cause })).rejects.toThrow('PutEvents failed');
  });

  it('reports the money each event moved, so that captured minus refunded is what the shop holds', () => {
    expect(amountsMoved('PaymentCompleted', record())).toEqual({ captured: 2598, refunded: 0 });
    // Refunded by the refund saga after PaymentCompleted reported the capture.
    expect(amountsMoved('PaymentRefunded', record({ status: 'REFUNDED', refunded: 2598 }))).toEqual({ captured: 0, refunded: 2598 });
    // Cancelled between capture and commit: the payment saga refunded at once, no PaymentCompleted reported the capture.
    expect(amountsMoved('PaymentRefunded', record({ status: 'REFUNDED', refunded: 2598, capturedAt: undefined }))).toEqual({ captured: 2598, refunded: 2598 });
    // A capture whose answer was lost, refunded by the release.
    expect(amountsMoved('PaymentFailed', record({ status: 'FAILED', captured: 2598, refunded: 2598, capturedAt: undefined }))).toEqual({ captured: 2598, refunded: 2598 });
    expect(amountsMoved('PaymentFailed', record({ status: 'FAILED', captured: 0, capturedAt: undefined }))).toEqual({ captured: 0, refunded: 0 });
  });

  it('records the amounts in their currency once the event is on the bus, and none when publishing failed', async () => {
    const publisher = { publish: async () => ({ published: [] }) };
    const refunded = record({ status: 'REFUNDED', refunded: 2598, refundedAt: '2026-11-23T12:00:02.000Z' });
    const { metrics } = await captureMetrics(async () => {
      await createPublish(() => ({ payments: { get: async () => record() }, publisher }))({ type: 'PaymentCompleted', orderId, cause });
      await createPublish(() => ({ payments: { get: async () => refunded }, publisher }))({ type: 'PaymentRefunded', orderId, cause });
      const failing = createPublish(() => ({ payments: { get: async () => record() }, publisher: { publish: async () => { throw new Error('PutEvents failed'); } } }));
      await expect(failing({ type: 'PaymentCompleted', orderId, cause })).rejects.toThrow('PutEvents failed');
    });
    expect(metrics.map((m) => [m.name, m.unit, m.value, m.dimensions.currency])).toEqual([
      ['AmountCaptured', 'None', 2598, 'EUR'],
      ['AmountRefunded', 'None', 2598, 'EUR'],
    ]);
  });
});
