import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type EventSourceMappingOptions, type LocalCloud } from '../index';
import { awsErrorOf } from '../test-support';
import { clientConfig, nextActivity, recordActivity } from './fixtures/activity';
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

/** A 1 s function timeout fits every queue's visibility timeout here. */
function mapFunction(handler: string, queueArn: string, options: Partial<EventSourceMappingOptions> = {}) {
  const fn = local.lambda.registerFunction({ functionName: `consumer-${++count}`, handler: `handlers.${handler}`, servicePath: FIXTURES, timeoutSeconds: 1 });
  return local.lambda.createEventSourceMapping({ functionName: fn.functionName, queueArn, ...options });
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
    const mapping = await mapFunction('reportPoison', queue.arn, { functionResponseTypes: ['ReportBatchItemFailures'] });
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
    await mapFunction('reportPoison', source.arn, { functionResponseTypes: ['ReportBatchItemFailures'] });
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
    await mapFunction('throwOnPoison', source.arn);
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
    const mapping = await mapFunction('malformedBatchResponse', queue.arn, { functionResponseTypes: ['ReportBatchItemFailures'] });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'kept' }));
    await failed;
    await local.lambda.deleteEventSourceMapping(mapping.uuid);
    expect(await messageCounts(queue.url)).toBe(1);
  });

  it('refuses a batch size over 10 without a batching window', async () => {
    const fn = local.lambda.registerFunction({ functionName: 'batchy', handler: 'handlers.echo', servicePath: FIXTURES });
    await expect(local.lambda.createEventSourceMapping({ functionName: fn.functionName, queueArn: 'arn:aws:sqs:us-east-1:000000000000:any', batchSize: 11 })).rejects.toThrow(
      /Maximum batch window/,
    );
  });

  it("refuses a queue whose visibility timeout is shorter than the function's timeout, as Lambda does", async () => {
    const queue = await createQueue({ VisibilityTimeout: '5' });
    const slow = local.lambda.registerFunction({ functionName: `consumer-${++count}`, handler: 'handlers.echo', servicePath: FIXTURES, timeoutSeconds: 10 });
    const error = await awsErrorOf(local.lambda.createEventSourceMapping({ functionName: slow.functionName, queueArn: queue.arn }));
    expect([error.code, error.message]).toEqual(['InvalidParameterValueException', 'Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds']);
    const fits = local.lambda.registerFunction({ functionName: `consumer-${++count}`, handler: 'handlers.echo', servicePath: FIXTURES, timeoutSeconds: 5 });
    await local.lambda.deleteEventSourceMapping((await local.lambda.createEventSourceMapping({ functionName: fits.functionName, queueArn: queue.arn })).uuid);
  });
});

describe('SQS event source mapping: FilterCriteria', () => {
  const filters = (...patterns: object[]) => ({ Filters: patterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) });

  it('invokes the function only with matching records and deletes the others from the queue', async () => {
    const queue = await createQueue({ VisibilityTimeout: '600' });
    const activities = recordActivity(local.cloud);
    const mapping = await mapFunction('reportPoison', queue.arn, {
      // Any filter may match: a JSON body, a text body, or a field of the record besides the body.
      filterCriteria: filters({ body: { kind: ['order'] } }, { body: [{ prefix: 'urgent' }] }, { messageAttributes: { source: { stringValue: ['admin'] } } }),
      batchSize: 10,
      maximumBatchingWindowInSeconds: 1,
    });
    const admin = { source: { DataType: 'String', StringValue: 'admin' } };
    const messages = [
      { Id: 'json-match', MessageBody: JSON.stringify({ kind: 'order', n: 1 }) },
      { Id: 'json-other', MessageBody: JSON.stringify({ kind: 'refund' }) },
      { Id: 'text-match', MessageBody: 'urgent: call back' },
      { Id: 'text-other', MessageBody: 'routine' },
      // A JSON body is not text: the prefix filter cannot match it.
      { Id: 'json-not-text', MessageBody: JSON.stringify('urgent') },
      { Id: 'attribute-match', MessageBody: 'anything', MessageAttributes: admin },
    ];
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: messages }));
    for (let tries = 0; tries < 200 && (await messageCounts(queue.url)) > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    await local.lambda.deleteEventSourceMapping(mapping.uuid);
    expect(await messageCounts(queue.url)).toBe(0);
    const mine = activities.filter((activity) => activity.uuid === mapping.uuid);
    expect(mine.filter((activity) => activity.type === 'esm.filtered-out').reduce((sum, activity) => sum + (activity.deleted as number), 0)).toBe(3);
    expect(['{"kind":"order","n":1}', 'urgent: call back', 'anything'].map(deliveries)).toEqual([1, 1, 1]);
    expect(['{"kind":"refund"}', 'routine', '"urgent"'].map(deliveries)).toEqual([0, 0, 0]);
  });

  it('refuses a filter that is not a valid pattern, naming it', async () => {
    const error = await awsErrorOf(mapFunction('echo', 'arn:aws:sqs:us-east-1:000000000000:any', { filterCriteria: filters({ body: { kind: ['order'] } }, { body: { kind: 'order' } }) }));
    expect(error.code).toBe('InvalidParameterValueException');
    expect(error.message).toMatch(/^Invalid filter pattern definition\. FilterCriteria\.Filters\[1\]\.Pattern: /);
  });
});
