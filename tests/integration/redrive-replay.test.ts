import path from 'node:path';
import { CreateArchiveCommand, EventBridgeClient, CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../../libs/local-cloud/src';
import { busOfRule, redriveQueue } from '../../scripts/redrive-dlq';
import { replayArchive } from '../../scripts/replay-archive';

const config = () => ({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
let local: LocalCloud;
let sqs: SQSClient;
let events: EventBridgeClient;
let lambda: LambdaClient;
const clients = () => ({ sqs, events, lambda });

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  sqs = new SQSClient(config());
  events = new EventBridgeClient(config());
  lambda = new LambdaClient(config());
});
afterAll(async () => {
  for (const c of [sqs, events, lambda]) c.destroy();
  await local.stop();
});

async function queue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Receives and deletes everything a queue holds now. */
async function drainQueue(url: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    for (const m of Messages) {
      bodies.push(m.Body!);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

describe('npm run redrive', () => {
  it('reads the bus from a rule ARN', () => {
    expect(busOfRule('arn:aws:events:us-east-1:123456789012:rule/shop-dev/shop-orders-dev-outcomes')).toBe('shop-dev');
    expect(busOfRule('arn:aws:events:us-east-1:123456789012:rule/on-default')).toBe('default');
  });

  it('puts a rule-DLQ event back on its bus once the cause is fixed, and it is delivered exactly once', async () => {
    await events.send(new CreateEventBusCommand({ Name: 'redrive-bus' }));
    const dlq = await queue('rule-dlq');
    const missingTarget = local.cloud.arn('sqs', 'late-queue');
    await events.send(new PutRuleCommand({ Name: 'to-late-queue', EventBusName: 'redrive-bus', EventPattern: JSON.stringify({ source: ['test.redrive'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'to-late-queue', EventBusName: 'redrive-bus', Targets: [{ Id: 'late', Arn: missingTarget, DeadLetterConfig: { Arn: dlq.arn } }] }));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'redrive-bus', Source: 'test.redrive', DetailType: 'Poke', Detail: '{"n":7}' }] }));
    await local.events.drain();

    const late = await queue('late-queue'); // the cause, fixed
    const report = await redriveQueue({ queueUrl: dlq.url, clients: clients() });
    await local.events.drain();

    expect(report).toEqual({ redriven: [{ messageId: expect.any(String), via: 'PutEvents', target: 'redrive-bus' }], kept: [] });
    const delivered = await drainQueue(late.url);
    expect(delivered.map((b) => JSON.parse(b))).toEqual([expect.objectContaining({ source: 'test.redrive', 'detail-type': 'Poke', detail: { n: 7 } })]);
    expect(await drainQueue(dlq.url)).toEqual([]);
  });

  it('invokes a Lambda destination record again on its function', async () => {
    const dlq = await queue('fn-destination-dlq');
    const succeeded = await queue('fn-success');
    local.lambda.registerFunction({
      functionName: 'flaky-consumer',
      handler: 'fixtures/handlers.failOnce',
      servicePath: path.resolve(__dirname, '../../libs/local-cloud/src/lambda'),
      maximumRetryAttempts: 0,
      onFailureDestinationArn: dlq.arn,
      onSuccessDestinationArn: succeeded.arn,
    });
    await local.lambda.invokeAsync('flaky-consumer', JSON.stringify({ key: 'redrive-1' }));
    await local.lambda.asyncSettled();

    const report = await redriveQueue({ queueUrl: dlq.url, clients: clients() });
    await local.lambda.asyncSettled();

    expect(report.redriven).toEqual([{ messageId: expect.any(String), via: 'Invoke', target: expect.stringMatching(/:function:flaky-consumer$/) }]);
    const records = (await drainQueue(succeeded.url)).map((b) => JSON.parse(b));
    expect(records).toEqual([expect.objectContaining({ requestPayload: { key: 'redrive-1' }, responsePayload: { attempt: 2 } })]);
  });

  it('moves an SQS redrive-DLQ message back to its source queue with StartMessageMoveTask', async () => {
    const dlq = await queue('source-dlq');
    const source = await queue('source', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }), VisibilityTimeout: '0' });
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison until fixed' }));
    for (let i = 0; i < 2; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, WaitTimeSeconds: 0 }));

    const report = await redriveQueue({ queueUrl: dlq.url, clients: clients() });

    expect(report.redriven).toEqual([{ messageId: expect.any(String), via: 'StartMessageMoveTask', target: source.arn }]);
    expect(await drainQueue(source.url)).toEqual(['poison until fixed']);
    expect(await drainQueue(dlq.url)).toEqual([]);
  });

  it('keeps, and reports, what it does not recognise', async () => {
    const dlq = await queue('mystery-dlq');
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: 'no idea where this came from' }));
    const report = await redriveQueue({ queueUrl: dlq.url, clients: clients() });
    expect(report).toEqual({ redriven: [], kept: [{ messageId: expect.any(String), reason: expect.stringContaining('not a message of a known DLQ kind') }] });
    expect(await drainQueue(dlq.url)).toEqual(['no idea where this came from']);
  });
});

describe('npm run replay', () => {
  it('re-delivers the archived events of a window to the bus rules, marked with replay-name', async () => {
    await events.send(new CreateEventBusCommand({ Name: 'replay-bus' }));
    const busArn = local.cloud.arn('events', 'event-bus/replay-bus');
    await events.send(new CreateArchiveCommand({ ArchiveName: 'replay-archive', EventSourceArn: busArn }));
    const inbox = await queue('replay-inbox');
    await events.send(new PutRuleCommand({ Name: 'to-inbox', EventBusName: 'replay-bus', EventPattern: JSON.stringify({ source: ['test.replay'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'to-inbox', EventBusName: 'replay-bus', Targets: [{ Id: 'inbox', Arn: inbox.arn }] }));
    const from = new Date(Date.now() - 60_000);
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'replay-bus', Source: 'test.replay', DetailType: 'Fact', Detail: '{"k":1}' }] }));
    await local.events.drain();
    expect(await drainQueue(inbox.url)).toHaveLength(1);

    const result = await replayArchive({ archiveName: 'replay-archive', from, to: new Date(Date.now() + 1_000), replayName: 'fix-1', client: events, pollMs: 20 });
    await local.events.drain();

    expect(result).toEqual({ replayName: 'fix-1', state: 'COMPLETED', reason: undefined });
    const replayed = (await drainQueue(inbox.url)).map((b) => JSON.parse(b));
    expect(replayed).toEqual([expect.objectContaining({ 'replay-name': 'fix-1', detail: { k: 1 } })]);
  });
});
