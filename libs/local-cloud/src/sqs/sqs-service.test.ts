import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  MessageNotInflight,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
  BatchEntryIdsNotDistinct,
  InvalidAttributeName,
} from '@aws-sdk/client-sqs';
import { AwsError } from '../errors';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig } from '../lambda/fixtures/activity';

let local: LocalCloud;
let sqs: SQSClient;
let queueCount = 0;

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
  sqs = new SQSClient(clientConfig(local.url));
});

afterAll(async () => {
  sqs.destroy();
  await local.stop();
});

async function createQueue(attributes: Record<string, string> = {}, suffix = ''): Promise<{ url: string; arn: string }> {
  const name = `q${++queueCount}${suffix}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

async function attributes(url: string, names: string[] = ['All']): Promise<Record<string, string>> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as never }))).Attributes ?? {};
}

const receive = (url: string, input: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'], ...input }));

async function waitForMoveTask(sourceArn: string): Promise<Record<string, unknown>> {
  for (;;) {
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }));
    if (Results?.[0]?.Status !== 'RUNNING') return Results![0]! as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('queues', () => {
  it('creates a queue idempotently, and refuses the same name with different attributes', async () => {
    const first = await sqs.send(new CreateQueueCommand({ QueueName: 'orders-q', Attributes: { VisibilityTimeout: '45' } }));
    const again = await sqs.send(new CreateQueueCommand({ QueueName: 'orders-q', Attributes: { VisibilityTimeout: '45' } }));
    expect(first.QueueUrl).toBe(`${local.url}/000000000000/orders-q`);
    expect(again.QueueUrl).toBe(first.QueueUrl);
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'orders-q', Attributes: { VisibilityTimeout: '46' } }))).rejects.toBeInstanceOf(QueueNameExists);
  });

  it('answers QueueDoesNotExist (query code AWS.SimpleQueueService.NonExistentQueue) for an unknown queue', async () => {
    const error = await sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect((error as QueueDoesNotExist).message).toBe('The specified queue does not exist.');
    expect((error as { Code?: string }).Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: `${local.url}/000000000000/missing`, MessageBody: 'x' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('lists queues by prefix, in pages', async () => {
    for (const name of ['list-a', 'list-b', 'list-c', 'other']) await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'list-' }));
    expect(all.QueueUrls).toEqual(['list-a', 'list-b', 'list-c'].map((name) => `${local.url}/000000000000/${name}`));
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'list-', MaxResults: 2 }));
    const page2 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'list-', MaxResults: 2, NextToken: page1.NextToken }));
    expect([...page1.QueueUrls!, ...page2.QueueUrls!]).toEqual(all.QueueUrls);
    expect(page2.NextToken).toBeUndefined();
  });

  it('reports attributes with message counts, and sets and validates attributes', async () => {
    const { url, arn } = await createQueue({ VisibilityTimeout: '60', DelaySeconds: '0' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'visible' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 900 }));
    await receive(url, { MaxNumberOfMessages: 1 });
    const all = await attributes(url);
    expect(all).toMatchObject({
      QueueArn: arn,
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      VisibilityTimeout: '60',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      DelaySeconds: '0',
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ReceiveMessageWaitTimeSeconds: '5', Policy: '{"Version":"2012-10-17"}' } }));
    expect(await attributes(url, ['ReceiveMessageWaitTimeSeconds', 'Policy'])).toEqual({ ReceiveMessageWaitTimeSeconds: '5', Policy: '{"Version":"2012-10-17"}' });
    await expect(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '50000' } }))).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Colour' as never] }))).rejects.toBeInstanceOf(InvalidAttributeName);
  });

  it('tags queues and lists dead-letter source queues', async () => {
    const dlq = await createQueue();
    const source = await createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '3' }) });
    expect(JSON.parse((await attributes(source.url, ['RedrivePolicy'])).RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 });
    expect((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }))).queueUrls).toEqual([source.url]);
    await sqs.send(new TagQueueCommand({ QueueUrl: source.url, Tags: { team: 'orders', tier: '1' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: source.url, TagKeys: ['tier'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: source.url }))).Tags).toEqual({ team: 'orders' });
  });

  it('refuses a redrive policy to a dead-letter queue that does not exist or whose RedriveAllowPolicy denies it', async () => {
    await expect(createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:nope', maxReceiveCount: 1 }) })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    const closed = await createQueue({ RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
    await expect(createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: closed.arn, maxReceiveCount: 1 }) })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const byQueue = await createQueue();
    const allowed = await createQueue();
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: byQueue.url, Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [allowed.arn] }) } }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: allowed.url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: byQueue.arn, maxReceiveCount: 2 }) } }));
    await expect(createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: byQueue.arn, maxReceiveCount: 2 }) })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('purges a queue once per 60 seconds, and deletes queues', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect((await attributes(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('0');
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toBeInstanceOf(PurgeQueueInProgress);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(attributes(url)).rejects.toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('messages', () => {
  it('computes MD5OfMessageBody (verified by the SDK) and MD5OfMessageAttributes as AWS does', async () => {
    const { url } = await createQueue();
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo ✓', MessageAttributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } } }),
    );
    // Digest from the aws-md5-of-message-attributes package's documented example.
    expect(sent.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');
    const { Messages } = await receive(url);
    expect(Messages![0]).toMatchObject({ Body: 'héllo ✓', MD5OfBody: sent.MD5OfMessageBody, MD5OfMessageAttributes: '19e27d4e946b072f3f58da80d94fd778' });
    expect(Messages![0]!.MessageAttributes).toEqual({ attribName1: { DataType: 'String', StringValue: 'attribValue 1' } });
  });

  it('returns only the message attributes asked for, by name or prefix', async () => {
    const { url } = await createQueue();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'x',
        MessageAttributes: {
          'order.id': { DataType: 'String', StringValue: '42' },
          'order.total': { DataType: 'Number', StringValue: '9.5' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    const { Messages } = await receive(url, { MessageAttributeNames: ['order.*'], VisibilityTimeout: 0 });
    expect(Object.keys(Messages![0]!.MessageAttributes!).sort()).toEqual(['order.id', 'order.total']);
    const all = await receive(url, { MessageAttributeNames: ['All'] });
    expect(Buffer.from(all.Messages![0]!.MessageAttributes!.blob!.BinaryValue!)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('reports per-entry failures of SendMessageBatch, and batch-level errors as exceptions', async () => {
    const { url } = await createQueue();
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'good', MessageBody: 'fine' },
          { Id: 'bad', MessageBody: 'nul \u0000 inside' },
        ],
      }),
    );
    expect(result.Successful!.map((entry) => entry.Id)).toEqual(['good']);
    expect(result.Failed).toEqual([expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents' })]);
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'same', MessageBody: 'a' }, { Id: 'same', MessageBody: 'b' }] })),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
  });

  it('accepts a 1 MiB message and refuses a larger one', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_576) }));
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_577) }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('long polling returns as soon as a message arrives', async () => {
    const { url } = await createQueue();
    const polling = receive(url, { WaitTimeSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
    expect((await polling).Messages?.map((message) => message.Body)).toEqual(['arrived']);
  });

  it('long polling with nothing to receive answers no messages', async () => {
    const { url } = await createQueue();
    expect((await receive(url, { WaitTimeSeconds: 1 })).Messages).toBeUndefined();
  });

  it('hides a received message for the visibility timeout, then delivers it again with a new receipt handle', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const first = (await receive(url, { VisibilityTimeout: 1 })).Messages![0]!;
    expect(first.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    expect((await receive(url)).Messages).toBeUndefined();
    const second = (await receive(url, { WaitTimeSeconds: 10 })).Messages![0]!;
    expect(second.MessageId).toBe(first.MessageId);
    expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
    expect(second.Attributes).toMatchObject({
      ApproximateReceiveCount: '2',
      SentTimestamp: first.Attributes!.SentTimestamp,
      ApproximateFirstReceiveTimestamp: first.Attributes!.ApproximateFirstReceiveTimestamp,
    });
    // The handle of an earlier receive deletes nothing; the latest one deletes the message.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
    expect((await attributes(url, ['ApproximateNumberOfMessagesNotVisible'])).ApproximateNumberOfMessagesNotVisible).toBe('1');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle }));
    expect(await attributes(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('delays a message by DelaySeconds, and a long poll receives it when the delay ends', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    expect((await receive(url)).Messages).toBeUndefined();
    expect((await receive(url, { WaitTimeSeconds: 10 })).Messages![0]!.Body).toBe('later');
  });

  it('changes visibility of an in-flight message only', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const message = (await receive(url, { VisibilityTimeout: 600 })).Messages![0]!;
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    const again = (await receive(url, { VisibilityTimeout: 0 })).Messages![0]!;
    expect(again.MessageId).toBe(message.MessageId);
    await expect(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 30 }))).rejects.toBeInstanceOf(MessageNotInflight);
    const third = (await receive(url, { VisibilityTimeout: 600 })).Messages![0]!;
    const batch = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'current', ReceiptHandle: third.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'stale', ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(batch.Successful).toEqual([{ Id: 'current' }]);
    expect(batch.Failed).toEqual([expect.objectContaining({ Id: 'stale', Code: 'MessageNotInflight', SenderFault: true })]);
    expect((await receive(url)).Messages![0]!.MessageId).toBe(message.MessageId);
  });

  it('refuses a receipt handle that is not one', async () => {
    const { url } = await createQueue();
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'not-a-handle' }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it('deletes in batches', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [1, 2, 3].map((n) => ({ Id: `m${n}`, MessageBody: `body ${n}` })) }));
    const { Messages } = await receive(url, { MaxNumberOfMessages: 10 });
    expect(Messages).toHaveLength(3);
    const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages!.map((message, index) => ({ Id: `d${index}`, ReceiptHandle: message.ReceiptHandle })) }));
    expect(deleted.Successful).toHaveLength(3);
    expect((await attributes(url, ['ApproximateNumberOfMessagesNotVisible'])).ApproximateNumberOfMessagesNotVisible).toBe('0');
  });

  it('refuses MaxNumberOfMessages above 10', async () => {
    const { url } = await createQueue();
    await expect(receive(url, { MaxNumberOfMessages: 11 })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('sends by queue ARN for the other services (SqsApi), and says when the queue does not exist', async () => {
    const { url, arn } = await createQueue();
    await local.cloud.sqs.sendMessage(arn, 'from eventbridge', { source: { DataType: 'String', StringValue: 'events' } });
    expect((await receive(url)).Messages![0]).toMatchObject({ Body: 'from eventbridge', MessageAttributes: { source: { DataType: 'String', StringValue: 'events' } } });
    const error = await local.cloud.sqs.sendMessage('arn:aws:sqs:us-east-1:000000000000:nope', 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ code: 'QueueDoesNotExist', queryErrorCode: 'AWS.SimpleQueueService.NonExistentQueue' });
  });
});

describe('dead-letter queues', () => {
  async function queueWithDeadLetterQueue(maxReceiveCount: number) {
    const dlq = await createQueue();
    const source = await createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }) });
    return { dlq, source };
  }

  it('moves a message to the dead-letter queue on the receive that would exceed maxReceiveCount', async () => {
    const { dlq, source } = await queueWithDeadLetterQueue(2);
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison', MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } } }));
    const first = (await receive(source.url, { VisibilityTimeout: 0 })).Messages![0]!;
    const second = (await receive(source.url, { VisibilityTimeout: 0 })).Messages![0]!;
    expect([first.Attributes!.ApproximateReceiveCount, second.Attributes!.ApproximateReceiveCount]).toEqual(['1', '2']);
    expect((await receive(source.url)).Messages).toBeUndefined();
    const deadLettered = (await receive(dlq.url)).Messages![0]!;
    expect(deadLettered).toMatchObject({ MessageId: sent.MessageId, Body: 'poison', MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } } });
    expect(deadLettered.Attributes).toMatchObject({
      DeadLetterQueueSourceArn: source.arn,
      SentTimestamp: first.Attributes!.SentTimestamp,
      ApproximateReceiveCount: '1',
    });
  });

  it('StartMessageMoveTask moves dead-lettered messages back to their source queue', async () => {
    const { dlq, source } = await queueWithDeadLetterQueue(1);
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: ['a', 'b'].map((body) => ({ Id: body, MessageBody: body })) }));
    await receive(source.url, { VisibilityTimeout: 0, MaxNumberOfMessages: 10 });
    expect((await receive(source.url)).Messages).toBeUndefined();
    expect((await attributes(dlq.url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('2');

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    expect(TaskHandle).toEqual(expect.any(String));
    expect(await waitForMoveTask(dlq.arn)).toMatchObject({ Status: 'COMPLETED', SourceArn: dlq.arn, ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 2 });
    const back = await receive(source.url, { MaxNumberOfMessages: 10 });
    expect(back.Messages!.map((message) => message.Body).sort()).toEqual(['a', 'b']);
    expect(back.Messages!.map((message) => message.Attributes!.ApproximateReceiveCount)).toEqual(['1', '1']);
    expect((await attributes(dlq.url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('0');
  });

  it('StartMessageMoveTask moves to a given destination, and refuses a queue that is no dead-letter queue', async () => {
    const { dlq, source } = await queueWithDeadLetterQueue(1);
    const destination = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'elsewhere' }));
    await receive(source.url, { VisibilityTimeout: 0 });
    await receive(source.url);
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: destination.arn }));
    expect(await waitForMoveTask(dlq.arn)).toMatchObject({ Status: 'COMPLETED', DestinationArn: destination.arn, ApproximateNumberOfMessagesMoved: 1 });
    expect((await receive(destination.url)).Messages![0]!.Body).toBe('elsewhere');
    const error = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: source.arn })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SQSServiceException);
    expect(error).toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('peeking (local tools)', () => {
  it('shows every message with all its attributes, in flight or not, without receiving any', async () => {
    const dlq = await createQueue();
    const source = await createQueue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison', MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'X' } } }));
    await receive(source.url, { VisibilityTimeout: 0 });
    await receive(source.url);
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: 'in flight' }));
    await receive(dlq.url, { MaxNumberOfMessages: 10, VisibilityTimeout: 600 });

    const peeked = local.sqs.peekMessages(dlq.arn);

    expect(peeked).toEqual([
      expect.objectContaining({
        MessageId: sent.MessageId,
        Body: 'poison',
        MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'X' } },
        Attributes: expect.objectContaining({ DeadLetterQueueSourceArn: source.arn, ApproximateReceiveCount: '1' }),
      }),
      expect.objectContaining({ Body: 'in flight', Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }) }),
    ]);
    expect(peeked[0]).not.toHaveProperty('ReceiptHandle');
    expect(local.sqs.peekMessages(dlq.url)).toEqual(peeked);
    expect(await attributes(dlq.url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '2' });
    expect(() => local.sqs.peekMessages(`${dlq.arn}-missing`)).toThrow(AwsError);
  });
});

describe('FIFO queues', () => {
  const fifo = (extra: Record<string, string> = {}) => createQueue({ FifoQueue: 'true', ...extra }, '.fifo');

  it('delivers a group in order and holds the group while one of its messages is in flight', async () => {
    const { url } = await fifo();
    for (const body of ['a1', 'a2', 'b1']) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: body[0], MessageDeduplicationId: body }));
    }
    const first = (await receive(url, { MaxNumberOfMessages: 1 })).Messages![0]!;
    expect(first.Body).toBe('a1');
    expect(first.Attributes).toMatchObject({ MessageGroupId: 'a', MessageDeduplicationId: 'a1', SequenceNumber: expect.any(String) });
    const next = await receive(url, { MaxNumberOfMessages: 10 });
    expect(next.Messages!.map((message) => message.Body)).toEqual(['b1']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
    expect((await receive(url)).Messages![0]!.Body).toBe('a2');
  });

  it('deduplicates by MessageDeduplicationId or by content, and needs a MessageGroupId', async () => {
    const { url } = await fifo({ ContentBasedDeduplication: 'true' });
    const one = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g' }));
    const two = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g' }));
    expect(two.MessageId).toBe(one.MessageId);
    expect((await attributes(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages).toBe('1');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toMatchObject({ name: 'MissingParameter' });
    const plain = await fifo();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: plain.url, MessageBody: 'x', MessageGroupId: 'g' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('usage (the meter)', () => {
  it('counts every call on a queue in 64 KB chunks of what it carries, and empty receives apart', async () => {
    const { url } = await createQueue();
    const name = url.split('/').pop()!;
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(100 * 1024) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'small' }, { Id: 'b', MessageBody: 'small' }] }));
    const { Messages = [] } = await receive(url, { MaxNumberOfMessages: 10 });
    expect(Messages).toHaveLength(3);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    await receive(url, { WaitTimeSeconds: 0 });
    await local.sqs.sendMessage(url, 'from another service');
    expect(local.usage.snapshot().sqs[name]).toEqual({
      requests: 5,
      chunks: 7,
      emptyReceives: 1,
      byOperation: { SendMessage: 2, SendMessageBatch: 1, ReceiveMessage: 1, DeleteMessageBatch: 1 },
    });
  });
});
