import { NotificationClaims } from '../../adapters/notifications-table';
import { CLAIM_LEASE_SECONDS, ClaimHeld, claimedNotification, judgeClaim, newClaim, type ClaimedNotification } from '../../domain/claim';
import type { NotificationRequest } from '../../domain/notification-request';
import type { RenderedEmail } from '../../domain/render';

export interface ClaimInput {
  /** The saga's state at Claim: its input and the rendered e-mail. */
  request: NotificationRequest & { email: RenderedEmail };
  /** This run ($$.Execution.Id: every Express execution has its own). */
  claimedBy: string;
}

export interface ClaimEffects {
  claims: Pick<NotificationClaims, 'get' | 'put'>;
  now: () => Date;
}

const effectsFromEnv = (): ClaimEffects => ({ claims: NotificationClaims.forClaimStep(), now: () => new Date() });

/** A put whose condition failed is judged again from what is there; past this many rounds the claim is busy. */
const ROUNDS = 3;

/**
 * Claims the outcome for this run, keyed by the outcome, not the run: a run of the saga again from its start (the
 * consumer's retry, a duplicate delivery, the sweep) takes the claim over once no run holding it can be alive. Answers
 * the notification as the claim records it, with the e-mail's record when it is already SENT (nothing more to send;
 * the saga publishes NotificationSent again, with its deterministic id). Throws ClaimHeld while a run that may be
 * alive holds it: the saga retries, then the execution fails and the consumer's retry comes back later.
 *
 * Safe to run again: the first put needs no claim (the common case: one write, no read); a put whose answer was lost
 * fails its condition when the SDK or the saga retries it, and the claim read then is this run's own.
 */
export async function claimOutcome(input: ClaimInput, effects: ClaimEffects = effectsFromEnv()): Promise<ClaimedNotification> {
  const { claimedBy, request: { email, ...request } } = input;
  const claimNow = () => newClaim(request, email.subject, claimedBy, effects.now(), CLAIM_LEASE_SECONDS);
  const first = claimNow();
  if (await effects.claims.put(first)) return claimedNotification(first);
  for (let round = 1; round < ROUNDS; round++) {
    const found = await effects.claims.get(request.orderId, request.outcome);
    const verdict = judgeClaim(found, claimedBy, effects.now());
    if (verdict.action === 'answer' || verdict.action === 'send') return claimedNotification(found!);
    if (verdict.action === 'held') throw new ClaimHeld(`the ${request.outcome} notification of ${request.orderId} is claimed by ${found!.claimedBy} until ${found!.leaseExpiresAt}`);
    const again = claimNow();
    if (await effects.claims.put(again, verdict.action === 'take-over' ? verdict.from : undefined)) return claimedNotification(again);
  }
  throw new ClaimHeld(`the ${request.outcome} notification of ${request.orderId} changed hands while it was claimed`);
}

/** Saga step Claim. */
export const handler = (input: ClaimInput) => claimOutcome(input);
