import { InvalidPolicyError, type PolicyDocument, type PolicyStatement } from './policy-document';

/** An identity policy as the evaluator takes it: its name (for messages) and its document. */
export interface NamedPolicy {
  name: string;
  policy: PolicyDocument;
}

export interface RoleDefinition {
  arn: string;
  /** AssumeRolePolicyDocument: who may assume the role. */
  trustPolicy: PolicyDocument;
  /** The role's inline policies (AWS::IAM::Role Policies). */
  inlinePolicies?: NamedPolicy[];
  /** ManagedPolicyArns: customer managed policies of the loaded stacks. */
  managedPolicyArns?: string[];
}

/**
 * The IAM policy model of the loaded stacks: each role's trust policy and identity policies (inline, AWS::IAM::Policy,
 * customer managed), and the resource policies AWS evaluates with them (event bus policies, queue policies, Lambda
 * permissions, topic policies, and a role's trust policy as the resource policy of sts:AssumeRole). `revision` changes
 * with every change, so that a cache of decisions knows when it is stale.
 */
export class PolicyStore {
  private changes = 0;
  private readonly trustPolicies = new Map<string, PolicyDocument>();
  /** By role ARN, then policy name: inline policies and AWS::IAM::Policy documents. */
  private readonly inlinePolicies = new Map<string, Map<string, PolicyDocument>>();
  /** By role ARN: the ARNs of the managed policies attached to it. */
  private readonly attachments = new Map<string, Set<string>>();
  private readonly managedPolicies = new Map<string, NamedPolicy>();
  private readonly resourcePolicies = new Map<string, PolicyDocument>();

  get revision(): number {
    return this.changes;
  }

  putRole(role: RoleDefinition): void {
    this.trustPolicies.set(role.arn, role.trustPolicy);
    this.inlinePolicies.set(role.arn, new Map((role.inlinePolicies ?? []).map((p) => [p.name, p.policy])));
    this.attachments.set(role.arn, new Set());
    for (const policyArn of role.managedPolicyArns ?? []) this.attachRolePolicy(role.arn, policyArn);
    this.changed();
  }

  hasRole(roleArn: string): boolean {
    return this.trustPolicies.has(roleArn);
  }

  /** PutRolePolicy / AWS::IAM::Policy: an inline policy of a role, replacing one of the same name. */
  putRolePolicy(roleArn: string, name: string, policy: PolicyDocument): void {
    const policies = this.inlinePolicies.get(roleArn) ?? new Map<string, PolicyDocument>();
    policies.set(name, policy);
    this.inlinePolicies.set(roleArn, policies);
    this.changed();
  }

  /** A customer managed policy (AWS::IAM::ManagedPolicy), by its ARN. */
  putManagedPolicy(arn: string, policy: NamedPolicy): void {
    this.managedPolicies.set(arn, policy);
    this.changed();
  }

  /**
   * AttachRolePolicy. An AWS managed policy (`arn:aws:iam::aws:policy/...`) is refused: the local model carries
   * none of their documents (no template uses one), and a role evaluated without it would be denied what AWS allows.
   */
  attachRolePolicy(roleArn: string, policyArn: string): void {
    if (!this.managedPolicies.has(policyArn)) {
      throw new InvalidPolicyError(
        policyArn.includes(':iam::aws:policy/')
          ? `ManagedPolicyArns: ${policyArn} is an AWS managed policy, whose document the local IAM model does not carry`
          : `ManagedPolicyArns: ${policyArn} is not a managed policy of the loaded stacks`,
      );
    }
    const attached = this.attachments.get(roleArn) ?? new Set<string>();
    attached.add(policyArn);
    this.attachments.set(roleArn, attached);
    this.changed();
  }

  /** Every identity policy of a role, or undefined when no such role was loaded. */
  identityPoliciesOf(roleArn: string): NamedPolicy[] | undefined {
    if (!this.trustPolicies.has(roleArn)) return undefined;
    const inline = [...(this.inlinePolicies.get(roleArn) ?? new Map<string, PolicyDocument>())].map(([name, policy]) => ({ name, policy }));
    const managed = [...(this.attachments.get(roleArn) ?? [])].map((arn) => this.managedPolicies.get(arn)!);
    return [...inline, ...managed];
  }

  /** Sets (or, with undefined, removes) the resource policy of a bus, queue, topic or function. */
  setResourcePolicy(resourceArn: string, policy: PolicyDocument | undefined): void {
    if (policy) this.resourcePolicies.set(resourceArn, policy);
    else this.resourcePolicies.delete(resourceArn);
    this.changed();
  }

  /** AddPermission / AWS::Lambda::Permission: one statement of a function's policy, replacing one with the same Sid. */
  addPermission(functionArn: string, statement: PolicyStatement): void {
    const current = this.resourcePolicies.get(functionArn)?.Statement ?? [];
    const kept = statement.Sid === undefined ? current : current.filter((s) => s.Sid !== statement.Sid);
    this.setResourcePolicy(functionArn, { Version: '2012-10-17', Id: 'default', Statement: [...kept, statement] });
  }

  /**
   * The resource policy AWS evaluates for a request on `resourceArn`: a role's trust policy for the role, a function's
   * policy for any of its versions or aliases (`function:name:qualifier`), else the resource's own.
   */
  resourcePolicyOf(resourceArn: string): PolicyDocument | undefined {
    const trust = this.trustPolicies.get(resourceArn);
    if (trust) return trust;
    const own = this.resourcePolicies.get(resourceArn);
    if (own) return own;
    const parts = resourceArn.split(':');
    if (parts[2] === 'lambda' && parts[5] === 'function' && parts.length > 7) return this.resourcePolicies.get(parts.slice(0, 7).join(':'));
    return undefined;
  }

  private changed(): void {
    this.changes++;
  }
}
