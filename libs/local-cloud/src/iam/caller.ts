/**
 * The evaluator's interface (iam/authorize.ts, branch iam-policy), as agreed: who calls, what they ask, the decision.
 * Kept here until that module lands, then re-exported from it.
 */
export type Caller =
  | { kind: 'administrator' }
  | { kind: 'role'; roleArn: string; sessionName: string }
  | { kind: 'service'; principal: string; sourceArn?: string; sourceAccount?: string };

export interface AuthorizationRequest {
  caller: Caller;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export type Decision = { allowed: true } | { allowed: false; explicitDeny: boolean; message: string };

export interface Authorizer {
  authorize(request: AuthorizationRequest): Decision;
  enabled: boolean;
}
