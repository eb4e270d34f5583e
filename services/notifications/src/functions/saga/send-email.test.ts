import { captureMetrics } from '@shop/service-kit/src/testing';
import { EmailRejected, type OutgoingEmail } from '../../adapters/ses-email-sender';
import { ClaimNotHeld, type NotificationClaim, type SentRecord } from '../../domain/claim';
import { DEFAULT_FROM, sendEmail, type SendEmailEffects } from './send-email';

const ME = 'arn:aws:states:us-east-1:000000000000:express:shop-notifications-dev-notification:notify-1-CONFIRMED:6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const input = { orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', outcome: 'CONFIRMED' as const, claimedBy: ME, recipient: 'grace@example.com', subject: 'S', text: 'T', html: 'H' };
const now = () => new Date('2026-11-23T12:00:01Z');
const claimed = (claimedBy = ME): NotificationClaim => ({
  orderId: input.orderId, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', customerId: 'cust-7', recipient: input.recipient, cause: { metadata: { id: 'evt-1', correlationId: input.orderId } },
  subject: 'S', status: 'CLAIMED', claimedBy, claimedAt: '2026-11-23T12:00:00.000Z', leaseExpiresAt: '2026-11-23T12:03:00.000Z',
});

/** The outcome's claim in memory, settled by one conditional write as the table does it. */
function world(claim: NotificationClaim | undefined, ses?: (email: OutgoingEmail) => Promise<string>) {
  const sent: OutgoingEmail[] = [];
  const send = ses ?? (async () => `msg-${sent.length}`);
  const effects: SendEmailEffects = {
    claims: {
      get: async () => (claim ? { ...claim } : undefined),
      async markSent(_orderId, _outcome, claimedBy, record: SentRecord) {
        if (claim?.status !== 'CLAIMED' || claim.claimedBy !== claimedBy) throw new Error('ConditionalCheckFailedException');
        claim = { ...claim, status: 'SENT', providerMessageId: record.messageId, sentAt: record.sentAt };
        return record;
      },
    },
    send: async (email) => {
      const messageId = await send(email);
      sent.push(email);
      return messageId;
    },
    now,
  };
  return { effects, sent, claim: () => claim };
}

describe('sendEmail step', () => {
  const saved = process.env.NOTIFICATIONS_FROM;
  afterEach(() => {
    if (saved === undefined) delete process.env.NOTIFICATIONS_FROM;
    else process.env.NOTIFICATIONS_FROM = saved;
  });

  it('sends from NOTIFICATIONS_FROM, read at call time, records SENT with the message id, and answers it', async () => {
    process.env.NOTIFICATIONS_FROM = 'shop@orders.example';
    const { effects, sent, claim } = world(claimed());
    await expect(sendEmail(input, effects)).resolves.toEqual({ messageId: 'msg-0', sentAt: '2026-11-23T12:00:01.000Z' });
    expect(sent).toEqual([{ from: 'shop@orders.example', to: 'grace@example.com', subject: 'S', text: 'T', html: 'H' }]);
    expect(claim()).toMatchObject({ status: 'SENT', providerMessageId: 'msg-0', sentAt: '2026-11-23T12:00:01.000Z' });
  });

  it(`defaults the sender to ${DEFAULT_FROM}`, async () => {
    delete process.env.NOTIFICATIONS_FROM;
    const { effects, sent } = world(claimed());
    await sendEmail(input, effects);
    expect(sent[0]!.from).toBe('orders@shop.example');
  });

  it('counts an e-mail sent by its outcome once SES accepted it, not when run again, nor when SES refused it', async () => {
    const { effects } = world(claimed());
    const refused = world(claimed(), async () => Promise.reject(new EmailRejected('address blocked')));
    const { metrics } = await captureMetrics(async () => {
      await sendEmail(input, effects);
      await sendEmail(input, effects);
      await expect(sendEmail(input, refused.effects)).rejects.toThrow('address blocked');
    });
    expect(metrics.map((m) => [m.name, m.value, m.dimensions.outcome])).toEqual([['EmailsSent', 1, 'CONFIRMED']]);
  });

  it('run again after its outcome was lost, answers the recorded e-mail and sends nothing', async () => {
    const { effects, sent } = world(claimed());
    const first = await sendEmail(input, effects);
    await expect(sendEmail(input, { ...effects, now: () => new Date('2026-11-23T12:09:00Z') })).resolves.toEqual(first);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['another execution holds the claim', claimed('arn:other')],
    ['there is no claim', undefined],
  ])('%s: ClaimNotHeld, nothing sent', async (_, claim) => {
    const { effects, sent } = world(claim);
    await expect(sendEmail(input, effects)).rejects.toBeInstanceOf(ClaimNotHeld);
    expect(sent).toEqual([]);
  });

  it('SES refusing leaves the claim CLAIMED (the saga releases it) and throws the refusal', async () => {
    const { effects, claim } = world(claimed(), async () => {
      throw new EmailRejected('MessageRejected: no');
    });
    await expect(sendEmail(input, effects)).rejects.toBeInstanceOf(EmailRejected);
    expect(claim()!.status).toBe('CLAIMED');
  });
});
