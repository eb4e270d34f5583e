import { parse as parseContentType } from 'content-type';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A problem with one field of a request, as every HTTP answer of the shop names it. */
export interface FieldError {
  field: string;
  message: string;
}

/** How much body a route takes. Every route's limit is listed in the README ("Bad input"). */
export interface BodyLimits {
  /** The most UTF-8 bytes the decoded body may have. */
  maxBytes: number;
  /** The deepest nesting of arrays and objects (default MAX_JSON_DEPTH). */
  maxDepth?: number;
}

/**
 * No request of the shop nests deeper than 3 (`{"items": [{...}]}`). The limit is checked on the text before it is
 * parsed, so a body of thousands of `[` costs one pass over its bytes, not a parser's recursion.
 */
export const MAX_JSON_DEPTH = 8;

export const ACCEPTED_CONTENT_TYPE = 'application/json';

/** The answer to a body the route cannot take: 400, 413 or 415, with the problem named. */
export interface BodyRejection {
  statusCode: 400 | 413 | 415;
  body: { message: string; errors: FieldError[] };
}

export type BodyRead = { ok: true; value: unknown } | { ok: false; rejection: BodyRejection };

const reject = (statusCode: BodyRejection['statusCode'], field: string, message: string): BodyRead => ({
  ok: false,
  rejection: { statusCode, body: { message: `${field} ${message}`, errors: [{ field, message }] } },
});

/** `application/json`, with at most a UTF-8 charset (RFC 8259 §8.1: JSON exchanged between systems is UTF-8). */
function contentTypeError(header: string | undefined): string | undefined {
  const wanted = `must be ${ACCEPTED_CONTENT_TYPE} (charset utf-8 allowed)`;
  if (header === undefined) return `is missing: ${wanted}`;
  try {
    const { type, parameters } = parseContentType(header);
    if (type !== ACCEPTED_CONTENT_TYPE) return `${type} is not accepted: ${wanted}`;
    if (parameters.charset !== undefined && parameters.charset.toLowerCase() !== 'utf-8') return `charset ${parameters.charset} is not accepted: ${wanted}`;
    return undefined;
  } catch {
    return `"${header}" is not a media type: ${wanted}`;
  }
}

/** The deepest nesting of arrays and objects in JSON text, counted without parsing; stops as soon as it passes `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Reads a POST or PUT body the way every route of the shop takes one, before anything is stored: the content type
 * (415), the size of the decoded body (413), its nesting depth (400) and its JSON (400). Each answer names the problem
 * and the limit. Header names arrive lower-cased in API Gateway's payload format 2.0.
 */
export function readJsonBody(event: Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>, limits: BodyLimits): BodyRead {
  const typeError = contentTypeError(event.headers?.['content-type']);
  if (typeError) return reject(415, 'content-type', typeError);
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > limits.maxBytes) return reject(413, 'body', `is ${bytes.length} bytes: at most ${limits.maxBytes} bytes`);
  const text = bytes.toString('utf8');
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  if (jsonDepthExceeds(text, maxDepth)) return reject(400, 'body', `nests deeper than ${maxDepth} levels of arrays and objects`);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return reject(400, 'body', 'is not JSON');
  }
}
