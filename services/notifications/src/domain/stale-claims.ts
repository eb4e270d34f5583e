import { leaseRunOut, type NotificationClaim } from './claim';

/**
 * A claim left CLAIMED is stale once its lease ran out at least `deadlineSeconds` ago: no run that held it is alive,
 * and the consumer's own retries (which take such a claim over) have had their time. Judged by the claim alone:
 * Express executions cannot be described.
 */
export function isStaleClaim(claim: Pick<NotificationClaim, 'status' | 'leaseExpiresAt'>, now: Date, deadlineSeconds: number): boolean {
  return claim.status === 'CLAIMED' && leaseRunOut(claim, new Date(now.getTime() - deadlineSeconds * 1000));
}
