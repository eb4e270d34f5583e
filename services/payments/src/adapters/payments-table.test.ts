import { randomUUID } from 'node:crypto';
import { startPaymentsDb } from '../../test/dynalite';
import { paymentIdFor, type PaymentRequest } from '../domain/payment';
import { PaymentsTable } from './payments-table';

let db: Awaited<ReturnType<typeof startPaymentsDb>>;
let table: PaymentsTable;
beforeAll(async () => {
  db = await startPaymentsDb();
  table = new PaymentsTable('payments', db.documents);
});
afterAll(() => db.close());

const now = new Date('2026-11-23T12:00:00Z');
function request(amount = 2598): PaymentRequest {
  const orderId = randomUUID();
  return {
    orderId, paymentId: paymentIdFor(orderId), amount, currency: 'EUR', token: 'tok_visa', customer: { id: 'cust-42', email: 'ada@example.com' },
    review: false, cause: { metadata: { id: randomUUID(), correlationId: orderId } },
  };
}
const view = async (orderId: string) => {
  const record = await table.get(orderId);
  return { status: record?.status, captured: record?.captured, refunded: record?.refunded, cancelRequested: record?.cancelRequested };
};

// Each test plays one interleaving of the payment saga's steps and the refund saga's request, step by step.
describe('PaymentsTable: the payment saga and the refund saga interleaved', () => {
  it('no cancellation: AUTHORIZING → AUTHORIZED → CAPTURED; each step retried answers what it did', async () => {
    const r = request();
    expect(await table.begin(r, now)).toEqual({ outcome: 'PROCEED' });
    expect(await table.begin(r, now)).toEqual({ outcome: 'PROCEED' });
    expect(await table.markAuthorized(r.orderId)).toEqual({ cancelRequested: false });
    expect(await table.markAuthorized(r.orderId)).toEqual({ cancelRequested: false });
    expect(await table.commitCapture(r.orderId, now)).toBe('CAPTURED');
    expect(await table.commitCapture(r.orderId, now)).toBe('CAPTURED');
    expect(await view(r.orderId)).toEqual({ status: 'CAPTURED', captured: 2598, refunded: 0, cancelRequested: false });
    expect(await table.begin(r, now)).toEqual({ outcome: 'CAPTURED' });
  });

  it('cancelled before the payment began: a CANCELLED tombstone, and the payment never begins', async () => {
    const r = request();
    expect(await table.requestCancellation(r.orderId, now)).toEqual({ previousStatus: 'ABSENT', captured: 0 });
    expect(await table.begin(r, now)).toEqual({ outcome: 'CANCELLED' });
    await table.markCancelled(r.orderId, 'CANCELLED');
    expect(await view(r.orderId)).toEqual({ status: 'CANCELLED', captured: 0, refunded: 0, cancelRequested: true });
    expect(await table.requestCancellation(r.orderId, now)).toEqual({ previousStatus: 'CANCELLED', captured: 0 });
  });

  it('cancelled between begin and its retry: the retry stops the saga, and it ends CANCELLED', async () => {
    const r = request();
    await table.begin(r, now);
    expect(await table.requestCancellation(r.orderId, now)).toEqual({ previousStatus: 'AUTHORIZING', captured: 0 });
    expect(await table.begin(r, now)).toEqual({ outcome: 'CANCELLED' });
    await table.markCancelled(r.orderId, 'CANCELLED');
    expect((await view(r.orderId)).status).toBe('CANCELLED');
  });

  it('cancelled while authorizing: markAuthorized reports it, and the saga voids instead of capturing (VOIDED)', async () => {
    const r = request();
    await table.begin(r, now);
    await table.requestCancellation(r.orderId, now);
    expect(await table.markAuthorized(r.orderId)).toEqual({ cancelRequested: true });
    await table.markCancelled(r.orderId, 'VOIDED');
    await table.markCancelled(r.orderId, 'VOIDED');
    expect(await view(r.orderId)).toEqual({ status: 'VOIDED', captured: 0, refunded: 0, cancelRequested: true });
  });

  it('cancelled between capture and commit: commit answers CANCELLED, the payment saga refunds, once', async () => {
    const r = request(5000);
    await table.begin(r, now);
    await table.markAuthorized(r.orderId);
    expect(await table.requestCancellation(r.orderId, now)).toEqual({ previousStatus: 'AUTHORIZED', captured: 0 });
    expect(await table.commitCapture(r.orderId, now)).toBe('CANCELLED');
    expect(await table.commitCapture(r.orderId, now)).toBe('CANCELLED');
    await table.markRefunded(r.orderId, now);
    await table.markRefunded(r.orderId, now);
    expect(await view(r.orderId)).toEqual({ status: 'REFUNDED', captured: 5000, refunded: 5000, cancelRequested: true });
  });

  it('cancelled after commit: the refund saga finds CAPTURED and refunds; a second cancellation finds REFUNDED', async () => {
    const r = request(4200);
    await table.begin(r, now);
    await table.markAuthorized(r.orderId);
    await table.commitCapture(r.orderId, now);
    expect(await table.requestCancellation(r.orderId, now)).toEqual({ previousStatus: 'CAPTURED', captured: 4200 });
    await table.markRefunded(r.orderId, now);
    expect(await table.requestCancellation(r.orderId, now)).toEqual({ previousStatus: 'REFUNDED', captured: 4200 });
    expect(await view(r.orderId)).toEqual({ status: 'REFUNDED', captured: 4200, refunded: 4200, cancelRequested: true });
  });

  it('a failed payment records why, once, and can be neither captured nor refunded', async () => {
    const r = request();
    await table.begin(r, now);
    await table.markFailed(r.orderId, 'DECLINED', 'PaymentDeclined: card declined', now);
    await table.markFailed(r.orderId, 'DECLINED', 'PaymentDeclined: card declined', now);
    expect(await table.get(r.orderId)).toMatchObject({ status: 'FAILED', failureReason: 'DECLINED', failureMessage: 'PaymentDeclined: card declined', captured: 0 });
    await expect(table.commitCapture(r.orderId, now)).rejects.toThrow(`payment of order ${r.orderId} is FAILED, expected AUTHORIZED or CAPTURED or REFUNDED`);
    await expect(table.markRefunded(r.orderId, now)).rejects.toThrow('is FAILED, expected REFUNDED');
    expect(await table.requestCancellation(r.orderId, now)).toEqual({ previousStatus: 'FAILED', captured: 0 });
  });

  // The payment saga is Express: after a failure it runs again from Begin, which must say where the last one got to.
  it('Begin run again answers where an earlier execution left the payment, and changes nothing but updatedAt', async () => {
    const later = new Date(now.getTime() + 60_000);
    const r = request(3100);
    await table.begin(r, now);
    expect((await table.get(r.orderId))?.updatedAt).toBe(now.getTime());
    await table.markAuthorized(r.orderId);
    expect(await table.begin(r, later)).toEqual({ outcome: 'AUTHORIZED' });
    await table.commitCapture(r.orderId, now);
    const captured = await table.get(r.orderId);
    expect(await table.begin({ ...r, amount: 1 }, later)).toEqual({ outcome: 'CAPTURED' });
    expect(await table.get(r.orderId)).toEqual({ ...captured, updatedAt: later.getTime() });
    await table.requestCancellation(r.orderId, now);
    await table.markRefunded(r.orderId, now);
    expect(await table.begin(r, later)).toEqual({ outcome: 'SETTLED' });

    const failed = request();
    await table.begin(failed, now);
    await table.markFailed(failed.orderId, 'DECLINED', 'PaymentDeclined: card declined', now);
    expect(await table.begin(failed, later)).toEqual({ outcome: 'FAILED' });
    expect(await view(failed.orderId)).toEqual({ status: 'FAILED', captured: 0, refunded: 0, cancelRequested: false });
  });

  // Two executions of the Express payment saga at once: one fails and hands the payment to the payment-release saga, the
  // other goes on to commit. Whichever conditional write comes first wins, and the other stands down.
  it('a release claimed first: commit refuses the capture (the saga gives it back); a commit first: the claim finds nothing to release', async () => {
    const handedOver = request();
    await table.begin(handedOver, now);
    await table.markAuthorized(handedOver.orderId);
    expect(await table.claimRelease(handedOver.orderId)).toEqual({ claimed: true });
    expect(await table.claimRelease(handedOver.orderId)).toEqual({ claimed: true });
    expect(await table.commitCapture(handedOver.orderId, now)).toBe('CANCELLED');
    await table.markFailed(handedOver.orderId, 'PROVIDER_ERROR', 'ProviderUnavailable: down', now, { captured: 2598, refunded: 2598 });
    expect(await view(handedOver.orderId)).toEqual({ status: 'FAILED', captured: 2598, refunded: 2598, cancelRequested: false });

    // Once claimed, a later execution stands down: Begin answers SETTLED, and it may not mark the payment CANCELLED.
    const cancelled = request();
    await table.begin(cancelled, now);
    await table.requestCancellation(cancelled.orderId, now);
    expect(await table.claimRelease(cancelled.orderId)).toEqual({ claimed: true });
    expect(await table.begin(cancelled, now)).toEqual({ outcome: 'SETTLED' });
    await expect(table.markCancelled(cancelled.orderId, 'CANCELLED')).rejects.toThrow('is AUTHORIZING, expected CANCELLED');

    const committed = request();
    await table.begin(committed, now);
    await table.markAuthorized(committed.orderId);
    expect(await table.commitCapture(committed.orderId, now)).toBe('CAPTURED');
    expect(await table.claimRelease(committed.orderId)).toEqual({ claimed: false });
    expect(await view(committed.orderId)).toEqual({ status: 'CAPTURED', captured: 2598, refunded: 0, cancelRequested: false });
  });
});
