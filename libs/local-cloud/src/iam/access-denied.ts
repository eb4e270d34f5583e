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
