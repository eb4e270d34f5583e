import { randomUUID } from 'node:crypto';
import type { Received } from '@shop/events';
import { inventoryReservationFailedEvent, inventoryReservedEvent } from '../../../inventory/src/domain/events';
import { paymentCompletedEvent, paymentFailedEvent } from '../../../payments/src/domain/events';
import type { Payment } from '../../../payments/src/domain/payment';
import { cancellationDetail, decide, MAX_DETAIL_LENGTH, outcomeOf, type CorrelationRecord, type OutcomeEvent } from './outcomes';

const orderId = randomUUID();
const cause = { metadata: { id: randomUUID(), correlationId: orderId } };
const payment: Payment = { orderId, paymentId: 'pay-1', customerId: 'c', customerEmail: 'a@example.com', currency: 'EUR', amount: 10, captured: 10, refunded: 0, status: 'CAPTURED' };
/** As the consumer receives a built event. */
const received = (event: { detailType: string; source: string; detail: any }) =>
  ({ detailType: event.detailType, detail: event.detail, source: event.source, eventBridgeId: '1', time: '' }) as Received<any> as OutcomeEvent;

describe('outcomeOf', () => {
  it('reads successes', () => {
    const paid = paymentCompletedEvent(payment, cause, new Date());
    expect(outcomeOf(received(paid))).toEqual({ orderId, kind: 'payment', outcome: { status: 'SUCCEEDED', eventId: paid.detail.metadata.id } });
    const reserved = inventoryReservedEvent(orderId, [{ sku: 'A', quantity: 1 }], cause, new Date());
    expect(outcomeOf(received(reserved))).toEqual({ orderId, kind: 'inventory', outcome: { status: 'SUCCEEDED', eventId: reserved.detail.metadata.id } });
  });

  it('reads failures with their reason and a detail for the cancellation', () => {
    const declined = paymentFailedEvent(payment, 'DECLINED', 'insufficient funds', cause, new Date());
    expect(outcomeOf(received(declined)).outcome).toMatchObject({ status: 'FAILED', reason: 'DECLINED', detail: 'DECLINED: insufficient funds' });
    const short = inventoryReservationFailedEvent(orderId, 'OUT_OF_STOCK', [{ sku: 'A', requested: 3, available: 1 }, { sku: 'B', requested: 1, available: 0 }], cause, new Date());
    expect(outcomeOf(received(short)).outcome).toMatchObject({ status: 'FAILED', reason: 'OUT_OF_STOCK', detail: 'OUT_OF_STOCK: A (requested 3, available 1), B (requested 1, available 0)' });
  });

  it('clips a detail to what OrderCancelled.v1 allows', () => {
    const declined = paymentFailedEvent(payment, 'PROVIDER_ERROR', 'x'.repeat(5000), cause, new Date());
    expect(outcomeOf(received(declined)).outcome.detail).toHaveLength(MAX_DETAIL_LENGTH);
  });
});

describe('decide', () => {
  const succeeded = { status: 'SUCCEEDED' as const, eventId: 'e1' };
  const failed = { status: 'FAILED' as const, reason: 'DECLINED', detail: 'DECLINED: no', eventId: 'e2' };
  const record = (overrides: Partial<CorrelationRecord>): CorrelationRecord => ({ orderId, status: 'PENDING', outcomes: {}, waits: {}, ...overrides });

  it('waits for the other half: no token, or no outcome', () => {
    expect(decide(record({ outcomes: { payment: succeeded } }), 'payment').action).toBe('none');
    expect(decide(record({ waits: { payment: 'T' } }), 'payment').action).toBe('none');
    // The other kind's halves do not count.
    expect(decide(record({ waits: { payment: 'T' }, outcomes: { inventory: succeeded } }), 'payment').action).toBe('none');
  });

  it('answers success with the outcome, failure with the error the saga catches and the detail as cause', () => {
    expect(decide(record({ waits: { payment: 'T' }, outcomes: { payment: succeeded } }), 'payment')).toEqual({ action: 'succeed', taskToken: 'T', output: succeeded });
    expect(decide(record({ waits: { payment: 'T' }, outcomes: { payment: failed } }), 'payment')).toEqual({ action: 'fail', taskToken: 'T', error: 'PaymentFailed', cause: 'DECLINED: no' });
    expect(decide(record({ waits: { inventory: 'U' }, outcomes: { inventory: failed } }), 'inventory')).toMatchObject({ error: 'InventoryReservationFailed' });
  });

  it('sends nothing once the order is settled (a late outcome is only recorded)', () => {
    expect(decide(record({ status: 'CANCELLED', waits: { payment: 'T' }, outcomes: { payment: succeeded } }), 'payment')).toEqual({ action: 'none', why: 'order is already CANCELLED' });
  });
});

describe('cancellationDetail', () => {
  it('keeps a given detail, names the missing outcomes of a timeout, and the error of a failed step', () => {
    expect(cancellationDetail('PAYMENT_FAILED', {}, { detail: 'DECLINED: no' })).toBe('DECLINED: no');
    expect(cancellationDetail('TIMEOUT', { outcomes: { payment: { status: 'SUCCEEDED', eventId: 'e' } } })).toBe('no inventory outcome in time');
    expect(cancellationDetail('TIMEOUT', {})).toBe('no payment and inventory outcome in time');
    expect(cancellationDetail('TIMEOUT', {}, { error: 'Lambda.Unknown' })).toBe('the order could not be completed (Lambda.Unknown)');
  });
});
