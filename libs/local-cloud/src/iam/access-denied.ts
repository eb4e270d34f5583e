import { AwsError } from '../errors';
import type { AuthorizationRequest, Authorizer } from './authorize';

/**
 * AWS's access-denied wording: `User: <principal> is not authorized to perform: <action> on resource: <resource>`
 * followed by `because no <type> policy allows the <action> action` (an implicit deny) or `with an explicit deny in a
 * <type> policy`. https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */
export interface DeniedBy {
  explicit: boolean;
  policyType: 'identity-based' | 'resource-based';
}

export function accessDeniedMessage(principal: string, action: string, resource: string, deniedBy: DeniedBy): string {
  const article = deniedBy.policyType === 'identity-based' ? 'an' : 'a';
  const reason = deniedBy.explicit ? `with an explicit deny in ${article} ${deniedBy.policyType} policy` : `because no ${deniedBy.policyType} policy allows the ${action} action`;
  return `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
}

/** A denial as the JSON-protocol services answer it: AccessDeniedException with AWS's message. */
export function accessDeniedError(message: string, statusCode = 400): AwsError {
  return new AwsError('AccessDeniedException', message, statusCode);
}

/** Throws AccessDeniedException when the caller may not make the request. */
export function requireAllowed(authorizer: Authorizer, request: AuthorizationRequest): void {
  const decision = authorizer.authorize(request);
  if (!decision.allowed) throw accessDeniedError(decision.message);
}
