import { requiredEnv, runSweep, sagaStatus, type SweepReport } from '@shop/service-kit';
import { NotificationClaims } from '../../adapters/notifications-table';
import { stepFunctionsNotificationSaga } from '../../adapters/notification-saga';
import type { NotificationRequest } from '../../domain/notification-request';
import { retryExecutionName } from '../../domain/notification-request';
import type { NotificationSaga } from '../../domain/start-notification';
import { isStaleClaim, type ClaimHolder } from '../../domain/stale-claims';

export interface ResolveClaimsEffects {
  claims: Pick<NotificationClaims, 'claimed' | 'release'>;
  /** The claim's execution, with the input it was started with (undefined when unknown). */
  holder(executionArn: string): Promise<ClaimHolder & { input?: string }>;
  saga: Pick<NotificationSaga, 'start'>;
  now: () => Date;
  deadlineSeconds: number;
}

/**
 * The scheduled sweep of the notifications context: a claim left CLAIMED by an execution that ended (or is unknown)
 * past the deadline is released, as the saga itself releases a claim whose e-mail it could not record as sent, and the
 * outcome is started again from that execution's input under a name derived from it (so a second sweep starts nothing
 * more). The new attempt claims the outcome afresh, so it is still one e-mail, except in the window the saga already
 * has: SES accepted the e-mail and nothing recorded it. Without the input (the execution's history is gone), the claim
 * is released for the next event of that outcome, or a redrive, to send.
 */
export function resolveStaleClaims(effects: ResolveClaimsEffects): Promise<SweepReport> {
  return runSweep({ service: 'notifications', sweep: 'stale-claims' }, effects.claims.claimed(), async (claim) => {
    const holder = await effects.holder(claim.claimedBy);
    if (!isStaleClaim(holder, effects.now(), effects.deadlineSeconds)) return holder.status === 'RUNNING' || holder.status === 'PENDING_REDRIVE' ? { action: 'skip' } : { action: 'none' };
    return {
      action: 'repair',
      repair: async () => {
        if (!(await effects.claims.release(claim.orderId, claim.outcome, claim.claimedBy))) return 'settled-meanwhile';
        if (holder.input) await effects.saga.start(retryExecutionName(claim.orderId, claim.outcome, claim.claimedBy), JSON.parse(holder.input) as NotificationRequest);
        return 'repaired';
      },
    };
  });
}

function effectsFromEnv(): ResolveClaimsEffects {
  const deadlineSeconds = Number(requiredEnv('CLAIM_DEADLINE_SECONDS'));
  if (!Number.isSafeInteger(deadlineSeconds) || deadlineSeconds < 0) throw new Error('CLAIM_DEADLINE_SECONDS must be a non-negative integer');
  return {
    claims: NotificationClaims.fromEnv(),
    holder: (executionArn) => sagaStatus(executionArn),
    saga: stepFunctionsNotificationSaga(),
    now: () => new Date(),
    deadlineSeconds,
  };
}

export const handler = () => resolveStaleClaims(effectsFromEnv());
