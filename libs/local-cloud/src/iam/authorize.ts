import { runUnsafeSimulation, type EvaluationResult } from '@cloud-copilot/iam-simulate';
import { accessDeniedMessage, type DeniedBy } from './access-denied';
import type { PolicyDocument } from './policy-document';
import type { NamedPolicy, PolicyStore } from './policy-store';

export type Caller =
  /** Credentials bound to no role (the README's test/test): the account's administrator. */
  | { kind: 'administrator' }
  /** A function, a state machine, a rule target's or a schedule's role. */
  | { kind: 'role'; roleArn: string; sessionName: string }
  /** An AWS service acting on its own behalf, e.g. `events.amazonaws.com` sending to a rule's queue. */
  | { kind: 'service'; principal: string; sourceArn?: string; sourceAccount?: string };

export interface AuthorizationRequest {
  caller: Caller;
  action: string;
  resource: string;
  /** The request's own condition keys (`events:source`, ...); the principal's global keys are added. */
  context?: Record<string, string | string[]>;
}

export type Decision = { allowed: true } | { allowed: false; explicitDeny: boolean; message: string };

export interface Authorizer {
  authorize(request: AuthorizationRequest): Decision;
  enabled: boolean;
}

const ALLOWED: Decision = { allowed: true };
// AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess): what credentials bound to no role may do.
const ADMINISTRATOR_ACCESS: NamedPolicy = { name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
// Every request's decision is kept until a policy changes; past this many distinct requests the cache starts again
// (a context key such as a time would otherwise grow it without end).
const MAX_CACHED_DECISIONS = 10_000;

/**
 * Decides requests as IAM does within one account, with @cloud-copilot/iam-simulate: allowed when an identity policy
 * or the resource policy allows and no policy denies explicitly
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html).
 * There are no SCPs, RCPs, permission boundaries or session policies locally. Decisions are cached per request until
 * the policy model changes: the authorizer is on every request's path.
 */
export class PolicyAuthorizer implements Authorizer {
  /**
   * Keyed by the role, not the session: no global key this model sets depends on the session name, and Step Functions
   * and the functions start a session per execution or invocation, which would miss the cache every time. Only a
   * denial's message names the session.
   */
  private readonly verdicts = new Map<string, DeniedBy | 'allowed'>();
  private cachedRevision = -1;

  constructor(
    readonly policies: PolicyStore,
    private readonly accountId: string,
    /** Off: every request is allowed (LOCAL_CLOUD_IAM=off, startLocalCloud({ iam: false })). */
    public enabled = true,
  ) {}

  authorize(request: AuthorizationRequest): Decision {
    if (!this.enabled) return ALLOWED;
    if (this.cachedRevision !== this.policies.revision || this.verdicts.size >= MAX_CACHED_DECISIONS) {
      this.verdicts.clear();
      this.cachedRevision = this.policies.revision;
    }
    const key = `${callerKey(request.caller)}\n${request.action}\n${request.resource}\n${request.context ? JSON.stringify(request.context) : ''}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = this.evaluate(request);
      this.verdicts.set(key, verdict);
    }
    if (verdict === 'allowed') return ALLOWED;
    return { allowed: false, explicitDeny: verdict.explicit, message: accessDeniedMessage(this.principalOf(request.caller), request.action, request.resource, verdict) };
  }

  private evaluate({ caller, action, resource, context = {} }: AuthorizationRequest): DeniedBy | 'allowed' {
    const principal = this.principalOf(caller);
    const identityPolicies = this.identityPoliciesOf(caller);
    const resourcePolicy = this.policies.resourcePolicyOf(resource);
    const contextVariables = { ...this.globalKeysOf(caller), ...context };
    const simulate = (policy: PolicyDocument | undefined): EvaluationResult =>
      runUnsafeSimulation(
        {
          request: { principal, action, resource: { resource, accountId: accountOf(resource) ?? this.accountId }, contextVariables },
          identityPolicies,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: policy,
        },
        {},
      );
    const result = simulate(resourcePolicy);
    if (result === 'Allowed') return 'allowed';
    const explicit = result === 'ExplicitlyDenied';
    // Which kind of policy denied explicitly: the same request without the resource policy tells.
    if (explicit) return { explicit, policyType: resourcePolicy && simulate(undefined) !== 'ExplicitlyDenied' ? 'resource-based' : 'identity-based' };
    return { explicit, policyType: caller.kind === 'service' ? 'resource-based' : 'identity-based' };
  }

  /** The principal as AWS names it in a request and in its error messages. */
  private principalOf(caller: Caller): string {
    switch (caller.kind) {
      case 'administrator':
        return `arn:aws:iam::${this.accountId}:root`;
      case 'role':
        return `arn:aws:sts::${accountOf(caller.roleArn) ?? this.accountId}:assumed-role/${roleNameOf(caller.roleArn)}/${caller.sessionName}`;
      case 'service':
        return caller.principal;
    }
  }

  private identityPoliciesOf(caller: Caller): NamedPolicy[] {
    switch (caller.kind) {
      case 'administrator':
        return [ADMINISTRATOR_ACCESS];
      case 'role':
        // A role the stacks do not define has no policy: everything it asks is denied, as for a deleted role.
        return this.policies.identityPoliciesOf(caller.roleArn) ?? [];
      case 'service':
        return [];
    }
  }

  /**
   * The global condition keys AWS adds from the principal: aws:PrincipalArn is the role's ARN for an assumed role
   * (not the session's), aws:SourceArn / aws:SourceAccount come with a service acting for a resource.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
   */
  private globalKeysOf(caller: Caller): Record<string, string> {
    switch (caller.kind) {
      case 'administrator':
        return { 'aws:PrincipalArn': `arn:aws:iam::${this.accountId}:root`, 'aws:PrincipalAccount': this.accountId, 'aws:PrincipalType': 'Account' };
      case 'role':
        return { 'aws:PrincipalArn': caller.roleArn, 'aws:PrincipalAccount': accountOf(caller.roleArn) ?? this.accountId, 'aws:PrincipalType': 'AssumedRole' };
      case 'service':
        return {
          'aws:PrincipalServiceName': caller.principal,
          'aws:PrincipalIsAWSService': 'true',
          ...(caller.sourceArn !== undefined && { 'aws:SourceArn': caller.sourceArn }),
          ...(caller.sourceAccount !== undefined && { 'aws:SourceAccount': caller.sourceAccount }),
        };
    }
  }
}

function callerKey(caller: Caller): string {
  switch (caller.kind) {
    case 'administrator':
      return 'administrator';
    case 'role':
      return `role ${caller.roleArn}`;
    case 'service':
      return `service ${caller.principal} ${caller.sourceArn ?? ''} ${caller.sourceAccount ?? ''}`;
  }
}

/** `123456789012` of `arn:aws:service:region:123456789012:...`, undefined when the ARN names no account. */
function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account ? account : undefined;
}

/** `my-role` of `arn:aws:iam::123456789012:role/path/my-role`. */
function roleNameOf(roleArn: string): string {
  return roleArn.split('/').pop() ?? roleArn;
}
