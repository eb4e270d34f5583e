import path from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsError } from '../errors';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig, recordActivity } from './fixtures/activity';
import type { FunctionRegistration } from './function-config';

const FIXTURES = path.join(__dirname, 'fixtures');
let local: LocalCloud;
let sqs: SQSClient;
let functionCount = 0;

beforeAll(async () => {
  // Lambda's async retry waits (1 and 2 minutes) become 60 and 120 ms.
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  sqs = new SQSClient(clientConfig(local.url));
});

afterAll(async () => {
  sqs.destroy();
  await local.stop();
});

function register(handler: string, options: Partial<FunctionRegistration> = {}) {
  return local.lambda.registerFunction({ functionName: `fn-${++functionCount}`, handler: `handlers.${handler}`, servicePath: FIXTURES, ...options });
}

async function createQueue(): Promise<{ url: string; arn: string }> {
  const name = `destination-${++functionCount}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

/** The next message of a queue (long polling until it is there). */
async function nextMessage(url: string) {
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageAttributeNames: ['All'] }));
    if (Messages?.[0]) return Messages[0];
  }
}

describe('synchronous invoke, in process', () => {
  it('calls the handler with the event and a Lambda context', async () => {
    const fn = register('echo');
    const result = await local.lambda.invoke(fn.functionName, JSON.stringify({ order: 42 }));
    expect(result.functionError).toBeUndefined();
    expect(JSON.parse(result.payload)).toEqual({
      event: { order: 42 },
      functionName: fn.functionName,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn.functionName}`,
      hasTimeLeft: true,
    });
  });

  it("writes every invocation of a function to that function's one log stream, as a warm execution environment does", async () => {
    const [first, second] = [register('logStream'), register('logStream')];
    const streamOf = async (functionName: string) => JSON.parse((await local.lambda.invoke(functionName, '{}')).payload) as string;
    const streams = [await streamOf(first.functionName), await streamOf(first.functionName), await streamOf(second.functionName)];
    expect(streams[0]).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(streams[1]).toBe(streams[0]);
    expect(streams[2]).not.toBe(streams[0]);
  });

  it('finds the function by ARN, and refuses an unknown one with ResourceNotFoundException', async () => {
    const fn = register('echo');
    expect((await local.lambda.invoke(fn.arn, '{}')).functionError).toBeUndefined();
    const error = await local.lambda.invoke('nope', '{}').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
  });

  it('answers an exception as an Unhandled function error with errorType, errorMessage and trace', async () => {
    const result = await local.lambda.invoke(register('fail').functionName, '{}');
    expect(result.functionError).toBe('Unhandled');
    const payload = JSON.parse(result.payload);
    expect(payload).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
    expect(payload.trace[0]).toBe('TypeError: boom');
  });

  it('fails a handler that runs past its timeout as Lambda reports it', async () => {
    const result = await local.lambda.invoke(register('slow', { timeoutSeconds: 1 }).functionName, JSON.stringify({ ms: 1500 }));
    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload)).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 1.00 seconds') });
  });

  it('supports callback-style handlers', async () => {
    const result = await local.lambda.invoke(register('callbackStyle').functionName, JSON.stringify({ name: 'cb' }));
    expect(JSON.parse(result.payload)).toEqual({ hello: 'cb' });
  });

  it('gives each concurrent invocation its own function environment, and leaves process.env alone', async () => {
    const a = register('configAfterAwait', { environment: { FIXTURE_VALUE: 'a' } });
    const b = register('configAfterAwait', { environment: { FIXTURE_VALUE: 'b' } });
    const [resultA, resultB] = await Promise.all([
      local.lambda.invoke(a.functionName, JSON.stringify({ ms: 50 })),
      local.lambda.invoke(b.functionName, JSON.stringify({ ms: 10 })),
    ]);
    expect(JSON.parse(resultA.payload)).toEqual({ value: 'a', functionName: a.functionName });
    expect(JSON.parse(resultB.payload)).toEqual({ value: 'b', functionName: b.functionName });
    expect(process.env.FIXTURE_VALUE).toBeUndefined();
  });

  it('starts the X-Ray SDK in manual mode, so that no function installs an async hook on the process all of them share', async () => {
    const result = await local.lambda.invoke(register('xrayMode').functionName, '{}');
    expect(JSON.parse(result.payload)).toEqual({ automatic: false });
  });

  it('reports a missing handler module or export as Lambda runtime errors', async () => {
    const missingModule = await local.lambda.invoke(register('echo', { handler: 'nowhere.handler' }).functionName, '{}');
    expect(JSON.parse(missingModule.payload)).toMatchObject({ errorType: 'Runtime.ImportModuleError' });
    const missingExport = await local.lambda.invoke(register('notExported').functionName, '{}');
    expect(JSON.parse(missingExport.payload)).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  });

  it('refuses a payload that is not JSON', async () => {
    await expect(local.lambda.invoke(register('echo').functionName, '{not json')).rejects.toMatchObject({ code: 'InvalidRequestContentException' });
  });
});

describe('asynchronous invoke', () => {
  it('retries a failing event twice, one then two minutes apart, then sends an invocation record to the on-failure destination', async () => {
    const destination = await createQueue();
    const fn = register('fail', { onFailureDestinationArn: destination.arn });
    const activities = recordActivity(local.cloud);
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ orderId: 'o-1' }));
    const record = JSON.parse((await nextMessage(destination.url)).Body!);
    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.any(String),
      requestContext: { requestId: expect.any(String), functionArn: `${fn.arn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { orderId: 'o-1' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: expect.objectContaining({ errorType: 'TypeError', errorMessage: 'boom' }),
    });
    const mine = activities.filter((activity) => activity.requestId === record.requestContext.requestId);
    expect(mine.filter((activity) => activity.type === 'invocation.started').map((activity) => activity.attempt)).toEqual([1, 2, 3]);
    expect(mine.filter((activity) => activity.type === 'async.retry-scheduled').map((activity) => activity.delayMs)).toEqual([60_000, 120_000]);
  });

  it('sends the event itself to the function dead-letter queue, with RequestID, ErrorCode and ErrorMessage attributes', async () => {
    const dlq = await createQueue();
    const fn = register('fail', { deadLetterTargetArn: dlq.arn, maximumRetryAttempts: 0 });
    const activities = recordActivity(local.cloud);
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ orderId: 'o-2' }));
    const message = await nextMessage(dlq.url);
    expect(JSON.parse(message.Body!)).toEqual({ orderId: 'o-2' });
    const requestId = message.MessageAttributes!.RequestID!.StringValue;
    expect(message.MessageAttributes).toEqual({
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'boom' },
    });
    expect(activities.filter((activity) => activity.type === 'invocation.started' && activity.requestId === requestId)).toHaveLength(1);
  });

  it('drops an event older than MaximumEventAgeInSeconds to the destination as EventAgeExceeded', async () => {
    const destination = await createQueue();
    const fn = register('fail', { onFailureDestinationArn: destination.arn, maximumEventAgeInSeconds: 60 });
    await local.lambda.invokeAsync(fn.functionName, '{}');
    const record = JSON.parse((await nextMessage(destination.url)).Body!);
    expect(record.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 1 });
  });

  it('sends a success record to the on-success destination after a retry succeeds', async () => {
    const success = await createQueue();
    const failure = await createQueue();
    const fn = register('failOnce', { onSuccessDestinationArn: success.arn, onFailureDestinationArn: failure.arn });
    await local.lambda.invokeAsync(fn.functionName, JSON.stringify({ key: 'retry-me' }));
    const record = JSON.parse((await nextMessage(success.url)).Body!);
    expect(record).toMatchObject({
      requestContext: { condition: 'Success', approximateInvokeCount: 2 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { attempt: 2 },
    });
    expect(record.responseContext.functionError).toBeUndefined();
    await local.lambda.asyncSettled();
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: failure.url }))).Messages).toBeUndefined();
  });

  it('refuses an async invoke of an unknown function at once', async () => {
    await expect(local.lambda.invokeAsync('nope', '{}')).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
  });
});
