import { createHash, createHmac, timingSafeEqual, type BinaryLike } from 'node:crypto';
import type http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import type { AccessKeys } from './access-keys';
import type { Caller } from './authorize';

/**
 * Signature Version 4 verification: the signature of a request is computed again with the SDK's own signer
 * (@smithy/signature-v4), over the headers the client says it signed, with the secret of its key id, and compared in
 * constant time. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
 */

export interface IncomingSignedRequest {
  method: string;
  /** The request target as sent (path and query, still percent-encoded). */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Why a request is refused before any policy is looked at; each service answers each with its own code (auth-errors.ts). */
export type SignatureFailure =
  | { reason: 'missing'; message: string }
  | { reason: 'incomplete'; message: string }
  | { reason: 'unknownKey'; message: string }
  | { reason: 'expiredToken'; message: string }
  | { reason: 'signatureExpired'; message: string }
  | { reason: 'mismatch'; message: string };

export type Verification = { ok: true; caller: Caller; accessKeyId: string } | { ok: false; failure: SignatureFailure };

/** AWS refuses a request whose time is more than 5 minutes from its own ("Signature expired" / RequestTimeTooSkewed). */
const MAX_SKEW_MS = 5 * 60 * 1000;
const ALGORITHM = 'AWS4-HMAC-SHA256';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export class SigV4Verifier {
  constructor(
    private readonly keys: AccessKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(request: IncomingSignedRequest): Promise<Verification> {
    const parsed = parseAuthorization(header(request.headers, 'authorization'));
    if ('failure' in parsed) return { ok: false, failure: parsed.failure };
    const lookup = this.keys.lookup(parsed.accessKeyId);
    if (!lookup.found) return { ok: false, failure: { reason: 'unknownKey', message: INVALID_TOKEN } };
    const { identity } = lookup;
    const sessionToken = header(request.headers, 'x-amz-security-token');
    if (identity.sessionToken !== undefined && !sameText(sessionToken ?? '', identity.sessionToken)) {
      return { ok: false, failure: { reason: 'unknownKey', message: INVALID_TOKEN } };
    }
    if (identity.expiration && identity.expiration.getTime() <= this.now()) {
      return { ok: false, failure: { reason: 'expiredToken', message: 'The security token included in the request is expired' } };
    }
    const amzDate = header(request.headers, 'x-amz-date');
    const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
    if (!signingDate || !amzDate!.startsWith(parsed.date)) {
      return { ok: false, failure: { reason: 'incomplete', message: `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${ALGORITHM}` } };
    }
    const skew = signingDate.getTime() - this.now();
    if (Math.abs(skew) > MAX_SKEW_MS) {
      const limit = new Date(this.now() + (skew > 0 ? MAX_SKEW_MS : -MAX_SKEW_MS));
      return {
        ok: false,
        failure: { reason: 'signatureExpired', message: `Signature expired: ${amzDate} is now ${skew > 0 ? 'later' : 'earlier'} than ${toAmzDate(limit)} (${toAmzDate(new Date(this.now()))} ${skew > 0 ? '+' : '-'} 5 min.)` },
      };
    }
    const claimedPayloadHash = header(request.headers, 'x-amz-content-sha256');
    if (claimedPayloadHash && claimedPayloadHash !== 'UNSIGNED-PAYLOAD' && claimedPayloadHash !== createHash('sha256').update(request.body).digest('hex')) {
      return { ok: false, failure: { reason: 'mismatch', message: MISMATCH } };
    }
    const expected = await this.signatureOf(request, parsed, signingDate, identity.secretAccessKey, sessionToken);
    if (!sameText(expected, parsed.signature)) return { ok: false, failure: { reason: 'mismatch', message: MISMATCH } };
    return { ok: true, caller: identity.caller, accessKeyId: parsed.accessKeyId };
  }

  private async signatureOf(request: IncomingSignedRequest, parsed: ParsedAuthorization, signingDate: Date, secretAccessKey: string, sessionToken: string | undefined): Promise<string> {
    const signer = new SignatureV4({
      service: parsed.service,
      region: parsed.region,
      credentials: { accessKeyId: parsed.accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      sha256: NodeSha256,
      // The hash of the body is its own header only when the client sent one (S3); it is checked above.
      applyChecksum: false,
    });
    const signedHeaders = new Set(parsed.signedHeaders);
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const question = request.url.indexOf('?');
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: headers.host ?? '',
        path: question < 0 ? request.url : request.url.slice(0, question),
        query: question < 0 ? {} : parseQuery(request.url.slice(question + 1)),
        headers,
        body: request.body,
      },
      { signingDate, signableHeaders: signedHeaders, signingRegion: parsed.region, signingService: parsed.service },
    );
    return /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  }
}

function parseAuthorization(value: string | undefined): ParsedAuthorization | { failure: SignatureFailure } {
  if (!value) return { failure: { reason: 'missing', message: 'Missing Authentication Token' } };
  const [algorithm, ...rest] = value.trim().split(/\s+/);
  if (algorithm !== ALGORITHM) return { failure: { reason: 'incomplete', message: `Unsupported authorization type: ${algorithm}; only ${ALGORITHM} (Signature Version 4) is accepted` } };
  const fields = Object.fromEntries(
    rest
      .join('')
      .split(',')
      .map((part) => {
        const equals = part.indexOf('=');
        return [part.slice(0, equals).trim(), part.slice(equals + 1).trim()];
      }),
  );
  const scope = String(fields.Credential ?? '').split('/');
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields[name]);
  if (missing.length > 0 || scope.length !== 5 || scope[4] !== 'aws4_request') {
    const what = missing.length > 0 ? missing.map((name) => `'${name}'`).join(', ') : "a Credential of the form 'key/date/region/service/aws4_request'";
    return { failure: { reason: 'incomplete', message: `Authorization header requires ${what} parameter. Authorization=${value}` } };
  }
  const [accessKeyId, date, region, service] = scope as [string, string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: String(fields.SignedHeaders).split(';'), signature: String(fields.Signature) };
}

/** The query as the signer takes it: decoded names and values, repeated names as lists. */
function parseQuery(query: string): Record<string, string | string[]> {
  const parsed: Record<string, string | string[]> = {};
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const name = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    const existing = parsed[name];
    parsed[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return parsed;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `20261202T013000Z` */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hours, minutes, seconds] = match.map(Number) as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!));
}

const toAmzDate = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The signer's hash, on node:crypto (what @smithy/hash-node does). */
export class NodeSha256 implements Checksum {
  private hash;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

function bytes(data: SourceData): BinaryLike {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}
