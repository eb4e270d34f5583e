import type { NotificationTemplate, Outcome } from './events';

/**
 * The item of the notifications table that gives an order outcome to one saga execution (`claimedBy`, its execution
 * ARN). The saga's Claim state writes it CLAIMED; the sendEmail step turns it SENT with SES's message id.
 */
export interface NotificationClaim {
  orderId: string;
  outcome: Outcome;
  template: NotificationTemplate;
  /** Absent from claims written before the API was per customer. */
  customerId?: string;
  recipient: string;
  subject: string;
  status: 'CLAIMED' | 'SENT';
  claimedBy: string;
  providerMessageId?: string;
  sentAt?: string;
}

/** What the customer was sent: SES's message id and when. */
export interface SentRecord {
  messageId: string;
  sentAt: string;
}

/** The outcome's claim is missing or another execution's: this execution must not send. */
export class ClaimNotHeld extends Error {
  override readonly name = 'Notification.ClaimNotHeld';
}

/**
 * What the claim says about `claimedBy`'s e-mail: the record of the one already sent, or undefined while it is still
 * to send. Throws ClaimNotHeld when the claim is not that execution's.
 */
export function recordedSend(claim: NotificationClaim | undefined, claimedBy: string): SentRecord | undefined {
  if (!claim || claim.claimedBy !== claimedBy) {
    throw new ClaimNotHeld(claim ? `the outcome is claimed by ${claim.claimedBy}, not ${claimedBy}` : `no claim of ${claimedBy} for the outcome`);
  }
  if (claim.status !== 'SENT') return undefined;
  return { messageId: claim.providerMessageId!, sentAt: claim.sentAt! };
}
