import {
  AlreadyExistsException,
  BadRequestException,
  CreateEmailTemplateCommand,
  DeleteEmailTemplateCommand,
  GetEmailTemplateCommand,
  NotFoundException,
  SendEmailCommand,
  SESv2Client,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { Cloud, type CloudActivity } from '../cloud';
import { localClientConfig, serveRestForTest } from '../schemas/rest-test-server';
import { createSesRestService, SENT_EMAILS_PATH, type SesRestService } from './ses-rest';

const simple = (overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
  FromEmailAddress: 'Shop <shop@example.com>',
  Destination: { ToAddresses: ['jane@example.com'], CcAddresses: ['ops@example.com'], BccAddresses: ['audit@example.com'] },
  Content: { Simple: { Subject: { Data: 'Your order' }, Body: { Text: { Data: 'Thanks!' }, Html: { Data: '<p>Thanks!</p>' } } } },
  ...overrides,
});

describe('SES v2 capture through @aws-sdk/client-sesv2', () => {
  const cloud = new Cloud();
  const activity: CloudActivity[] = [];
  cloud.monitor.on('activity', (a: CloudActivity) => activity.push(a));
  let ses: SesRestService;
  let server: Awaited<ReturnType<typeof serveRestForTest>>;
  let client: SESv2Client;

  beforeAll(async () => {
    ses = createSesRestService(cloud);
    server = await serveRestForTest(ses.handle);
    client = new SESv2Client(localClientConfig(server.endpoint));
  });

  beforeEach(() => ses.service.clearSentEmails());

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('captures a Simple e-mail and answers its MessageId', async () => {
    const { MessageId } = await client.send(new SendEmailCommand(simple({ EmailTags: [{ Name: 'flow', Value: 'checkout' }] })));
    expect(MessageId).toMatch(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/);
    const [email, ...others] = ses.service.listSentEmails();
    expect(others).toEqual([]);
    expect(email).toMatchObject({
      messageId: MessageId,
      kind: 'Simple',
      from: 'Shop <shop@example.com>',
      to: ['jane@example.com'],
      cc: ['ops@example.com'],
      bcc: ['audit@example.com'],
      subject: 'Your order',
      text: 'Thanks!',
      html: '<p>Thanks!</p>',
      tags: { flow: 'checkout' },
    });
    expect(Number.isNaN(Date.parse(email!.time))).toBe(false);
    expect(activity).toContainEqual(
      expect.objectContaining({ service: 'ses', type: 'email.sent', messageId: MessageId, subject: 'Your order', to: ['jane@example.com', 'ops@example.com', 'audit@example.com'] }),
    );
  });

  it('rejects a missing or invalid sender or recipient with BadRequestException', async () => {
    const refused = (input: SendEmailCommandInput) => client.send(new SendEmailCommand(input));
    await expect(refused(simple({ FromEmailAddress: undefined }))).rejects.toThrow(/FromEmailAddress is required/);
    await expect(refused(simple({ FromEmailAddress: 'not-an-address' }))).rejects.toBeInstanceOf(BadRequestException);
    await expect(refused(simple({ Destination: undefined }))).rejects.toThrow(/at least one recipient/);
    await expect(refused(simple({ Destination: { ToAddresses: ['jane@example.com', 'jane@localhost'] } }))).rejects.toThrow(/Invalid address in Destination.ToAddresses: "jane@localhost"/);
    const many = Array.from({ length: 51 }, (_, i) => `user${i}@example.com`);
    await expect(refused(simple({ Destination: { ToAddresses: many } }))).rejects.toThrow(/51 recipients; at most 50/);
    await expect(refused(simple({ Content: {} }))).rejects.toThrow(/exactly one of Simple, Raw or Template/);
    await expect(refused(simple({ FromEmailAddress: 'x' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(ses.service.listSentEmails()).toEqual([]);
  });

  it('renders a stored template, HTML-escaping the values in the HTML part', async () => {
    await client.send(
      new CreateEmailTemplateCommand({
        TemplateName: 'OrderShipped',
        TemplateContent: { Subject: 'Order {{order.id}} shipped', Text: 'Hi {{name}}, see {{{url}}}', Html: '<p>Hi {{name}}</p>' },
      }),
    );
    await expect(
      client.send(new CreateEmailTemplateCommand({ TemplateName: 'OrderShipped', TemplateContent: { Subject: 'x' } })),
    ).rejects.toBeInstanceOf(AlreadyExistsException);
    const stored = await client.send(new GetEmailTemplateCommand({ TemplateName: 'OrderShipped' }));
    expect(stored.TemplateContent?.Subject).toBe('Order {{order.id}} shipped');

    await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'shop@example.com',
        Destination: { ToAddresses: ['jane@example.com'] },
        Content: { Template: { TemplateName: 'OrderShipped', TemplateData: JSON.stringify({ name: 'Jane & co', order: { id: 'o-42' }, url: 'https://x/?a=1' }) } },
      }),
    );
    expect(ses.service.listSentEmails()[0]).toMatchObject({
      kind: 'Template',
      subject: 'Order o-42 shipped',
      text: 'Hi Jane & co, see https://x/?a=1',
      html: '<p>Hi Jane &amp; co</p>',
      template: { name: 'OrderShipped', data: { name: 'Jane & co', order: { id: 'o-42' }, url: 'https://x/?a=1' } },
    });

    await client.send(new DeleteEmailTemplateCommand({ TemplateName: 'OrderShipped' }));
    await expect(
      client.send(new SendEmailCommand({ FromEmailAddress: 'shop@example.com', Destination: { ToAddresses: ['jane@example.com'] }, Content: { Template: { TemplateName: 'OrderShipped' } } })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('renders an inline template', async () => {
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'shop@example.com',
        Destination: { ToAddresses: ['jane@example.com'] },
        Content: { Template: { TemplateContent: { Subject: 'Hello {{name}}', Text: 'Missing: [{{nothing}}]' }, TemplateData: '{"name":"Jane"}' } },
      }),
    );
    expect(ses.service.listSentEmails()[0]).toMatchObject({ subject: 'Hello Jane', text: 'Missing: []' });
  });

  it('reads a Raw MIME message: headers give the sender and recipients, bodies are decoded', async () => {
    const raw = [
      'From: "Shop, Inc." <shop@example.com>',
      'To: jane@example.com, "Doe, John" <john@example.com>',
      'Cc: ops@example.com',
      'Subject: =?utf-8?B?Q29tbWFuZGUgcmXDp3Vl?=',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Votre commande est re=C3=A7ue, merci =',
      'beaucoup.',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>Reçue</p>').toString('base64'),
      '--inner--',
      '--outer',
      'Content-Type: text/plain',
      'Content-Disposition: attachment; filename="invoice.txt"',
      '',
      'not the body',
      '--outer--',
      '',
    ].join('\r\n');

    const { MessageId } = await client.send(new SendEmailCommand({ Content: { Raw: { Data: Buffer.from(raw) } } }));
    expect(ses.service.listSentEmails()[0]).toMatchObject({
      messageId: MessageId,
      kind: 'Raw',
      from: '"Shop, Inc." <shop@example.com>',
      to: ['jane@example.com', '"Doe, John" <john@example.com>'],
      cc: ['ops@example.com'],
      subject: 'Commande reçue',
      text: 'Votre commande est reçue, merci beaucoup.',
      html: '<p>Reçue</p>',
      raw,
    });

    // An explicit Destination wins over the headers; a raw message without From needs FromEmailAddress.
    await client.send(new SendEmailCommand({ Destination: { BccAddresses: ['audit@example.com'] }, Content: { Raw: { Data: Buffer.from(raw) } } }));
    expect(ses.service.listSentEmails()[1]).toMatchObject({ to: [], bcc: ['audit@example.com'] });
    const noFrom = Buffer.from('To: jane@example.com\r\nSubject: hi\r\n\r\nbody');
    await expect(client.send(new SendEmailCommand({ Content: { Raw: { Data: noFrom } } }))).rejects.toThrow(/raw message has no From header/);
  });

  it('lists the captured e-mails by filter, and on the developer-tools route', async () => {
    await client.send(new SendEmailCommand(simple()));
    await client.send(new SendEmailCommand(simple({ Destination: { ToAddresses: ['Bob <BOB@example.com>'] }, Content: { Simple: { Subject: { Data: 'Refund issued' }, Body: { Text: { Data: 'x' } } } } })));

    expect(ses.service.listSentEmails({ to: 'bob@example.com' }).map((e) => e.subject)).toEqual(['Refund issued']);
    expect(ses.service.listSentEmails({ to: 'audit@example.com' }).map((e) => e.subject)).toEqual(['Your order']);
    expect(ses.service.listSentEmails({ subject: 'Refund' })).toHaveLength(1);
    expect(ses.service.listSentEmails({ from: 'shop@example.com' })).toHaveLength(2);
    expect(ses.service.listSentEmails({ since: new Date(Date.now() + 60_000) })).toEqual([]);

    const list = ses.localRoutes.find((r) => r.method === 'GET' && r.path === SENT_EMAILS_PATH)!;
    const answer = await list.handle({ method: 'GET', path: SENT_EMAILS_PATH, query: new URLSearchParams({ to: 'bob@example.com' }), headers: {}, body: Buffer.alloc(0) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(String(answer.body)).emails.map((e: { subject: string }) => e.subject)).toEqual(['Refund issued']);

    const clear = ses.localRoutes.find((r) => r.method === 'DELETE')!;
    await clear.handle({ method: 'DELETE', path: SENT_EMAILS_PATH, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) });
    expect(ses.service.listSentEmails()).toEqual([]);
  });
});
