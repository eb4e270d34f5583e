import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { startLocalCloud, type LocalCloud } from '../index';
import { localClientConfig } from '../schemas/rest-test-server';

describe('SES v2 capture on the emulator endpoint', () => {
  let local: LocalCloud;
  let client: SESv2Client;

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0 });
    client = new SESv2Client(localClientConfig(local.url));
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
  });

  it('captures what SendEmail sends', async () => {
    const { MessageId } = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'shop@example.com',
        Destination: { ToAddresses: ['jane@example.com'] },
        Content: { Simple: { Subject: { Data: 'Order confirmed' }, Body: { Text: { Data: 'Thanks' } } } },
      }),
    );
    expect(local.ses.listSentEmails({ to: 'jane@example.com' })).toEqual([expect.objectContaining({ messageId: MessageId, subject: 'Order confirmed', text: 'Thanks' })]);
  });

  it('lists and clears the captured e-mails on the unsigned /_local/ses/emails route', async () => {
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'shop@example.com',
        Destination: { ToAddresses: ['route@example.com'] },
        Content: { Simple: { Subject: { Data: 'Your refund' }, Body: { Text: { Data: 'Refunded' } } } },
      }),
    );
    const listed = (await (await fetch(`${local.url}/_local/ses/emails?to=route@example.com`)).json()) as { emails: unknown[] };
    expect(listed.emails).toEqual([expect.objectContaining({ to: ['route@example.com'], subject: 'Your refund' })]);
    expect((await fetch(`${local.url}/_local/ses/emails`, { method: 'DELETE' })).status).toBeLessThan(300);
    expect(((await (await fetch(`${local.url}/_local/ses/emails`)).json()) as { emails: unknown[] }).emails).toEqual([]);
  });
});
