import { splitAddressList } from './email-address';

/**
 * Reads what the captured-mail view needs out of a raw MIME message (SendEmail `Content.Raw`): the
 * address and subject headers, and the first text/plain and text/html bodies, decoded. Attachments
 * are skipped. https://docs.aws.amazon.com/ses/latest/dg/send-email-raw.html
 */

export interface RawMessageSummary {
  from?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject?: string;
  text?: string;
  html?: string;
}

interface Entity {
  /** Lower-cased header name → unfolded value (first occurrence). */
  headers: Map<string, string>;
  /** The body as latin1, one character per byte, so it can be decoded in its own charset. */
  body: string;
}

function splitEntity(source: string): Entity {
  const end = /\r?\n\r?\n/.exec(source);
  const head = end ? source.slice(0, end.index) : source;
  const body = end ? source.slice(end.index + end[0].length) : '';
  const headers = new Map<string, string>();
  // Unfold continuation lines (RFC 5322 §2.2.3), then read `Name: value`.
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** `text/plain; charset="utf-8"` → type and lower-cased parameters. */
function contentType(header: string | undefined): { type: string; params: Map<string, string> } {
  const [type = 'text/plain', ...rest] = (header ?? 'text/plain').split(';');
  const params = new Map<string, string>();
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq > 0) params.set(param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return { type: type.trim().toLowerCase(), params };
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function decodeQuotedPrintable(latin1: string): Buffer {
  const unwrapped = latin1.replace(/=\r?\n/g, '');
  return Buffer.from(unwrapped.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

function decodeBody(entity: Entity, charset: string | undefined): string {
  const encoding = (entity.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(entity.body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(entity.body)
        : Buffer.from(entity.body, 'latin1');
  return decodeCharset(bytes, charset);
}

/** A header's text: raw 8-bit bytes read as UTF-8, then RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?utf-8?Q?...?=`) decoded. */
function decodeHeader(latin1: string | undefined): string | undefined {
  if (latin1 === undefined) return undefined;
  return Buffer.from(latin1, 'latin1')
    .toString('utf8')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, kind: string, text: string) =>
      decodeCharset(kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' ')), charset),
    );
}

function collectBodies(entity: Entity, summary: RawMessageSummary): void {
  const { type, params } = contentType(entity.headers.get('content-type'));
  const attachment = /^attachment/i.test(entity.headers.get('content-disposition') ?? '');
  if (type.startsWith('multipart/')) {
    const boundary = params.get('boundary');
    if (!boundary) return;
    const delimiter = `--${boundary}`;
    const sections = entity.body.split(new RegExp(`\\r?\\n?${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // sections[0] is the preamble; a section starting with `--` is the closing delimiter and epilogue.
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      collectBodies(splitEntity(section.replace(/^[ \t]*\r?\n/, '')), summary);
    }
  } else if (!attachment && type === 'text/plain' && summary.text === undefined) {
    summary.text = decodeBody(entity, params.get('charset'));
  } else if (!attachment && type === 'text/html' && summary.html === undefined) {
    summary.html = decodeBody(entity, params.get('charset'));
  }
}

export function parseRawMessage(raw: Buffer): RawMessageSummary {
  const message = splitEntity(raw.toString('latin1'));
  const header = (name: string) => decodeHeader(message.headers.get(name));
  const summary: RawMessageSummary = {
    from: header('from'),
    to: splitAddressList(header('to')),
    cc: splitAddressList(header('cc')),
    bcc: splitAddressList(header('bcc')),
    replyTo: splitAddressList(header('reply-to')),
    subject: header('subject'),
  };
  collectBodies(message, summary);
  return summary;
}
