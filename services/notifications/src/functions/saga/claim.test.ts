import { CLAIM_LEASE_SECONDS, ClaimHeld, type NotificationClaim } from '../../domain/claim';
import { claimOutcome, type ClaimEffects, type ClaimInput } from './claim';

const ME = 'arn:aws:states:us-east-1:000000000000:express:shop-notifications-dev-notification:notify-1-CANCELLED:me';
const OTHER = 'arn:aws:states:us-east-1:000000000000:express:shop-notifications-dev-notification:notify-1-CANCELLED:other';
const cause = { metadata: { id: 'evt-2', correlationId: 'c' } };
const input: ClaimInput = {
  request: {
    orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', outcome: 'CANCELLED', template: 'PAYMENT_FAILED', customerId: 'cust-7', recipient: 'grace@example.com', reason: 'DECLINED', cause,
    email: { subject: 'Your payment did not go through', text: 'T', html: 'H' },
  },
  claimedBy: ME,
};
const t0 = new Date('2026-11-23T12:00:00Z');
const held = (claimedBy: string, at: Date, status: NotificationClaim['status'] = 'CLAIMED'): NotificationClaim => ({
  orderId: input.request.orderId, outcome: 'CANCELLED', template: 'ORDER_CANCELLED', customerId: 'cust-7', recipient: 'grace@example.com', reason: 'OUT_OF_STOCK',
  cause: { metadata: { id: 'evt-1', correlationId: 'c' } }, subject: 'Your order is cancelled', status, claimedBy,
  claimedAt: at.toISOString(), leaseExpiresAt: new Date(at.getTime() + CLAIM_LEASE_SECONDS * 1000).toISOString(),
  ...(status === 'SENT' && { providerMessageId: 'msg-1', sentAt: at.toISOString() }),
});

/** The outcome's claim in memory, with the table's two conditions; `lostAnswers` puts are applied and then fail as a lost answer does. */
function table(claim: NotificationClaim | undefined, now: Date, options: { lostAnswers?: number; before?: () => void } = {}) {
  let lost = options.lostAnswers ?? 0;
  const puts: Array<string | undefined> = [];
  const effects: ClaimEffects = {
    claims: {
      get: async () => (claim ? { ...claim } : undefined),
      async put(item, from) {
        puts.push(from);
        options.before?.();
        const holds = from === undefined ? claim === undefined : claim?.status === 'CLAIMED' && claim.claimedBy === from;
        if (!holds) return false;
        claim = { ...item };
        if (lost-- > 0) return false;
        return true;
      },
    },
    now: () => now,
  };
  // What the saga's ReleaseClaim does (a conditional delete of a failed run's claim).
  const release = () => (claim = undefined);
  return { effects, puts, claim: () => claim, release };
}

describe('Claim step', () => {
  it('claims a free outcome with one put: the request, its subject, this run and a lease; answers it, nothing sent yet', async () => {
    const { effects, puts, claim } = table(undefined, t0);
    await expect(claimOutcome(input, effects)).resolves.toEqual({ template: 'PAYMENT_FAILED', recipient: 'grace@example.com', cause });
    expect(puts).toEqual([undefined]);
    expect(claim()).toEqual({
      orderId: input.request.orderId, outcome: 'CANCELLED', template: 'PAYMENT_FAILED', customerId: 'cust-7', recipient: 'grace@example.com', reason: 'DECLINED', cause,
      subject: 'Your payment did not go through', status: 'CLAIMED', claimedBy: ME, claimedAt: '2026-11-23T12:00:00.000Z', leaseExpiresAt: '2026-11-23T12:03:00.000Z',
    });
  });

  it('a put applied whose answer was lost: the claim read is its own, so it goes on', async () => {
    const { effects, claim } = table(undefined, t0, { lostAnswers: 1 });
    await expect(claimOutcome(input, effects)).resolves.toEqual({ template: 'PAYMENT_FAILED', recipient: 'grace@example.com', cause });
    expect(claim()!.claimedBy).toBe(ME);
  });

  it('SENT by an earlier run: answers what the claim records, the e-mail\'s record with it, and writes nothing', async () => {
    const { effects, claim } = table(held(OTHER, t0, 'SENT'), new Date(t0.getTime() + 3600_000));
    await expect(claimOutcome(input, effects)).resolves.toEqual({
      template: 'ORDER_CANCELLED', recipient: 'grace@example.com', cause: { metadata: { id: 'evt-1', correlationId: 'c' } }, sent: { messageId: 'msg-1', sentAt: t0.toISOString() },
    });
    expect(claim()).toEqual(held(OTHER, t0, 'SENT'));
  });

  it('held by a run within its lease: ClaimHeld (retryable), the claim left as it is', async () => {
    const { effects, claim } = table(held(OTHER, t0), new Date(t0.getTime() + 60_000));
    const error = await claimOutcome(input, effects).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimHeld);
    expect((error as Error).name).toBe('Notification.ClaimHeld');
    expect((error as Error).message).toContain(`claimed by ${OTHER} until 2026-11-23T12:03:00.000Z`);
    expect(claim()).toEqual(held(OTHER, t0));
  });

  it('held by a run whose lease ran out: taken over from that run only, with a fresh lease', async () => {
    const now = new Date(t0.getTime() + CLAIM_LEASE_SECONDS * 1000);
    const { effects, puts, claim } = table(held(OTHER, t0), now);
    await expect(claimOutcome(input, effects)).resolves.toEqual({ template: 'PAYMENT_FAILED', recipient: 'grace@example.com', cause });
    expect(puts).toEqual([undefined, OTHER]);
    expect(claim()).toMatchObject({ claimedBy: ME, status: 'CLAIMED', template: 'PAYMENT_FAILED', leaseExpiresAt: '2026-11-23T12:06:00.000Z' });
  });

  it('two runs taking over the same dead claim: one wins, the other finds it held', async () => {
    const now = new Date(t0.getTime() + CLAIM_LEASE_SECONDS * 1000);
    const rival = held('arn:rival', now);
    let raced = false;
    // The rival's take-over lands between this run's read and its own take-over.
    const world = table(held(OTHER, t0), now, {
      before: () => {
        if (raced || world.puts.length < 2) return;
        raced = true;
        Object.assign(world.claim()!, rival);
      },
    });
    await expect(claimOutcome(input, world.effects)).rejects.toBeInstanceOf(ClaimHeld);
    expect(world.claim()!.claimedBy).toBe('arn:rival');
  });

  it('a claim given back between the put and the read (its run failed to send): claimed again, needing no claim', async () => {
    const world = table(held(OTHER, t0), t0);
    const get = world.effects.claims.get;
    world.effects.claims.get = async (...key) => {
      world.release();
      return get(...key);
    };
    await expect(claimOutcome(input, world.effects)).resolves.toEqual({ template: 'PAYMENT_FAILED', recipient: 'grace@example.com', cause });
    expect(world.puts).toEqual([undefined, undefined]);
    expect(world.claim()!.claimedBy).toBe(ME);
  });
});
