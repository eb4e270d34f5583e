import { CLAIM_LEASE_SECONDS, judgeClaim, newClaim, requestOfClaim, type NotificationClaim } from './claim';
import type { NotificationRequest } from './notification-request';
import { isStaleClaim } from './stale-claims';

const ME = 'arn:aws:states:us-east-1:000000000000:express:shop-notifications-dev-notification:notify-1-CONFIRMED:me';
const OTHER = 'arn:aws:states:us-east-1:000000000000:express:shop-notifications-dev-notification:notify-1-CONFIRMED:other';
const request: NotificationRequest = {
  orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', customerId: 'cust-7', recipient: 'grace@example.com',
  customerName: 'Grace', total: { amount: 2598, currency: 'EUR' }, cause: { metadata: { id: 'evt-1', correlationId: 'c' } },
};
const claimedAt = new Date('2026-11-23T12:00:00Z');
const claim = (overrides: Partial<NotificationClaim> = {}): NotificationClaim => ({ ...newClaim(request, 'S', OTHER, claimedAt, CLAIM_LEASE_SECONDS), ...overrides });
const after = (seconds: number) => new Date(claimedAt.getTime() + seconds * 1000);

describe('newClaim', () => {
  it('keeps the request, CLAIMED by the run, with a lease of the given seconds', () => {
    expect(newClaim(request, 'S', ME, claimedAt, 180)).toEqual({
      ...request, subject: 'S', status: 'CLAIMED', claimedBy: ME, claimedAt: '2026-11-23T12:00:00.000Z', leaseExpiresAt: '2026-11-23T12:03:00.000Z',
    });
  });

  it('and gives the request back, without the claim\'s own fields, for a run again', () => {
    expect(requestOfClaim({ ...claim(), status: 'SENT', providerMessageId: 'm', sentAt: 'x' })).toEqual(request);
    const { customerName: _name, total: _total, ...bare } = request;
    expect(requestOfClaim(claim({ ...bare, customerName: undefined, total: undefined }))).toEqual(bare);
  });
});

describe('judgeClaim: what a run makes of the outcome claim it finds', () => {
  it('none: claims it', () => {
    expect(judgeClaim(undefined, ME, claimedAt)).toEqual({ action: 'claim' });
  });

  it('SENT, by any run, even past its lease: answers it', () => {
    expect(judgeClaim(claim({ status: 'SENT' }), ME, after(1))).toEqual({ action: 'answer' });
    expect(judgeClaim(claim({ status: 'SENT' }), ME, after(10_000))).toEqual({ action: 'answer' });
  });

  it('CLAIMED by this run (its own put, answered late): goes on to send', () => {
    expect(judgeClaim(claim({ claimedBy: ME }), ME, after(1))).toEqual({ action: 'send' });
  });

  it('CLAIMED by another run within its lease: held, up to the last millisecond', () => {
    expect(judgeClaim(claim(), ME, after(1))).toEqual({ action: 'held' });
    expect(judgeClaim(claim(), ME, new Date(after(CLAIM_LEASE_SECONDS).getTime() - 1))).toEqual({ action: 'held' });
  });

  it('CLAIMED by another run whose lease ran out: taken over from that run', () => {
    expect(judgeClaim(claim(), ME, after(CLAIM_LEASE_SECONDS))).toEqual({ action: 'take-over', from: OTHER });
  });

  it('CLAIMED without a lease (the Standard saga\'s claims): taken over', () => {
    expect(judgeClaim(claim({ leaseExpiresAt: undefined as never }), ME, after(1))).toEqual({ action: 'take-over', from: OTHER });
  });
});

describe('isStaleClaim: the sweep\'s judgement, by the claim alone', () => {
  it('CLAIMED, stale once the lease ran out at least the deadline ago', () => {
    expect(isStaleClaim(claim(), after(CLAIM_LEASE_SECONDS + 899), 900)).toBe(false);
    expect(isStaleClaim(claim(), after(CLAIM_LEASE_SECONDS + 900), 900)).toBe(true);
    expect(isStaleClaim(claim(), after(CLAIM_LEASE_SECONDS - 1), 0)).toBe(false);
  });

  it('SENT is never stale', () => {
    expect(isStaleClaim(claim({ status: 'SENT' }), after(100_000), 0)).toBe(false);
  });
});
