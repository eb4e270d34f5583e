import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { clientPerCredentials, traced } from '@shop/service-kit';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Why a send failed, as the saga's Retry / Catch match it (the Lambda error name). When SES answers with an error it
 * has not sent the e-mail (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html): these three
 * mean nothing was sent; any other failure (no answer at all) may have sent it.
 */
export class EmailThrottled extends Error {
  override readonly name = 'EmailThrottled';
}
export class EmailServiceUnavailable extends Error {
  override readonly name = 'EmailServiceUnavailable';
}
/** SES refused the request itself (invalid address, unverified sender, paused account...): retrying cannot help. */
export class EmailRejected extends Error {
  override readonly name = 'EmailRejected';
}

type SdkError = Error & { $metadata?: { httpStatusCode?: number }; $fault?: 'client' | 'server' };

/**
 * SendEmail errors: TooManyRequestsException (429) is throttling; a 5xx is the service failing; every other answer
 * (BadRequestException, MessageRejected, MailFromDomainNotVerifiedException, SendingPausedException,
 * AccountSuspendedException, LimitExceededException, NotFoundException) is the request refused.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 */
export function classifySendError(error: unknown): Error {
  const failure = error as SdkError;
  const status = failure.$metadata?.httpStatusCode;
  const text = `${failure.name}: ${failure.message}`;
  if (status === undefined) return failure;
  if (status === 429 || failure.name === 'TooManyRequestsException') return new EmailThrottled(text);
  if (status >= 500) return new EmailServiceUnavailable(text);
  return new EmailRejected(text);
}

// One attempt per call: the saga's Retry does the backing off, visibly in the execution history.
const sesClient = clientPerCredentials(() => traced(new SESv2Client({ maxAttempts: 1 })));

/** Sends one e-mail with SES v2 Simple content; resolves to SES's message id. */
export async function sendWithSes(email: OutgoingEmail, ses: Pick<SESv2Client, 'send'> = sesClient()): Promise<string> {
  try {
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: [email.to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    if (!MessageId) throw new EmailServiceUnavailable('SendEmail answered without a MessageId');
    return MessageId;
  } catch (error) {
    throw error instanceof EmailServiceUnavailable ? error : classifySendError(error);
  }
}
