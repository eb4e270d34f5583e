import { sendWithSes, type OutgoingEmail } from '../../adapters/ses-email-sender';

export interface SendEmailInput {
  recipient: string;
  subject: string;
  text: string;
  html: string;
}

export const DEFAULT_FROM = 'orders@shop.example';

/** Sends the rendered e-mail; throws EmailThrottled / EmailServiceUnavailable / EmailRejected for the saga to retry or catch. */
export async function sendEmail(
  input: SendEmailInput,
  send: (email: OutgoingEmail) => Promise<string> = sendWithSes,
  now: () => Date = () => new Date(),
): Promise<{ messageId: string; sentAt: string }> {
  const from = process.env.NOTIFICATIONS_FROM || DEFAULT_FROM;
  const messageId = await send({ from, to: input.recipient, subject: input.subject, text: input.text, html: input.html });
  return { messageId, sentAt: now().toISOString() };
}

/** Saga step SendEmail (the Node.js runtime passes a callback third: dependencies stay off the handler's signature). */
export const handler = (input: SendEmailInput) => sendEmail(input);
