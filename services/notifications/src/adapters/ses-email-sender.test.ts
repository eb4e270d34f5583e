import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { classifySendError, EmailRejected, EmailServiceUnavailable, EmailThrottled, sendWithSes } from './ses-email-sender';

const sdkError = (name: string, status?: number) => Object.assign(new Error(`${name} says no`), { name, ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }) });
const email = { from: 'orders@shop.example', to: 'grace@example.com', subject: 'S', text: 'T', html: '<p>H</p>' };

describe('classifySendError: how the saga tells SES refusals, throttles and outages apart', () => {
  it('429 / TooManyRequestsException is throttling (retried with backoff)', () => {
    expect(classifySendError(sdkError('TooManyRequestsException', 429))).toBeInstanceOf(EmailThrottled);
  });

  it('a 5xx is the service failing (retried with backoff)', () => {
    expect(classifySendError(sdkError('InternalFailure', 500))).toBeInstanceOf(EmailServiceUnavailable);
    expect(classifySendError(sdkError('ServiceUnavailable', 503))).toBeInstanceOf(EmailServiceUnavailable);
  });

  it.each(['BadRequestException', 'MessageRejected', 'MailFromDomainNotVerifiedException', 'SendingPausedException', 'AccountSuspendedException'])('%s is a refusal (nothing was sent)', (name) => {
    const error = classifySendError(sdkError(name, 400));
    expect(error).toBeInstanceOf(EmailRejected);
    expect(error.message).toBe(`${name}: ${name} says no`);
  });

  it('an error without an answer from SES stays as it is: the e-mail may have gone out', () => {
    const timeout = sdkError('TimeoutError');
    expect(classifySendError(timeout)).toBe(timeout);
  });
});

describe('sendWithSes', () => {
  it('sends Simple content to the one recipient and answers the message id', async () => {
    const commands: SendEmailCommand[] = [];
    const ses = { send: async (command: SendEmailCommand) => (commands.push(command), { MessageId: 'msg-1' }) };
    await expect(sendWithSes(email, ses as never)).resolves.toBe('msg-1');
    expect(commands[0]!.input).toEqual({
      FromEmailAddress: 'orders@shop.example',
      Destination: { ToAddresses: ['grace@example.com'] },
      Content: { Simple: { Subject: { Data: 'S', Charset: 'UTF-8' }, Body: { Text: { Data: 'T', Charset: 'UTF-8' }, Html: { Data: '<p>H</p>', Charset: 'UTF-8' } } } },
    });
  });

  it('throws the classified error', async () => {
    const ses = { send: async () => { throw sdkError('BadRequestException', 400); } };
    await expect(sendWithSes(email, ses as never)).rejects.toBeInstanceOf(EmailRejected);
  });
});
