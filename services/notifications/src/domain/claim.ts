import type { NotificationTemplate } from './events';
import type { NotificationRequest } from './notification-request';

/**
 * The item of the notifications table that gives an order outcome to one saga run (`claimedBy`, its execution ARN),
 * keyed by the outcome (orderId, outcome). It keeps the request it was claimed for, so that the stale-claims sweep can
 * run the saga again from it (Express executions cannot be described). The Claim step writes it CLAIMED with a lease;
 * the sendEmail step turns it SENT with SES's message id.
 */
export interface NotificationClaim extends NotificationRequest {
  subject: string;
  status: 'CLAIMED' | 'SENT';
  claimedBy: string;
  claimedAt: string;
  /** Past it, no run that held the claim can still be alive (see claimLease). */
  leaseExpiresAt: string;
  providerMessageId?: string;
  sentAt?: string;
}

/** What the customer was sent: SES's message id and when. */
export interface SentRecord {
  messageId: string;
  sentAt: string;
}

/** The notification as its claim records it: what was (or is being) told, and the e-mail's record once sent. */
export interface ClaimedNotification {
  template: NotificationTemplate;
  recipient: string;
  cause: NotificationRequest['cause'];
  sent?: SentRecord;
}

/** The outcome's claim is missing or another run's: this run must not send. */
export class ClaimNotHeld extends Error {
  override readonly name = 'Notification.ClaimNotHeld';
}

/** A run that may still be alive holds the outcome's claim: try again later (it sends, or its lease runs out). */
export class ClaimHeld extends Error {
  override readonly name = 'Notification.ClaimHeld';
}

/**
 * What a run makes of the outcome's claim as it finds it:
 * - none: claim it (a put that requires no item);
 * - SENT (by any run): answer its record, send nothing;
 * - CLAIMED by this run: its own put was applied and the answer lost; go on to send;
 * - CLAIMED by another run whose lease has run out: that run cannot be alive, take the claim over (a put that requires
 *   the item to be that run's claim still);
 * - CLAIMED by another run within its lease: held.
 * A claim without a lease was written by the Standard saga this one replaced, whose executions have all ended.
 */
export type ClaimVerdict = { action: 'claim' } | { action: 'answer' } | { action: 'send' } | { action: 'take-over'; from: string } | { action: 'held' };

export function judgeClaim(claim: NotificationClaim | undefined, claimedBy: string, now: Date): ClaimVerdict {
  if (!claim) return { action: 'claim' };
  if (claim.status === 'SENT') return { action: 'answer' };
  if (claim.claimedBy === claimedBy) return { action: 'send' };
  return leaseRunOut(claim, now) ? { action: 'take-over', from: claim.claimedBy } : { action: 'held' };
}

export const leaseRunOut = (claim: Pick<NotificationClaim, 'leaseExpiresAt'>, now: Date) => !claim.leaseExpiresAt || Date.parse(claim.leaseExpiresAt) <= now.getTime();

/**
 * How long a claim is its run's alone. The saga is an Express workflow whose TimeoutSeconds is 120, and a sendEmail
 * invocation it started may run its 10 s after the execution timed out (Lambda does not stop it): 180 s is past both,
 * with room for clock skew between functions (tests/contracts/express-sagas.test.ts holds the template to it).
 */
export const CLAIM_LEASE_SECONDS = 180;

/** The claim of a run, from its request, with a lease of `leaseSeconds` from `now`. */
export function newClaim(request: NotificationRequest, subject: string, claimedBy: string, now: Date, leaseSeconds: number): NotificationClaim {
  return {
    ...request,
    subject,
    status: 'CLAIMED',
    claimedBy,
    claimedAt: now.toISOString(),
    leaseExpiresAt: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
  };
}

/** The notification a claim records (with its e-mail's record once SENT). */
export function claimedNotification(claim: NotificationClaim): ClaimedNotification {
  const { template, recipient, cause } = claim;
  return claim.status === 'SENT' ? { template, recipient, cause, sent: sentRecordOf(claim) } : { template, recipient, cause };
}

/** The request a claim was written for, to run the saga again from it. */
export function requestOfClaim(claim: NotificationClaim): NotificationRequest {
  const { orderId, outcome, template, customerId, recipient, customerName, total, reason, cause } = claim;
  return { orderId, outcome, template, customerId, recipient, ...(customerName !== undefined && { customerName }), ...(total !== undefined && { total }), ...(reason !== undefined && { reason }), cause };
}

/**
 * What the claim says about `claimedBy`'s e-mail: the record of the one already sent, or undefined while it is still
 * to send. Throws ClaimNotHeld when the claim is not that run's.
 */
export function recordedSend(claim: NotificationClaim | undefined, claimedBy: string): SentRecord | undefined {
  if (!claim || claim.claimedBy !== claimedBy) {
    throw new ClaimNotHeld(claim ? `the outcome is claimed by ${claim.claimedBy}, not ${claimedBy}` : `no claim of ${claimedBy} for the outcome`);
  }
  return claim.status === 'SENT' ? sentRecordOf(claim) : undefined;
}

const sentRecordOf = (claim: NotificationClaim): SentRecord => ({ messageId: claim.providerMessageId!, sentAt: claim.sentAt! });
