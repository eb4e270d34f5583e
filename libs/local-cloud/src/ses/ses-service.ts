import { randomUUID } from 'node:crypto';
import type { Cloud } from '../cloud';
import { AwsError } from '../errors';
import { addressOf, isValidMailbox } from './email-address';
import { renderTemplate } from './email-template';
import { parseRawMessage, type RawMessageSummary } from './raw-message';

/**
 * SES v2 that sends nothing: SendEmail validates the request as SES does and captures the e-mail in
 * memory, for tests and the developer tools to read. Stored templates (Create/Get/Update/DeleteEmailTemplate)
 * are kept so that templated sends render. https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 */

export interface SentEmail extends Omit<RawMessageSummary, 'from'> {
  messageId: string;
  /** ISO-8601 time of the SendEmail call. */
  time: string;
  from: string;
  /** Which SendEmail content it came from. */
  kind: 'Simple' | 'Raw' | 'Template';
  template?: { name?: string; data?: unknown };
  /** The raw MIME message, for Raw content. */
  raw?: string;
  tags: Record<string, string>;
  configurationSetName?: string;
}

export interface SentEmailFilter {
  /** A recipient (To, Cc or Bcc), compared by address, case-insensitively. */
  to?: string;
  from?: string;
  /** A substring of the subject. */
  subject?: string;
  messageId?: string;
  /** Only e-mails sent at or after this time. */
  since?: Date | string;
}

interface TemplateContent {
  Subject?: string;
  Text?: string;
  Html?: string;
}

// "The combined number of To:, CC: and BCC: email addresses cannot exceed 50."
// https://docs.aws.amazon.com/ses/latest/dg/quotas.html
const MAX_RECIPIENTS = 50;

const badRequest = (message: string) => new AwsError('BadRequestException', message, 400);
const notFound = (message: string) => new AwsError('NotFoundException', message, 404);

function stringList(value: unknown, member: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest(`${member} must be a list of e-mail addresses.`);
  return value;
}

function checkMailboxes(mailboxes: string[], member: string): void {
  const invalid = mailboxes.find((m) => !isValidMailbox(m));
  if (invalid !== undefined) throw badRequest(`Invalid address in ${member}: "${invalid}" is not UserName@[SubDomain.]Domain.TopLevelDomain.`);
}

/**
 * The fault plan's `ses`: SendEmail throttled, or the message rejected
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html#API_SendEmail_Errors).
 */
const SEND_REFUSALS = [
  { name: 'TooManyRequestsException', statusCode: 429, message: 'Maximum sending rate exceeded.' },
  { name: 'MessageRejected', statusCode: 400, message: 'Email address is not verified. The following identities failed the check: the sender.' },
] as const;

/** SES message ids look like `010001...-<uuid>-000000`. */
const newMessageId = () => `0100${Date.now().toString(16).padStart(12, '0')}-${randomUUID()}-000000`;

export class SesService {
  private readonly sent: SentEmail[] = [];
  private readonly templates = new Map<string, { content: TemplateContent; tags: unknown[] }>();

  constructor(private readonly cloud: Cloud) {}

  async dispatch(operation: string, input: any): Promise<unknown> {
    switch (operation) {
      case 'SendEmail':
        return this.sendEmail(input);
      case 'CreateEmailTemplate':
        return this.createEmailTemplate(input);
      case 'GetEmailTemplate':
        return this.getEmailTemplate(input);
      case 'UpdateEmailTemplate':
        return this.updateEmailTemplate(input);
      case 'DeleteEmailTemplate':
        return this.deleteEmailTemplate(input);
      default:
        throw badRequest(`${operation} is not supported by the local SES.`);
    }
  }

  /** The captured e-mails, oldest first. */
  listSentEmails(filter: SentEmailFilter = {}): SentEmail[] {
    const since = filter.since === undefined ? undefined : new Date(filter.since).getTime();
    const recipient = filter.to === undefined ? undefined : addressOf(filter.to);
    return this.sent.filter(
      (email) =>
        (recipient === undefined || [...email.to, ...email.cc, ...email.bcc].some((m) => addressOf(m) === recipient)) &&
        (filter.from === undefined || addressOf(email.from) === addressOf(filter.from)) &&
        (filter.subject === undefined || (email.subject ?? '').includes(filter.subject)) &&
        (filter.messageId === undefined || email.messageId === filter.messageId) &&
        (since === undefined || Date.parse(email.time) >= since),
    );
  }

  clearSentEmails(): void {
    this.sent.length = 0;
  }

  private sendEmail(input: any): { MessageId: string } {
    const addressed: unknown[] = Array.isArray(input?.Destination?.ToAddresses) ? input.Destination.ToAddresses : [];
    const site = { names: [input?.FromEmailAddress, ...addressed.map(String)], context: { from: input?.FromEmailAddress, to: addressed } };
    const refusal = this.cloud.faults.pick('ses', site, SEND_REFUSALS);
    if (refusal) throw new AwsError(refusal.name, refusal.message, refusal.statusCode);
    const content = input.Content;
    const kinds = (['Simple', 'Raw', 'Template'] as const).filter((kind) => content?.[kind] !== undefined);
    if (kinds.length !== 1) throw badRequest('Content must contain exactly one of Simple, Raw or Template.');
    const kind = kinds[0]!;

    const destination = input.Destination ?? {};
    let to = stringList(destination.ToAddresses, 'Destination.ToAddresses');
    let cc = stringList(destination.CcAddresses, 'Destination.CcAddresses');
    let bcc = stringList(destination.BccAddresses, 'Destination.BccAddresses');
    let from: string | undefined = input.FromEmailAddress;
    let replyTo = stringList(input.ReplyToAddresses, 'ReplyToAddresses');
    let body: Pick<SentEmail, 'subject' | 'text' | 'html' | 'template' | 'raw'>;

    if (kind === 'Raw') {
      if (typeof content.Raw.Data !== 'string') throw badRequest('Content.Raw.Data is required.');
      const raw = Buffer.from(content.Raw.Data, 'base64');
      const message = parseRawMessage(raw);
      // Without a Destination (or FromEmailAddress) SES takes them from the message's own headers.
      if (input.Destination === undefined) ({ to, cc, bcc } = message);
      from ??= message.from;
      if (replyTo.length === 0) replyTo = message.replyTo;
      body = { subject: message.subject, text: message.text, html: message.html, raw: raw.toString('utf8') };
    } else if (kind === 'Simple') {
      const simple = content.Simple;
      if (typeof simple.Subject?.Data !== 'string') throw badRequest('Content.Simple.Subject.Data is required.');
      if (simple.Body === undefined) throw badRequest('Content.Simple.Body is required.');
      body = { subject: simple.Subject.Data, text: simple.Body.Text?.Data, html: simple.Body.Html?.Data };
    } else {
      body = this.renderTemplated(content.Template);
    }

    if (typeof from !== 'string' || from === '') {
      throw badRequest(kind === 'Raw' ? 'FromEmailAddress is required when the raw message has no From header.' : 'FromEmailAddress is required.');
    }
    checkMailboxes([from], 'FromEmailAddress');
    const recipients = to.length + cc.length + bcc.length;
    if (recipients === 0) throw badRequest('The message needs at least one recipient (Destination.ToAddresses, CcAddresses or BccAddresses).');
    if (recipients > MAX_RECIPIENTS) throw badRequest(`The message has ${recipients} recipients; at most ${MAX_RECIPIENTS} are allowed.`);
    checkMailboxes(to, 'Destination.ToAddresses');
    checkMailboxes(cc, 'Destination.CcAddresses');
    checkMailboxes(bcc, 'Destination.BccAddresses');
    checkMailboxes(replyTo, 'ReplyToAddresses');

    const messageId = newMessageId();
    const email: SentEmail = {
      messageId,
      time: new Date().toISOString(),
      from,
      to,
      cc,
      bcc,
      replyTo,
      ...body,
      kind,
      tags: Object.fromEntries(stringTags(input.EmailTags)),
      configurationSetName: input.ConfigurationSetName,
    };
    this.sent.push(email);
    // SES bills each recipient of a message as one e-mail (https://aws.amazon.com/ses/pricing/).
    this.cloud.usage.emailSent(from, to.length + cc.length + bcc.length);
    this.cloud.record({ service: 'ses', type: 'email.sent', to: [...to, ...cc, ...bcc], subject: email.subject, messageId });
    return { MessageId: messageId };
  }

  private renderTemplated(template: any): Pick<SentEmail, 'subject' | 'text' | 'html' | 'template'> {
    let content: TemplateContent;
    let name: string | undefined;
    if (template.TemplateContent !== undefined) content = template.TemplateContent;
    else {
      // A TemplateArn ends with `template/<name>`.
      name = template.TemplateName ?? String(template.TemplateArn ?? '').split('/').pop();
      if (!name) throw badRequest('Content.Template needs a TemplateName, TemplateArn or TemplateContent.');
      const stored = this.templates.get(name);
      if (!stored) throw notFound(`Template ${name} does not exist.`);
      content = stored.content;
    }
    let data: unknown = {};
    if (template.TemplateData !== undefined) {
      try {
        data = JSON.parse(template.TemplateData);
      } catch {
        throw badRequest('Content.Template.TemplateData must be a JSON object.');
      }
    }
    return {
      subject: content.Subject === undefined ? undefined : renderTemplate(content.Subject, data, false),
      text: content.Text === undefined ? undefined : renderTemplate(content.Text, data, false),
      html: content.Html === undefined ? undefined : renderTemplate(content.Html, data, true),
      template: { name, data },
    };
  }

  private templateInput(input: any): { name: string; content: TemplateContent } {
    if (typeof input.TemplateName !== 'string' || input.TemplateName === '') throw badRequest('TemplateName is required.');
    if (typeof input.TemplateContent !== 'object' || input.TemplateContent === null) throw badRequest('TemplateContent is required.');
    return { name: input.TemplateName, content: input.TemplateContent };
  }

  private createEmailTemplate(input: any): Record<string, never> {
    const { name, content } = this.templateInput(input);
    if (this.templates.has(name)) throw new AwsError('AlreadyExistsException', `Template ${name} already exists.`, 400);
    this.templates.set(name, { content, tags: input.Tags ?? [] });
    return {};
  }

  private getEmailTemplate(input: any) {
    const stored = this.templates.get(input.TemplateName);
    if (!stored) throw notFound(`Template ${input.TemplateName} does not exist.`);
    return { TemplateName: input.TemplateName, TemplateContent: stored.content, Tags: stored.tags };
  }

  private updateEmailTemplate(input: any): Record<string, never> {
    const { name, content } = this.templateInput(input);
    const stored = this.templates.get(name);
    if (!stored) throw notFound(`Template ${name} does not exist.`);
    stored.content = content;
    return {};
  }

  private deleteEmailTemplate(input: any): Record<string, never> {
    if (!this.templates.delete(input.TemplateName)) throw notFound(`Template ${input.TemplateName} does not exist.`);
    return {};
  }
}

function stringTags(tags: unknown): Array<[string, string]> {
  return Array.isArray(tags) ? tags.map((tag: { Name: string; Value: string }) => [tag.Name, tag.Value]) : [];
}
