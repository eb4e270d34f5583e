import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { HttpApis } from '../apigateway/http-api';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig, recordActivity } from '../lambda/fixtures/activity';
import { remembered } from '../lambda/fixtures/handlers';
import { awsCli } from '../test-support';

/**
 * Each fault of the plan, made to happen on the emulator and observed the way a client of AWS observes it: through
 * the SDK (and the AWS CLI), with the plan set as the tests, `PUT /_local/faults` and LOCAL_CLOUD_FAULTS set it.
 */
const FIXTURES = path.join(__dirname, '..', 'lambda', 'fixtures');
const run = promisify(execFile);
let local: LocalCloud;
let unique = 0;
const config = () => clientConfig(local.url);

beforeEach(async () => {
  // The fixtures declare no roles or policies: IAM is off here; its checks between services are tested in iam/.
  local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
});
afterEach(() => local.stop());

const next = (prefix: string) => `${prefix}-${++unique}`;

async function queue(sqs: SQSClient, name = next('q')) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn!, name };
}

async function receiveAll(sqs: SQSClient, url: string, count: number, timeoutMs = 5000) {
  const messages: Array<{ Body?: string; MessageId?: string; ReceiptHandle?: string }> = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    messages.push(...Messages);
  }
  return messages;
}

/** A bus with a rule on `source` that delivers to a new queue. */
async function busToQueue(name = next('bus')) {
  const events = new EventBridgeClient(config());
  const sqs = new SQSClient(config());
  await events.send(new CreateEventBusCommand({ Name: name }));
  const target = await queue(sqs);
  await events.send(new PutRuleCommand({ Name: 'to-queue', EventBusName: name, EventPattern: JSON.stringify({ source: ['test'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'to-queue', EventBusName: name, Targets: [{ Id: 'queue', Arn: target.arn }] }));
  const put = (detail: object) => events.send(new PutEventsCommand({ Entries: [{ EventBusName: name, Source: 'test', DetailType: 'Tested', Detail: JSON.stringify(detail) }] }));
  return { events, sqs, target, put, bus: name };
}

describe('the plan', () => {
  it('is off by default, replaced by PUT /_local/faults, shown with counts by GET, and refused with 400 naming a bad key', async () => {
    const get = async () => (await fetch(`${local.url}/_local/faults`)).json();
    expect(await get()).toEqual({ plan: { seed: 1 }, injected: expect.objectContaining({ duplicate: 0, delay: 0, 'lambda.after': 0 }) });
    const put = (body: string) => fetch(`${local.url}/_local/faults`, { method: 'PUT', body });
    const accepted = await put(JSON.stringify({ seed: 3, duplicate: 1, 'lambda.after': { rate: 0.5, scope: 'shop-*' } }));
    expect(accepted.status).toBe(200);
    expect(await get()).toMatchObject({ plan: { seed: 3, duplicate: 1, 'lambda.after': { rate: 0.5, scope: ['shop-*'] } } });
    for (const [body, named] of [
      ['{"duplicat": 0.3}', 'unknown key "duplicat"'],
      ['{"duplicate": 3}', 'duplicate must be a probability'],
      ['{"delay": "fast"}', 'delay must be a range'],
      ['not json', 'not JSON'],
    ]) {
      const refused = await put(body!);
      expect(refused.status).toBe(400);
      expect((await refused.json()).message).toContain(named);
    }
    // A refused plan leaves the one in force.
    expect((await get()).plan).toMatchObject({ seed: 3, duplicate: 1 });
    expect((await put('{}')).status).toBe(200);
    expect((await get()).plan).toEqual({ seed: 1 });
  });
});

describe('duplicate', () => {
  it('EventBridge delivers one event twice to a target, with the same event id', async () => {
    const { sqs, target, put } = await busToQueue();
    local.faults.set({ duplicate: { rate: 1, scope: 'queue' } });
    await put({ n: 1 });
    const messages = await receiveAll(sqs, target.url, 2);
    expect(messages).toHaveLength(2);
    const [first, second] = messages.map((message) => JSON.parse(message.Body!));
    expect(second.id).toBe(first.id);
    expect(local.faults.snapshot().injected.duplicate).toBe(1);
  });

  it('a Lambda asynchronous invocation runs twice', async () => {
    const fn = local.lambda.registerFunction({ functionName: next('async'), handler: 'handlers.remember', servicePath: FIXTURES });
    local.faults.set({ duplicate: { rate: 1, scope: fn.functionName } });
    const mark = `async-${unique}`;
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ mark }));
    await local.lambda.asyncSettled();
    expect(remembered.filter((event) => (event as { mark?: string }).mark === mark)).toHaveLength(2);
  });

  it('an SQS standard queue delivers a deleted message again (a copy missed the delete)', async () => {
    const sqs = new SQSClient(config());
    const { url, name } = await queue(sqs);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once' }));
    local.faults.set({ duplicate: { rate: 1, scope: name } });
    const [first] = await receiveAll(sqs, url, 1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle }));
    local.faults.set({});
    const [again] = await receiveAll(sqs, url, 1);
    expect(again).toMatchObject({ MessageId: first!.MessageId, Body: 'once' });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again!.ReceiptHandle }));
    expect(await receiveAll(sqs, url, 1, 300)).toEqual([]);
  });
});

describe('delay', () => {
  it('holds deliveries back a random time in the range, so events arrive out of the order they were put', async () => {
    const { sqs, target, put } = await busToQueue();
    local.faults.set({ seed: 11, delay: '0-200ms' });
    for (let n = 0; n < 12; n++) await put({ n });
    const order = (await receiveAll(sqs, target.url, 12)).map((message) => JSON.parse(message.Body!).detail.n);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(order).not.toEqual([...Array(12).keys()]);
    expect(local.faults.snapshot().injected.delay).toBe(12);
  });
});

describe('lambda.before', () => {
  it('refuses a synchronous invoke before the handler runs, throttled (429) or with a service error (500)', async () => {
    const fn = local.lambda.registerFunction({ functionName: next('before'), handler: 'handlers.remember', servicePath: FIXTURES });
    const lambda = new LambdaClient({ ...config(), maxAttempts: 1 });
    local.faults.set({ seed: 5, 'lambda.before': 1 });
    const seen = new Set<string>();
    const ran = remembered.length;
    for (let i = 0; i < 8; i++) {
      const error = await lambda.send(new InvokeCommand({ FunctionName: fn.functionName, Payload: Buffer.from('{}') })).catch((e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } });
      seen.add(`${(error as { name: string }).name} ${(error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode}`);
    }
    expect(seen).toEqual(new Set(['TooManyRequestsException 429', 'ServiceException 500']));
    expect(remembered.length).toBe(ran);
  });

  it('an asynchronous event refused by Lambda goes back to its queue and runs later, not counted as a retry', async () => {
    const fn = local.lambda.registerFunction({ functionName: next('requeue'), handler: 'handlers.remember', servicePath: FIXTURES, maximumRetryAttempts: 0 });
    const activity = recordActivity(local.cloud);
    local.faults.set({ 'lambda.before': { rate: 1, scope: fn.functionName } });
    const mark = `requeue-${unique}`;
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ mark }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    local.faults.set({});
    await local.lambda.asyncSettled();
    expect(remembered.filter((event) => (event as { mark?: string }).mark === mark)).toHaveLength(1);
    expect(activity.filter((a) => a.type === 'async.requeued' && a.functionName === fn.functionName).length).toBeGreaterThan(0);
    expect(activity.some((a) => a.type === 'async.failed' && a.functionName === fn.functionName)).toBe(false);
  });
});

describe('lambda.after', () => {
  it('runs the handler to its end, then reports a timeout or a crash as Lambda does', async () => {
    const fn = local.lambda.registerFunction({ functionName: next('after'), handler: 'handlers.remember', servicePath: FIXTURES, timeoutSeconds: 6 });
    const lambda = new LambdaClient(config());
    local.faults.set({ seed: 2, 'lambda.after': 1 });
    const ran = remembered.length;
    const errors = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: fn.functionName, Payload: Buffer.from(JSON.stringify({ i })) }));
      expect(answer.FunctionError).toBe('Unhandled');
      const payload = JSON.parse(Buffer.from(answer.Payload!).toString());
      errors.add(payload.errorType ?? `no errorType: ${/Task timed out after 6\.00 seconds/.test(payload.errorMessage)}`);
    }
    expect(remembered.length).toBe(ran + 12);
    expect(errors).toEqual(new Set(['Sandbox.Timedout', 'Runtime.ExitError', 'no errorType: true']));
  });

  it('is scoped by function name: other functions answer normally', async () => {
    const faulted = local.lambda.registerFunction({ functionName: 'shop-payments-dev-capture', handler: 'handlers.remember', servicePath: FIXTURES });
    const spared = local.lambda.registerFunction({ functionName: 'shop-orders-dev-get', handler: 'handlers.remember', servicePath: FIXTURES });
    local.faults.set({ 'lambda.after': { rate: 1, scope: 'shop-payments-*' } });
    expect((await local.lambda.invoke(faulted.functionName, '{}')).functionError).toBe('Unhandled');
    expect((await local.lambda.invoke(spared.functionName, '{}')).functionError).toBeUndefined();
  });
});

describe('putEvents', () => {
  it('fails entries with InternalFailure or ThrottlingException, puts none of them, and counts them', async () => {
    const { events, sqs, target, bus } = await busToQueue();
    local.faults.set({ seed: 4, putEvents: 1 });
    const answer = await events.send(
      new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, n) => ({ EventBusName: bus, Source: 'test', DetailType: 'Tested', Detail: JSON.stringify({ n }) })) }),
    );
    expect(answer.FailedEntryCount).toBe(10);
    expect(new Set(answer.Entries!.map((entry) => entry.ErrorCode))).toEqual(new Set(['InternalFailure', 'ThrottlingException']));
    expect(answer.Entries!.every((entry) => entry.EventId === undefined)).toBe(true);
    expect(await receiveAll(sqs, target.url, 1, 300)).toEqual([]);
    expect(local.faults.snapshot().injected.putEvents).toBe(10);
  });

  it("fails Step Functions' events:putEvents task with EventBridge.FailedEntry", async () => {
    const { bus } = await busToQueue();
    const sfn = new SFNClient(config());
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: next('publisher'),
        roleArn: 'arn:aws:iam::000000000000:role/states',
        definition: JSON.stringify({
          StartAt: 'Publish',
          States: { Publish: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Parameters: { Entries: [{ EventBusName: bus, Source: 'test', DetailType: 'Tested', Detail: {} }] }, End: true } },
        }),
      }),
    );
    local.faults.set({ putEvents: 1 });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    let execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (execution.status === 'RUNNING') execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'EventBridge.FailedEntry' });
  });

  it('shows the failed entries to the AWS CLI', async () => {
    const { bus } = await busToQueue();
    local.faults.set({ putEvents: 1 });
    const entries = JSON.stringify([{ EventBusName: bus, Source: 'test', DetailType: 'Tested', Detail: '{}' }]);
    expect(await awsCli(local.url, 'events', 'put-events', '--entries', entries)).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: expect.stringMatching(/^(InternalFailure|ThrottlingException)$/) }] });
  });
});

describe('dynamodb', () => {
  async function table(dynamodb: DynamoDBClient) {
    const TableName = next('table');
    await dynamodb.send(
      new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
    );
    return TableName;
  }

  it('throttle: a request is refused with ProvisionedThroughputExceededException (the SDK retries it)', async () => {
    const once = new DynamoDBClient({ ...config(), maxAttempts: 1 });
    const TableName = await table(once);
    local.faults.set({ 'dynamodb.throttle': { rate: 1, scope: TableName } });
    await expect(once.send(new GetItemCommand({ TableName, Key: { id: { S: 'a' } } }))).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
  });

  it('lostResponse: the write is applied but answered 500, so the SDK retries it and a conditional write fails its own condition', async () => {
    const dynamodb = new DynamoDBClient(config());
    const TableName = await table(dynamodb);
    local.faults.set({ 'dynamodb.lostResponse': { rate: 0.5, scope: TableName }, seed: 1 });
    const outcomes: string[] = [];
    for (let n = 0; n < 10; n++) {
      const id = `item-${n}`;
      const written = await dynamodb
        .send(new PutItemCommand({ TableName, Item: { id: { S: id } }, ConditionExpression: 'attribute_not_exists(id)' }))
        .then(() => 'written', (error: { name: string }) => error.name);
      outcomes.push(written);
      expect((await dynamodb.send(new GetItemCommand({ TableName, Key: { id: { S: id } } }))).Item).toEqual({ id: { S: id } });
    }
    expect(outcomes).toContain('ConditionalCheckFailedException');
    expect(outcomes).toContain('written');
    // Counted once per applied write whose answer was lost: the retry that failed its condition is not a fault.
    expect(local.faults.snapshot().injected['dynamodb.lostResponse']).toBe(outcomes.filter((outcome) => outcome === 'ConditionalCheckFailedException').length);
  });
});

describe('ses', () => {
  it('SendEmail is throttled or rejected, and nothing is sent', async () => {
    const ses = new SESv2Client({ ...config(), maxAttempts: 1 });
    local.faults.set({ seed: 9, ses: 1 });
    const errors = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const error = await ses
        .send(new SendEmailCommand({ FromEmailAddress: 'shop@example.com', Destination: { ToAddresses: ['ada@example.com'] }, Content: { Simple: { Subject: { Data: 'hi' }, Body: { Text: { Data: 'hello' } } } } }))
        .catch((e: { name: string }) => e);
      errors.add((error as { name: string }).name);
    }
    expect(errors).toEqual(new Set(['TooManyRequestsException', 'MessageRejected']));
    expect(local.ses.listSentEmails({ to: 'ada@example.com' })).toEqual([]);
  });
});

describe('http', () => {
  it('answers 503 after the function ran', async () => {
    const fn = local.lambda.registerFunction({ functionName: next('route'), handler: 'handlers.remember', servicePath: FIXTURES });
    const http = new HttpApis(local.cloud, local.lambda);
    const api = http.createApi('shop');
    http.createRoute(api, 'POST /orders', `integrations/${http.createIntegration(api, { functionArn: fn.arn, payloadFormatVersion: '2.0' })}`);
    local.faults.set({ http: { rate: 1, scope: 'POST /orders' } });
    const ran = remembered.length;
    expect(await http.handle({ method: 'POST', url: '/orders', headers: { 'idempotency-key': 'k-1' }, body: '{}' })).toMatchObject({ status: 503 });
    expect(remembered.length).toBe(ran + 1);
  });
});

describe('LOCAL_CLOUD_FAULTS', () => {
  it('sets the plan of `npm run local-cloud`; a bad plan stops it with a message naming the key', async () => {
    const bin = path.join(__dirname, '..', '..', 'bin', 'local-cloud.ts');
    const tsx = path.join(__dirname, '..', '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const failure = await run(tsx, [bin], { env: { ...process.env, PORT: '0', LOCAL_CLOUD_FAULTS: 'seed=7,lambda.afterr=0.1' } }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown key "lambda.afterr"') });
  });
});
