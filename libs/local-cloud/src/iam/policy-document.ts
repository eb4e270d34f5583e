/** An IAM policy document (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

/** A policy document that is not one; the message names the field. */
export class InvalidPolicyError extends Error {
  override name = 'InvalidPolicyError';
}

export type PolicyStatement = { Sid?: string; Effect?: string } & Record<string, unknown>;

/**
 * A policy document as a template or an API call gives it (an object or its JSON text), with its Statement always a
 * list. Anything else is refused with an error naming `field`.
 */
export function policyDocument(value: unknown, field: string): PolicyDocument {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InvalidPolicyError(`${field} is not JSON`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidPolicyError(`${field} must be a policy document (an object)`);
  const { Statement: statement, ...rest } = parsed as Record<string, unknown>;
  const statements = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  statements.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new InvalidPolicyError(`${field}.Statement[${i}] must be an object`);
    const effect = (s as PolicyStatement).Effect;
    if (effect !== 'Allow' && effect !== 'Deny') throw new InvalidPolicyError(`${field}.Statement[${i}].Effect must be Allow or Deny, not ${JSON.stringify(effect)}`);
  });
  return { ...(rest as Omit<PolicyDocument, 'Statement'>), Statement: statements as PolicyStatement[] };
}
