import { randomBytes } from 'node:crypto';
import type { Caller } from './authorize';

/**
 * The access keys the endpoint accepts, and who each one is.
 *
 * - Keys the emulator issues (STS AssumeRole, and each function's execution-role session) are temporary security
 *   credentials as STS hands them out: an `ASIA…` key id, a 40-character secret and a session token, bound to a role
 *   and a session name. A request signed with one must carry its session token; an AssumeRole session expires.
 * - Any other key id is an access key of the account's administrator (the README's `test`/`test`, the tools' own).
 *   Its secret is the key id itself, so every signature is still checked: a request signed with another secret is
 *   refused as AWS refuses it (SignatureDoesNotMatch), and real AWS credentials never work here by accident.
 *   An `ASIA…` key the emulator did not issue (a restarted emulator's, a real session's) is unknown, as on AWS.
 */

export interface SigningIdentity {
  caller: Caller;
  secretAccessKey: string;
  /** Required on the request (X-Amz-Security-Token) for temporary credentials. */
  sessionToken?: string;
  /** After it, requests are refused with ExpiredToken. */
  expiration?: Date;
}

export interface TemporaryCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration?: Date;
}

export type KeyLookup = { found: true; identity: SigningIdentity } | { found: false };

/** STS's temporary key ids start with ASIA: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes */
const TEMPORARY_KEY_PREFIX = 'ASIA';
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class AccessKeys {
  private readonly issued = new Map<string, SigningIdentity>();

  lookup(accessKeyId: string): KeyLookup {
    const identity = this.issued.get(accessKeyId);
    if (identity) return { found: true, identity };
    if (accessKeyId.startsWith(TEMPORARY_KEY_PREFIX) || accessKeyId.length === 0) return { found: false };
    return { found: true, identity: { caller: { kind: 'administrator' }, secretAccessKey: accessKeyId } };
  }

  /** New temporary credentials for a role session; `expiration` absent for a function's, which last as long as the emulator. */
  issue(roleArn: string, sessionName: string, expiration?: Date): TemporaryCredentials {
    const accessKeyId = TEMPORARY_KEY_PREFIX + randomKeyId(16);
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(96).toString('base64');
    this.issued.set(accessKeyId, { caller: { kind: 'role', roleArn, sessionName }, secretAccessKey, sessionToken, expiration });
    return { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken, ...(expiration ? { Expiration: expiration } : {}) };
  }
}

function randomKeyId(length: number): string {
  return [...randomBytes(length)].map((byte) => KEY_ID_ALPHABET[byte % KEY_ID_ALPHABET.length]).join('');
}
