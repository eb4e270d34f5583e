import path from 'node:path';
import { CreateArchiveCommand, EventBridgeClient, CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../../libs/local-cloud/src';
import { busOfRule, redriveExecution, redriveQueue } from '../../scripts/redrive-dlq';
import { replayArchive } from '../../scripts/replay-archive';

const config = () => ({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const LAMBDA_FIXTURES = path.resolve(__dirname, '../../libs/local-cloud/src/lambda');
let local: LocalCloud;
let sqs: SQSClient;
let events: EventBridgeClient;
let lambda: LambdaClient;
let sfn: SFNClient;
const clients = () => ({ sqs, events, lambda, sfn });

beforeAll(async () => {
  // The fixtures declare no roles or queue policies: IAM is off; its checks between services are tested in libs/local-cloud/src/iam/.
  local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
  sqs = new SQSClient(config());
  events = new EventBridgeClient(config());
  lambda = new LambdaClient(config());
  sfn = new SFNClient(config());
});
afterAll(async () => {
  for (const c of [sqs, events, lambda, sfn]) c.destroy();
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

    expect(report).toEqual({ redriven: [{ messageId: expect.any(String), via: 'PutEvents', target: 'redrive-bus' }], kept: [], settled: [] });
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
      servicePath: LAMBDA_FIXTURES,
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
    expect(report).toEqual({ redriven: [], kept: [{ messageId: expect.any(String), reason: expect.stringContaining('not a message of a known DLQ kind') }], settled: [] });
    expect(await drainQueue(dlq.url)).toEqual(['no idea where this came from']);
  });
});

describe('npm run redrive: failed executions (FailedSagasQueue)', () => {
  /** A Standard machine: `Flaky` calls a function that is not registered until the test fixes it, then `Outcome` ends as `outcome` says. */
  async function machine(name: string, functionName: string) {
    const definition = {
      StartAt: 'Flaky',
      States: {
        Flaky: { Type: 'Task', Resource: local.cloud.arn('lambda', `function:${functionName}`), ResultPath: null, Next: 'Outcome' },
        Outcome: { Type: 'Choice', Choices: [{ Variable: '$.outcome', StringEquals: 'declined', Next: 'Declined' }], Default: 'Done' },
        Declined: { Type: 'Fail', Error: 'Declined', Cause: 'a business outcome' },
        Done: { Type: 'Succeed' },
      },
    };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::000000000000:role/r' }));
    return stateMachineArn!;
  }

  it('redrives the executions its status-change events name, once the cause is fixed, and keeps what a redrive cannot fix', async () => {
    const failed = await queue('failed-sagas');
    const functionName = 'redrive-flaky-step';
    const stateMachineArn = await machine('redrive-saga', functionName);
    await events.send(
      new PutRuleCommand({
        Name: 'failed-sagas',
        EventPattern: JSON.stringify({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { stateMachineArn: [stateMachineArn], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } }),
      }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'failed-sagas', Targets: [{ Id: 'queue', Arn: failed.arn }] }));
    const start = async (name: string, outcome: string) => (await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ outcome }) }))).executionArn!;
    const status = async (executionArn: string) => (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
    const closed = async (executionArn: string) => {
      while ((await status(executionArn)) === 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 10));
      return status(executionArn);
    };

    // The step's function does not exist yet: both fail at Flaky (Lambda.ResourceNotFoundException).
    const toConfirm = await start('to-confirm', 'ok');
    const toDecline = await start('to-decline', 'declined');
    expect([await closed(toConfirm), await closed(toDecline)]).toEqual(['FAILED', 'FAILED']);
    await local.events.drain();

    // The cause is fixed: the function is there.
    local.lambda.registerFunction({ functionName, handler: 'fixtures/handlers.echo', servicePath: LAMBDA_FIXTURES });
    const report = await redriveQueue({ queueUrl: failed.url, clients: clients() });
    expect(report.redriven.map((r) => [r.via, r.target]).sort()).toEqual([
      ['RedriveExecution', toConfirm],
      ['RedriveExecution', toDecline],
    ]);
    expect(await closed(toConfirm)).toBe('SUCCEEDED');
    // Redriven past Flaky, this one ends in its Fail state: FAILED again, and its new event is in the queue.
    expect(await closed(toDecline)).toBe('FAILED');
    await local.events.drain();

    const again = await redriveQueue({ queueUrl: failed.url, clients: clients() });
    expect(again).toEqual({ redriven: [], kept: [{ messageId: expect.any(String), reason: 'ended in its Fail state Declined (Declined): a redrive would fail the same way' }], settled: [] });
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: toDecline }))).redriveCount).toBe(1);

    // By hand, by ARN: nothing to redrive for a succeeded one.
    expect(await redriveExecution(toConfirm, { sfn })).toEqual({ outcome: 'settled', reason: 'the execution is SUCCEEDED' });
    expect(await drainQueue(failed.url)).toHaveLength(1);
  });

  it('deletes a message whose execution was redriven since, or succeeded meanwhile', async () => {
    const failed = await queue('failed-sagas-stale');
    const functionName = 'redrive-stale-step';
    const stateMachineArn = await machine('redrive-stale', functionName);
    const executionArn = (await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'stale', input: '{"outcome":"ok"}' }))).executionArn!;
    let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (described.status === 'RUNNING') described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const event = { source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn, stateMachineArn, status: 'FAILED', redriveCount: 0 } };
    await sqs.send(new SendMessageCommand({ QueueUrl: failed.url, MessageBody: JSON.stringify(event) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: failed.url, MessageBody: JSON.stringify(event) }));
    local.lambda.registerFunction({ functionName, handler: 'fixtures/handlers.echo', servicePath: LAMBDA_FIXTURES });
    // Two messages of one failure: one redrive (the second sees it RUNNING or SUCCEEDED, or redriven since).
    const report = await redriveQueue({ queueUrl: failed.url, clients: clients() });
    expect(report.redriven).toHaveLength(1);
    expect(report.settled).toEqual([{ messageId: expect.any(String), reason: expect.stringMatching(/the execution is (RUNNING|SUCCEEDED)|redriven since/) }]);
    expect(await drainQueue(failed.url)).toEqual([]);
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
