import { requiredEnv, runSweep, syncSagaRunnerFromEnv, type StartSaga, type SweepReport } from '@shop/service-kit';
import { NotificationClaims } from '../../adapters/notifications-table';
import { requestOfClaim } from '../../domain/claim';
import { executionName } from '../../domain/notification-request';
import { isStaleClaim } from '../../domain/stale-claims';

export interface ResolveClaimsEffects {
  claims: Pick<NotificationClaims, 'claimed'>;
  /** Runs the notification saga to its end (StartSyncExecution); throws when it did not succeed. */
  runSaga: StartSaga;
  now: () => Date;
  deadlineSeconds: number;
}

/**
 * The scheduled sweep of the notifications context: a claim left CLAIMED past its lease (plus the deadline) belongs to
 * no live run, and the consumer's retries gave up on it. The saga is run again from the request the claim keeps; the
 * new run takes the claim over, sends once (or, in the window the saga already has, a second time: SES accepted the
 * e-mail and nothing recorded it) and publishes. Once it has, the claim is SENT or held by a fresh lease, so a second
 * sweep finds nothing. A run that fails fails the sweep (every error named), and the next sweep tries again.
 */
export function resolveStaleClaims(effects: ResolveClaimsEffects): Promise<SweepReport> {
  return runSweep({ service: 'notifications', sweep: 'stale-claims' }, effects.claims.claimed(), async (claim) => {
    if (!isStaleClaim(claim, effects.now(), effects.deadlineSeconds)) return { action: 'skip' };
    return {
      action: 'repair',
      repair: async () => {
        await effects.runSaga({ name: executionName(claim.orderId, claim.outcome), input: requestOfClaim(claim) });
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
    runSaga: syncSagaRunnerFromEnv('NOTIFICATION_STATE_MACHINE_ARN'),
    now: () => new Date(),
    deadlineSeconds,
  };
}

export const handler = () => resolveStaleClaims(effectsFromEnv());
