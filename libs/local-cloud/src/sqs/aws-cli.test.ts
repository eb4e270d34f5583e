import { startLocalCloud, type LocalCloud } from '../index';
import { awsCli } from '../test-support';

/** The AWS CLI v2 from Debian (2.9) speaks SQS's query protocol (form-encoded requests, XML answers). */
let local: LocalCloud;

// Each CLI call starts a Python process (about a second on this machine).
jest.setTimeout(60_000);

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
});

afterAll(() => local.stop());

const aws = (...args: string[]) => awsCli(local.url, 'sqs', ...args);

describe('AWS CLI v2 against the SQS endpoint', () => {
  it('creates a queue, sends, receives and deletes a message', async () => {
    const { QueueUrl } = await aws('create-queue', '--queue-name', 'cli-queue', '--attributes', 'VisibilityTimeout=120,DelaySeconds=0');
    expect(QueueUrl).toBe(`${local.url}/000000000000/cli-queue`);
    const sent = await aws('send-message', '--queue-url', QueueUrl, '--message-body', 'hello\r\nfrom the CLI & co', '--message-attributes', '{"kind":{"DataType":"String","StringValue":"smoke"}}');
    const received = await aws('receive-message', '--queue-url', QueueUrl, '--attribute-names', 'All', '--message-attribute-names', 'All');
    const [message] = received.Messages;
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'hello\r\nfrom the CLI & co',
      MD5OfBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'smoke' } },
      Attributes: { ApproximateReceiveCount: '1' },
    });
    const queueAttributes = await aws('get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All');
    expect(queueAttributes.Attributes).toMatchObject({ VisibilityTimeout: '120', ApproximateNumberOfMessagesNotVisible: '1' });
    await aws('delete-message', '--queue-url', QueueUrl, '--receipt-handle', message.ReceiptHandle);
    const after = await aws('get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'ApproximateNumberOfMessagesNotVisible');
    expect(after.Attributes).toEqual({ ApproximateNumberOfMessagesNotVisible: '0' });
    expect((await aws('list-queues', '--queue-name-prefix', 'cli-')).QueueUrls).toEqual([QueueUrl]);
  });

  it('sends a batch and reports its per-entry results', async () => {
    const { QueueUrl } = await aws('create-queue', '--queue-name', 'cli-batch');
    const result = await aws('send-message-batch', '--queue-url', QueueUrl, '--entries', 'Id=one,MessageBody=first', 'Id=two,MessageBody=second');
    expect(result.Successful.map((entry: { Id: string }) => entry.Id).sort()).toEqual(['one', 'two']);
  });

  it('shows the query error code for a queue that does not exist', async () => {
    const failure = await aws('get-queue-url', '--queue-name', 'missing').catch((error: { code: number; stderr: string }) => error);
    expect(failure.code).toBe(254);
    expect(failure.stderr).toContain('An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation: The specified queue does not exist.');
  });
});
