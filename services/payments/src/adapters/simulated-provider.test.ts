import { randomUUID } from 'node:crypto';
import { startPaymentsDb } from '../../test/dynalite';
import { release } from '../domain/provider';
import { SimulatedProvider, simulatedOutcome } from './simulated-provider';

let db: Awaited<ReturnType<typeof startPaymentsDb>>;
let provider: SimulatedProvider;
beforeAll(async () => {
  db = await startPaymentsDb();
  provider = new SimulatedProvider('provider', db.documents);
});
afterAll(() => db.close());

const authorization = (token = 'tok_visa', amount = 1000) => {
  const orderId = randomUUID();
  return { orderId, paymentId: `pay_${orderId.slice(0, 8)}`, token, amount, currency: 'EUR' };
};
const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: Error) => error);

describe('simulatedOutcome', () => {
  it('answers each test token as documented', () => {
    expect(simulatedOutcome('tok_visa', 'authorize', 1)).toBe('approve');
    expect(simulatedOutcome('tok_declined', 'authorize', 1)).toBe('decline');
    expect(simulatedOutcome('tok_declined', 'void', 1)).toBe('approve');
    expect([1, 2, 3].map((n) => simulatedOutcome('tok_flaky', 'capture', n))).toEqual(['unavailable', 'unavailable', 'approve']);
    expect(simulatedOutcome('tok_capture_unavailable', 'authorize', 1)).toBe('approve');
    expect(simulatedOutcome('tok_capture_unavailable', 'capture', 9)).toBe('unavailable');
  });
});

describe('SimulatedProvider', () => {
  it('is idempotent per (order, operation): authorizing, capturing and refunding twice moves the money once', async () => {
    const a = authorization('tok_visa', 2598);
    expect(await provider.authorize(a)).toEqual({ authorizationId: `auth_${a.paymentId}` });
    expect(await provider.authorize(a)).toEqual({ authorizationId: `auth_${a.paymentId}` });
    await provider.capture({ orderId: a.orderId, amount: 2598 });
    await provider.capture({ orderId: a.orderId, amount: 2598 });
    expect(await provider.payment(a.orderId)).toMatchObject({ status: 'CAPTURED', captured: 2598, refunded: 0 });
    await provider.refund({ orderId: a.orderId, amount: 2598 });
    await provider.refund({ orderId: a.orderId, amount: 2598 });
    expect(await provider.payment(a.orderId)).toMatchObject({ status: 'REFUNDED', captured: 2598, refunded: 2598 });
    expect(await provider.attempts(a.orderId, 'capture')).toBe(2);
  });

  it('declines tok_declined permanently and keeps no authorization', async () => {
    const a = authorization('tok_declined');
    const error = await errorOf(provider.authorize(a));
    expect(error).toMatchObject({ name: 'PaymentDeclined' });
    expect(await provider.payment(a.orderId)).toBeUndefined();
  });

  it('fails tok_flaky transiently twice per operation, counting attempts in its table, then approves', async () => {
    const a = authorization('tok_flaky');
    expect(await errorOf(provider.authorize(a))).toMatchObject({ name: 'ProviderUnavailable', message: expect.stringContaining('attempt 1') });
    expect(await errorOf(provider.authorize(a))).toMatchObject({ name: 'ProviderUnavailable', message: expect.stringContaining('attempt 2') });
    await provider.authorize(a);
    expect(await errorOf(provider.capture({ orderId: a.orderId, amount: a.amount }))).toMatchObject({ name: 'ProviderUnavailable' });
    // A second provider instance (another process) sees the same count.
    const elsewhere = new SimulatedProvider('provider', db.documents);
    expect(await elsewhere.attempts(a.orderId, 'capture')).toBe(1);
    expect(await errorOf(elsewhere.capture({ orderId: a.orderId, amount: a.amount }))).toMatchObject({ name: 'ProviderUnavailable' });
    await elsewhere.capture({ orderId: a.orderId, amount: a.amount });
    expect(await provider.payment(a.orderId)).toMatchObject({ status: 'CAPTURED', captured: a.amount });
  });

  it('voids an authorization (once), voids nothing when there was none, and refuses to void a captured payment', async () => {
    const a = authorization();
    expect(await provider.void({ orderId: a.orderId })).toEqual({ voided: false });
    await provider.authorize(a);
    expect(await provider.void({ orderId: a.orderId })).toEqual({ voided: true });
    expect(await provider.void({ orderId: a.orderId })).toEqual({ voided: true });
    expect(await errorOf(provider.capture({ orderId: a.orderId, amount: a.amount }))).toMatchObject({ name: 'InvalidPaymentState', message: expect.stringContaining('it is VOIDED') });

    const captured = authorization();
    await provider.authorize(captured);
    await provider.capture({ orderId: captured.orderId, amount: captured.amount });
    expect(await errorOf(provider.void({ orderId: captured.orderId }))).toMatchObject({ name: 'InvalidPaymentState' });
  });

  it('refuses to refund what was never captured, or more than was captured', async () => {
    const a = authorization();
    expect(await errorOf(provider.refund({ orderId: a.orderId, amount: 1 }))).toMatchObject({ name: 'InvalidPaymentState', message: expect.stringContaining('never authorized') });
    await provider.authorize(a);
    expect(await errorOf(provider.refund({ orderId: a.orderId, amount: a.amount }))).toMatchObject({ name: 'InvalidPaymentState' });
    await provider.capture({ orderId: a.orderId, amount: a.amount });
    expect(await errorOf(provider.refund({ orderId: a.orderId, amount: a.amount + 1 }))).toMatchObject({ name: 'InvalidPaymentState' });
  });
});

describe('release, as the provider sees it', () => {
  it('a capture that lands between its lookup and its void (another execution of the payment saga) is refunded instead', async () => {
    const a = authorization('tok_visa', 1700);
    await provider.authorize(a);
    // The lookup still sees the authorization; the other execution captures before the void.
    const racing = Object.create(provider) as SimulatedProvider;
    let first = true;
    racing.lookup = async (orderId) => {
      const seen = await provider.lookup(orderId);
      if (first) await provider.capture({ orderId, amount: 1700 });
      first = false;
      return seen;
    };
    expect(await release(racing, a.orderId)).toEqual({ captured: 1700, refunded: 1700 });
    expect(await provider.payment(a.orderId)).toMatchObject({ status: 'REFUNDED', captured: 1700, refunded: 1700 });
  });
});
