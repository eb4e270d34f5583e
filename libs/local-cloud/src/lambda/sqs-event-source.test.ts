import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig, nextActivity } from './fixtures/activity';
import { receivedEvents, receivedRecords } from './fixtures/handlers';

const FIXTURES = path.join(__dirname, 'fixtures');
let local: LocalCloud;
let sqs: SQSClient;
let count = 0;

// A poison message needs (maxReceiveCount x visibility timeout) seconds to reach the dead-letter queue.
jest.setTimeout(30_000);

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
  sqs = new SQSClient(clientConfig(local.url));
});

afterAll(async () => {
  sqs.destroy();
  await local.stop();
});

async function createQueue(attributes: Record<string, string> = {}) {
  const name = `esm-${++count}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

async function queueWithDeadLetterQueue(maxReceiveCount: number) {
  const dlq = await createQueue();
  // 2 s of visibility leaves the poller time to delete a processed batch before it could reappear.
  const source = await createQueue({ VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }) });
  return { source, dlq };
}

function mapFunction(handler: string, queueArn: string, functionResponseTypes?: string[]) {
  const fn = local.lambda.registerFunction({ functionName: `consumer-${++count}`, handler: `handlers.${handler}`, servicePath: FIXTURES });
  return local.lambda.createEventSourceMapping({ functionName: fn.functionName, queueArn, functionResponseTypes });
}

async function messageCounts(url: string) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible);
}

async function nextMessage(url: string) {
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['All'] }));
    if (Messages?.[0]) return Messages[0];
  }
}

const deliveries = (body: string) => receivedRecords.filter((record) => record.body === body).length;

describe('SQS event source mapping', () => {
  it('invokes the function with the SQS event shape Lambda uses and deletes a successful batch', async () => {
    const queue = await createQueue();
    const succeeded = nextActivity(local.cloud, (activity) => activity.type === 'esm.batch-succeeded' && activity.queue === queue.arn.split(':')[5]);
    const mapping = mapFunction('reportPoison', queue.arn, ['ReportBatchItemFailures']);
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'shape', MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } }));
    await succeeded;
    const event = receivedEvents.find((candidate) => (candidate as { Records: Array<{ messageId: string }> }).Records[0]!.messageId === sent.MessageId) as {
      Records: Array<Record<string, unknown>>;
    };
    expect(event.Records).toEqual([
      {
        messageId: sent.MessageId,
        receiptHandle: expect.any(String),
        body: 'shape',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          SenderId: '000000000000',
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        },
        messageAttributes: { kind: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' } },
        md5OfMessageAttributes: sent.MD5OfMessageAttributes,
        md5OfBody: sent.MD5OfMessageBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
      },
    ]);
    expect(Object.keys(event.Records[0]!.attributes as object)).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    expect(await messageCounts(queue.url)).toBe(0);
    await local.lambda.deleteEventSourceMapping(mapping.uuid);
  });

  it('with ReportBatchItemFailures, retries only the failed message, which the redrive policy finally moves to the DLQ', async () => {
    const { source, dlq } = await queueWithDeadLetterQueue(2);
    mapFunction('reportPoison', source.arn, ['ReportBatchItemFailures']);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: source.url,
        Entries: ['partial ok 1', 'partial poison', 'partial ok 2'].map((body, index) => ({ Id: `m${index}`, MessageBody: body })),
      }),
    );
    const deadLettered = await nextMessage(dlq.url);
    expect(deadLettered.Body).toBe('partial poison');
    expect(deadLettered.Attributes!.DeadLetterQueueSourceArn).toBe(source.arn);
    expect(deliveries('partial poison')).toBe(2);
    expect(deliveries('partial ok 1')).toBe(1);
    expect(deliveries('partial ok 2')).toBe(1);
    expect(await messageCounts(source.url)).toBe(0);
  });

  it('without ReportBatchItemFailures, a function error returns the whole batch to the queue', async () => {
    const { source, dlq } = await queueWithDeadLetterQueue(1);
    const failed = nextActivity(local.cloud, (activity) => activity.type === 'esm.batch-failed' && activity.queue === source.arn.split(':')[5]);
    mapFunction('throwOnPoison', source.arn);
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: source.url, Entries: ['whole ok', 'whole poison'].map((body, index) => ({ Id: `m${index}`, MessageBody: body })) }),
    );
    await failed;
    const bodies = [(await nextMessage(dlq.url)).Body, (await nextMessage(dlq.url)).Body].sort();
    expect(bodies).toEqual(['whole ok', 'whole poison']);
  });

  it('treats a malformed partial batch response (empty itemIdentifier) as a complete failure', async () => {
    const queue = await createQueue({ VisibilityTimeout: '600' });
    const failed = nextActivity(local.cloud, (activity) => activity.type === 'esm.batch-failed' && activity.queue === queue.arn.split(':')[5]);
    const mapping = mapFunction('malformedBatchResponse', queue.arn, ['ReportBatchItemFailures']);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'kept' }));
    await failed;
    await local.lambda.deleteEventSourceMapping(mapping.uuid);
    expect(await messageCounts(queue.url)).toBe(1);
  });

  it('refuses a batch size over 10 without a batching window', () => {
    const fn = local.lambda.registerFunction({ functionName: 'batchy', handler: 'handlers.echo', servicePath: FIXTURES });
    expect(() => local.lambda.createEventSourceMapping({ functionName: fn.functionName, queueArn: 'arn:aws:sqs:us-east-1:000000000000:any', batchSize: 11 })).toThrow(
      /Maximum batch window/,
    );
  });
});
