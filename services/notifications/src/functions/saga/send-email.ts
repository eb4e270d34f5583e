import { recordBusinessMetric } from '@shop/service-kit';
import { NotificationClaims } from '../../adapters/notifications-table';
import { sendWithSes, type OutgoingEmail } from '../../adapters/ses-email-sender';
import { recordedSend, type SentRecord } from '../../domain/claim';
import type { Outcome } from '../../domain/events';

export interface SendEmailInput {
  orderId: string;
  outcome: Outcome;
  /** The run that holds the outcome's claim ($$.Execution.Id). */
  claimedBy: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
}

export interface SendEmailEffects {
  claims: Pick<NotificationClaims, 'get' | 'markSent'>;
  send: (email: OutgoingEmail) => Promise<string>;
  now: () => Date;
}

export const DEFAULT_FROM = 'orders@shop.example';

const effectsFromEnv = (): SendEmailEffects => ({ claims: NotificationClaims.fromEnv(), send: sendWithSes, now: () => new Date() });

/**
 * Sends the outcome's e-mail once, however often the step runs: reads its claim first (SENT: answers the recorded
 * message, sends nothing), sends through SES, then records SENT with the message id on its own claim. So the saga
 * retries this step on any Lambda failure, a lost outcome included (the e-mail went out, the caller heard a timeout).
 *
 * The one window left: SES accepted the e-mail but the SENT record was never written (the function crashed or timed
 * out in between, SES's answer was lost, or the write failed past its retries). A retried step then finds the claim
 * CLAIMED and sends a second e-mail.
 *
 * Throws EmailThrottled / EmailServiceUnavailable / EmailRejected (SES said no: nothing sent) for the saga to retry,
 * and ClaimNotHeld when the claim is not this run's. A send that cannot finish past the saga's retries gives the claim
 * back (the saga's ReleaseClaim) and fails the execution, so that the consumer's retry claims afresh.
 */
export async function sendEmail(input: SendEmailInput, effects: SendEmailEffects = effectsFromEnv()): Promise<SentRecord> {
  const { orderId, outcome, claimedBy } = input;
  const recorded = recordedSend(await effects.claims.get(orderId, outcome), claimedBy);
  if (recorded) return recorded;
  const from = process.env.NOTIFICATIONS_FROM || DEFAULT_FROM;
  const messageId = await effects.send({ from, to: input.recipient, subject: input.subject, text: input.text, html: input.html });
  recordBusinessMetric('EmailsSent', { dimensions: { outcome } });
  return effects.claims.markSent(orderId, outcome, claimedBy, { messageId, sentAt: effects.now().toISOString() });
}

/** Saga step SendEmail (the Node.js runtime passes a callback third: dependencies stay off the handler's signature). */
export const handler = (input: SendEmailInput) => sendEmail(input);
