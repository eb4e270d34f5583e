import type { OutgoingEmail } from '../../adapters/ses-email-sender';
import { DEFAULT_FROM, sendEmail } from './send-email';

const input = { recipient: 'grace@example.com', subject: 'S', text: 'T', html: 'H' };
const now = () => new Date('2026-11-23T12:00:01Z');

describe('sendEmail step', () => {
  const saved = process.env.NOTIFICATIONS_FROM;
  afterEach(() => {
    if (saved === undefined) delete process.env.NOTIFICATIONS_FROM;
    else process.env.NOTIFICATIONS_FROM = saved;
  });

  it('sends from NOTIFICATIONS_FROM, read at call time, and answers the message id and time', async () => {
    process.env.NOTIFICATIONS_FROM = 'shop@orders.example';
    const sent: OutgoingEmail[] = [];
    await expect(sendEmail(input, async (email) => (sent.push(email), 'msg-9'), now)).resolves.toEqual({ messageId: 'msg-9', sentAt: '2026-11-23T12:00:01.000Z' });
    expect(sent).toEqual([{ from: 'shop@orders.example', to: 'grace@example.com', subject: 'S', text: 'T', html: 'H' }]);
  });

  it(`defaults the sender to ${DEFAULT_FROM}`, async () => {
    delete process.env.NOTIFICATIONS_FROM;
    const sent: OutgoingEmail[] = [];
    await sendEmail(input, async (email) => (sent.push(email), 'msg-1'), now);
    expect(sent[0]!.from).toBe('orders@shop.example');
  });
});
