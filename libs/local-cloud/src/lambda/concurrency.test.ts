import path from 'node:path';
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsErrorOf } from '../test-support';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig, nextActivity, recordActivity } from './fixtures/activity';
import type { FunctionRegistration } from './function-config';

const FIXTURES = path.join(__dirname, 'fixtures');
let local: LocalCloud;
let lambda: LambdaClient;
let sqs: SQSClient;
let sfn: SFNClient;
let count = 0;

beforeAll(async () => {
  // Lambda's throttle backoff (1 s doubling to 5 min) and its retry waits become milliseconds.
  // The fixtures declare no roles or policies: IAM is off here; its checks between services are tested in iam/.
  local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
  // One attempt: the SDK would otherwise retry a throttle by itself.
  lambda = new LambdaClient({ ...clientConfig(local.url), maxAttempts: 1 });
  sqs = new SQSClient(clientConfig(local.url));
  sfn = new SFNClient(clientConfig(local.url));
});

afterAll(async () => {
  for (const client of [lambda, sqs, sfn]) client.destroy();
  await local.stop();
});

function register(handler: string, options: Partial<FunctionRegistration> = {}) {
  return local.lambda.registerFunction({ functionName: `reserved-${++count}`, handler: `handlers.${handler}`, servicePath: FIXTURES, ...options });
}

async function createQueue(attributes: Record<string, string> = {}) {
  const name = `reserved-${++count}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

describe('ReservedConcurrentExecutions', () => {
  it('throttles a synchronous Invoke beyond the reserved concurrency with 429 TooManyRequestsException, before the handler runs', async () => {
    const fn = register('slow', { reservedConcurrentExecutions: 1 });
    const activities = recordActivity(local.cloud);
    const first = local.lambda.invoke(fn.functionName, JSON.stringify({ ms: 300 }));
    const refused = await lambda.send(new InvokeCommand({ FunctionName: fn.functionName, Payload: JSON.stringify({ ms: 0 }) })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyRequestsException);
    expect((refused as TooManyRequestsException).$metadata.httpStatusCode).toBe(429);
    expect(JSON.parse((await first).payload)).toBe('finished');
    const mine = activities.filter((activity) => activity.functionName === fn.functionName);
    expect(mine.filter((activity) => activity.type === 'invocation.started')).toHaveLength(1);
    expect(mine.filter((activity) => activity.type === 'invocation.throttled')).toEqual([
      expect.objectContaining({ invocationType: 'RequestResponse', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }),
    ]);
    // The slot is free again once the first invocation ended.
    const after = await lambda.send(new InvokeCommand({ FunctionName: fn.functionName, Payload: JSON.stringify({ ms: 0 }) }));
    expect(after.StatusCode).toBe(200);
  });

  it('refuses a reserved concurrency outside 0..900, naming the setting', () => {
    expect(() => register('echo', { reservedConcurrentExecutions: -1 })).toThrow(/ReservedConcurrentExecutions of function reserved-\d+ must be an integer from 0 to 900, not -1/);
  });

  it('retries a throttled asynchronous event with backoff, without counting it against MaximumRetryAttempts', async () => {
    const success = await createQueue();
    const fn = register('slow', { reservedConcurrentExecutions: 1, maximumRetryAttempts: 0, onSuccessDestinationArn: success.arn });
    const activities = recordActivity(local.cloud);
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ ms: 200 }));
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ ms: 0 }));
    await local.lambda.asyncSettled();
    const mine = activities.filter((activity) => activity.functionName === fn.functionName);
    expect(mine.filter((activity) => activity.type === 'invocation.succeeded')).toHaveLength(2);
    // The second event waited 1, 2, 4... seconds (of AWS time) between throttles while the first ran.
    const delays = mine.filter((activity) => activity.type === 'async.requeued').map((activity) => activity.delayMs);
    expect(delays.slice(0, 3)).toEqual([1000, 2000, 4000]);
    // Each event ran once, as its first attempt: the throttles were no attempts.
    expect(mine.filter((activity) => activity.type === 'invocation.started').map((activity) => activity.attempt)).toEqual([1, 1]);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: success.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages?.map((message) => JSON.parse(message.Body!).requestContext.approximateInvokeCount)).toEqual([1, 1]);
  });

  it('gives up on an event throttled until MaximumEventAgeInSeconds: EventAgeExceeded, never invoked', async () => {
    const failure = await createQueue();
    const fn = register('echo', { reservedConcurrentExecutions: 0, maximumEventAgeInSeconds: 60, onFailureDestinationArn: failure.arn });
    const activities = recordActivity(local.cloud);
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ orderId: 'o-1' }));
    await local.lambda.asyncSettled();
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failure.url, WaitTimeSeconds: 1 }));
    const record = JSON.parse(Messages![0]!.Body!);
    expect(record).toMatchObject({ requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 0 }, requestPayload: { orderId: 'o-1' } });
    expect(record.responseContext).toBeUndefined();
    const mine = activities.filter((activity) => activity.functionName === fn.functionName);
    expect(mine.filter((activity) => activity.type === 'invocation.started')).toEqual([]);
    // Backoff doubling from 1 s until the event is 60 s old (1 + 2 + ... + 32 s at the latest).
    const delays = mine.filter((activity) => activity.type === 'async.requeued').map((activity) => activity.delayMs);
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(delays).toEqual(delays.map((_, retry) => 1000 * 2 ** retry));
  });

  it('leaves a throttled SQS batch in the queue', async () => {
    const queue = await createQueue({ VisibilityTimeout: '600' });
    const fn = register('reportPoison', { reservedConcurrentExecutions: 0 });
    const throttled = nextActivity(local.cloud, (activity) => activity.type === 'esm.batch-throttled' && activity.functionName === fn.functionName);
    const mapping = await local.lambda.createEventSourceMapping({ functionName: fn.functionName, queueArn: queue.arn });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'kept' }));
    expect(await throttled).toMatchObject({ size: 1 });
    await local.lambda.deleteEventSourceMapping(mapping.uuid);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
    expect(Attributes!.ApproximateNumberOfMessagesNotVisible).toBe('1');
  });

  it('fails a Step Functions Lambda task with Lambda.TooManyRequestsException', async () => {
    const fn = register('echo', { reservedConcurrentExecutions: 0 });
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: `throttled-${count}`,
        roleArn: 'arn:aws:iam::000000000000:role/saga',
        definition: JSON.stringify({
          StartAt: 'Call',
          States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fn.arn, 'Payload.$': '$' }, End: true } },
        }),
      }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (let tries = 0; tries < 400 && described.status === 'RUNNING'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    expect(described).toMatchObject({ status: 'FAILED', error: 'Lambda.TooManyRequestsException' });
    expect(described.cause).toContain('Status Code: 429');
  });

  it('answers an HTTP API request to a throttled function with 500, as API Gateway does', async () => {
    const fn = register('echo', { reservedConcurrentExecutions: 0 });
    const apiId = local.http.createApi('throttled');
    const integration = local.http.createIntegration(apiId, { functionArn: fn.arn, payloadFormatVersion: '2.0' });
    local.http.createRoute(apiId, 'GET /throttled', `integrations/${integration}`);
    const answer = await local.http.handle({ method: 'GET', url: '/throttled' });
    expect(answer.status).toBe(500);
    expect(JSON.parse(String(answer.body))).toEqual({ message: 'Internal Server Error' });
  });

  it('with a reserved concurrency of 0 throttles every invocation: TooManyRequestsException "Rate Exceeded."', async () => {
    const fn = register('echo', { reservedConcurrentExecutions: 0 });
    expect(await awsErrorOf(local.lambda.invoke(fn.functionName, '{}'))).toMatchObject({ code: 'TooManyRequestsException', statusCode: 429, message: 'Rate Exceeded.' });
  });
});
