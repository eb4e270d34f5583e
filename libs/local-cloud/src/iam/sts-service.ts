import { createHash } from 'node:crypto';
import { queryProtocolHandler } from '../aws-query';
import { AwsError } from '../errors';
import type { RestRequest, RestResponse } from '../protocol';
import type { AccessKeys } from './access-keys';
import type { Caller } from './authorize';

/**
 * STS on the endpoint, in the query protocol the SDK and the CLI speak to it (https://docs.aws.amazon.com/STS/latest/APIReference/):
 * GetCallerIdentity and AssumeRole. The administrator may assume any role the emulator has loaded (locally it is
 * trusted by every role, so a developer can act as any function's role); a role session needs `sts:AssumeRole`, which
 * the request guard asks the evaluator before this runs.
 */

export interface RoleDirectory {
  has(roleArn: string): boolean;
}

export interface StsOptions {
  accountId: string;
  keys: AccessKeys;
  roles: RoleDirectory;
  /** Who signed the request being served (RequestGuard.caller). */
  caller(): Caller;
  now?: () => number;
}

const XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const DEFAULT_DURATION_SECONDS = 3600;
const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 43_200;

export class StsService {
  constructor(private readonly options: StsOptions) {}

  async dispatch(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'GetCallerIdentity':
        return this.getCallerIdentity();
      case 'AssumeRole':
        return this.assumeRole(input);
      default:
        throw new AwsError('InvalidAction', `The local STS does not emulate ${operation}: only GetCallerIdentity and AssumeRole.`);
    }
  }

  private getCallerIdentity() {
    const caller = this.options.caller();
    const { accountId } = this.options;
    if (caller.kind === 'role') {
      return { UserId: `${roleId(caller.roleArn)}:${caller.sessionName}`, Account: accountId, Arn: sessionArn(accountId, caller.roleArn, caller.sessionName) };
    }
    return { UserId: accountId, Account: accountId, Arn: `arn:aws:iam::${accountId}:root` };
  }

  private assumeRole(input: Record<string, unknown>) {
    const roleArn = required(input, 'RoleArn');
    const sessionName = required(input, 'RoleSessionName');
    if (!SESSION_NAME.test(sessionName)) {
      throw validation(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`);
    }
    const duration = input.DurationSeconds === undefined ? DEFAULT_DURATION_SECONDS : Number(input.DurationSeconds);
    if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS || duration > MAX_DURATION_SECONDS) {
      throw validation(`Value '${String(input.DurationSeconds)}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${MIN_DURATION_SECONDS} and ${MAX_DURATION_SECONDS}`);
    }
    if (!this.options.roles.has(roleArn)) {
      // AWS does not say whether the role exists; the local answer says why, after AWS's own words.
      const caller = this.options.caller();
      const who = caller.kind === 'role' ? sessionArn(this.options.accountId, caller.roleArn, caller.sessionName) : `arn:aws:iam::${this.options.accountId}:root`;
      throw new AwsError('AccessDenied', `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} (no role with this ARN is loaded locally)`, 403, 'AccessDenied');
    }
    const expiration = new Date((this.options.now ?? Date.now)() + duration * 1000);
    const credentials = this.options.keys.issue(roleArn, sessionName, expiration);
    return {
      Credentials: credentials,
      AssumedRoleUser: { AssumedRoleId: `${roleId(roleArn)}:${sessionName}`, Arn: sessionArn(this.options.accountId, roleArn, sessionName) },
    };
  }
}

/** STS's query protocol; `dispatch` is the StsService's, authorized by the request guard. */
export function stsQueryHandler(dispatch: (operation: string, input: Record<string, unknown>) => Promise<unknown>): (request: RestRequest) => Promise<RestResponse> {
  return queryProtocolHandler({ xmlNamespace: XML_NAMESPACE, dispatch, serviceName: 'sts' });
}

/** `arn:aws:sts::<account>:assumed-role/<role name>/<session>`: the ARN of a role session. */
export function sessionArn(accountId: string, roleArn: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleArn.slice(roleArn.lastIndexOf('/') + 1)}/${sessionName}`;
}

/** A role's unique id (AROA…), stable for its ARN. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids */
function roleId(roleArn: string): string {
  return `AROA${createHash('sha256').update(roleArn).digest('hex').slice(0, 17).toUpperCase()}`;
}

function required(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') throw validation(`Value null at '${member[0]!.toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

const validation = (problem: string) => new AwsError('ValidationError', `1 validation error detected: ${problem}`);
