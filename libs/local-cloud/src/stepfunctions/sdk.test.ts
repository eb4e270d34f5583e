import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionNotRedrivable,
  InvalidExecutionInput,
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { MAX_STEP_FUNCTIONS_PAYLOAD_BYTES } from '@shop/aws-limits';
import { jsonErrorResponse, newRequestId, readBody, toAwsError, toJson, writeResponse } from '../protocol';
import { closeTestClouds, functionArn, FunctionError, testStepFunctions, type TestStepFunctions } from './test-cloud';

/**
 * The service as the AWS SDK sees it, through a minimal awsJson1_0 endpoint (`X-Amz-Target:
 * AWSStepFunctions.<Op>`) like the emulator's: request and answer shapes, epoch-second dates, error codes.
 */

const CONTENT_TYPE = 'application/x-amz-json-1.0';
let t: TestStepFunctions;
let server: http.Server;
let client: SFNClient;
let endpoint: string;

beforeAll(async () => {
  t = testStepFunctions();
  server = http.createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target']).replace('AWSStepFunctions.', '');
    const body = (await readBody(req)).toString('utf8');
    try {
      const output = await t.sfn.dispatch(operation, body ? JSON.parse(body) : {});
      writeResponse(res, { status: 200, headers: { 'content-type': CONTENT_TYPE }, body: toJson(output) });
    } catch (error) {
      writeResponse(res, jsonErrorResponse(toAwsError(error), CONTENT_TYPE, newRequestId()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // StartSyncExecution's endpoint has the host prefix "sync-", which a local endpoint does not have.
    disableHostPrefix: true,
  });
});

afterAll(async () => {
  client.destroy();
  closeTestClouds();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const definition = (approval: boolean) =>
  JSON.stringify({
    StartAt: 'Approve',
    States: {
      Approve: approval
        ? { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } }, End: true }
        : { Type: 'Pass', Result: { approved: 'automatically' }, End: true },
    },
  });

test('a Standard execution with a callback, as the SDK sees it', async () => {
  const created = await client.send(new CreateStateMachineCommand({ name: 'sdk-standard', definition: definition(true), roleArn: 'arn:aws:iam::000000000000:role/r' }));
  expect(created.creationDate).toBeInstanceOf(Date);
  const started = await client.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: 'order-1', input: '{"orderId":1}' }));
  expect(started.startDate).toBeInstanceOf(Date);
  await expect(client.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: 'order-1', input: '{"orderId":2}' }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);

  const token = await t.tokenOf(started.executionArn!, 'Approve');
  await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":"by hand"}' }));
  await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);

  const execution = await t.until(async () => {
    const described = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    return described.status !== 'RUNNING' && described;
  });
  expect(execution).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":"by hand"}', name: 'order-1' });
  expect(execution.stopDate).toBeInstanceOf(Date);

  const history = await client.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
  expect(history.events?.[0]).toMatchObject({ id: 1, previousEventId: 0, type: 'ExecutionStarted', executionStartedEventDetails: { input: '{"orderId":1}' } });
  expect(history.events?.[0]?.timestamp).toBeInstanceOf(Date);
  expect(history.events?.map((event) => event.type)).toContain('TaskSubmitted');
});

test('StartExecution refuses an input over 256 KB with InvalidExecutionInput, as AWS does', async () => {
  const created = await client.send(new CreateStateMachineCommand({ name: 'sdk-big-input', definition: definition(false), roleArn: 'arn:aws:iam::000000000000:role/r' }));
  const input = (size: number) => JSON.stringify({ note: 'x'.repeat(size - '{"note":""}'.length) });
  const refused = client.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: input(MAX_STEP_FUNCTIONS_PAYLOAD_BYTES + 1) }));
  await expect(refused).rejects.toBeInstanceOf(InvalidExecutionInput);
  const started = await client.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: input(MAX_STEP_FUNCTIONS_PAYLOAD_BYTES) }));
  expect(started.executionArn).toBeDefined();
});

test('StartSyncExecution on an Express machine, as the SDK sees it', async () => {
  const created = await client.send(new CreateStateMachineCommand({ name: 'sdk-express', type: 'EXPRESS', definition: definition(false), roleArn: 'arn:aws:iam::000000000000:role/r' }));
  const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn: created.stateMachineArn, input: '{}' }));
  expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":"automatically"}' });
  expect(result.stopDate).toBeInstanceOf(Date);
});

/** Runs `states` as a new Standard machine through the SDK and answers the execution's parsed output once it succeeded. */
async function outputOf(name: string, states: Record<string, object>, input: object = {}): Promise<any> {
  const machine = JSON.stringify({ StartAt: Object.keys(states)[0], States: states });
  const created = await client.send(new CreateStateMachineCommand({ name, definition: machine, roleArn: 'arn:aws:iam::000000000000:role/r' }));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: JSON.stringify(input) }));
  const execution = await t.until(async () => {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    return described.status !== 'RUNNING' && described;
  });
  expect(execution.status).toBe('SUCCEEDED');
  return JSON.parse(execution.output!);
}

describe('context object and Pass results, as the SDK sees them', () => {
  const ISO_MILLISECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

  test('$$.State.EnteredTime and $$.State.RetryCount resolve in Parameters and ResultSelector, across retries', async () => {
    let calls = 0;
    t.fakes.functions.set('flaky-context', () => {
      if (++calls === 1) throw new FunctionError('Flaky', 'first call fails');
      return { ok: true };
    });
    const state = { 'entered.$': '$$.State.EnteredTime', 'retries.$': '$$.State.RetryCount' };
    const output = await outputOf('sdk-state-context', {
      Stamp: { Type: 'Pass', Parameters: state, ResultPath: '$.stamp', Next: 'Call' },
      Call: {
        Type: 'Task',
        Resource: functionArn('flaky-context'),
        Parameters: state,
        ResultSelector: { 'ok.$': '$.ok', ...state },
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
        ResultPath: '$.call',
        End: true,
      },
    });
    expect(output.stamp).toEqual({ entered: expect.stringMatching(ISO_MILLISECONDS), retries: 0 });
    const [first, second] = t.fakes.invocationsOf('flaky-context');
    expect(first).toEqual({ entered: expect.stringMatching(ISO_MILLISECONDS), retries: 0 });
    // A retry stays in the state it entered: the same EnteredTime, one more retry.
    expect(second).toEqual({ entered: first.entered, retries: 1 });
    expect(output.call).toEqual({ ok: true, entered: first.entered, retries: 1 });
    expect(Date.parse(first.entered)).toBeGreaterThanOrEqual(Date.parse(output.stamp.entered));
  });

  test('a Pass state whose Result is 0, false, "" or null outputs that value, not its input', async () => {
    const falsy = await outputOf(
      'sdk-falsy-results',
      {
        Zero: { Type: 'Pass', Result: 0, ResultPath: '$.zero', Next: 'False' },
        False: { Type: 'Pass', Result: false, ResultPath: '$.false', Next: 'Empty' },
        Empty: { Type: 'Pass', Result: '', ResultPath: '$.empty', Next: 'Null' },
        Null: { Type: 'Pass', Result: null, ResultPath: '$.null', End: true },
      },
      { kept: 1 },
    );
    expect(falsy).toEqual({ kept: 1, zero: 0, false: false, empty: '', null: null });
    expect(await outputOf('sdk-falsy-output', { Only: { Type: 'Pass', Result: false, End: true } }, { kept: 1 })).toBe(false);
  });
});

test('RedriveExecution as the SDK sees it: the redrive date, the redrive fields of DescribeExecution, ExecutionNotRedrivable', async () => {
  let broken = true;
  t.fakes.functions.set('sdk-flaky-step', () => {
    if (broken) throw new FunctionError('Broken', 'not yet');
    return 'fixed';
  });
  const machine = JSON.stringify({ StartAt: 'Step', States: { Step: { Type: 'Task', Resource: functionArn('sdk-flaky-step'), End: true } } });
  const created = await client.send(new CreateStateMachineCommand({ name: 'sdk-redrive', definition: machine, roleArn: 'arn:aws:iam::000000000000:role/r' }));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: '{}' }));
  const failed = await t.finished(executionArn!);
  expect(failed.status).toBe('FAILED');
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  expect(described).toMatchObject({ redriveCount: 0, redriveStatus: 'REDRIVABLE' });

  broken = false;
  // The SDK fills in a clientToken (an idempotency token) by itself.
  const { redriveDate } = await client.send(new RedriveExecutionCommand({ executionArn }));
  expect(redriveDate).toBeInstanceOf(Date);
  await t.until(async () => (await client.send(new DescribeExecutionCommand({ executionArn }))).status === 'SUCCEEDED');
  const redriven = await client.send(new DescribeExecutionCommand({ executionArn }));
  expect(redriven).toMatchObject({ output: '"fixed"', redriveCount: 1, redriveDate, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' });
  const refused = client.send(new RedriveExecutionCommand({ executionArn }));
  await expect(refused).rejects.toBeInstanceOf(ExecutionNotRedrivable);
  await expect(refused).rejects.toThrow('Execution is SUCCEEDED and cannot be redriven');
});

/**
 * Debian's AWS CLI (2.9.19) predates RedriveExecution (November 2023). Its botocore reads further service models from
 * AWS_DATA_PATH, so this adds the operation and the redrive members of DescribeExecution to a copy of its own Step
 * Functions model, as the API reference describes them
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
 */
function cliModelWithRedrive(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'aws-cli-models-'));
  const relative = 'stepfunctions/2016-11-23/service-2.json';
  const model = JSON.parse(readFileSync(path.join('/usr/lib/python3/dist-packages/awscli/botocore/data', relative), 'utf8'));
  model.operations.RedriveExecution ??= {
    name: 'RedriveExecution',
    http: { method: 'POST', requestUri: '/' },
    input: { shape: 'RedriveExecutionInput' },
    output: { shape: 'RedriveExecutionOutput' },
    errors: [{ shape: 'ExecutionDoesNotExist' }, { shape: 'ExecutionNotRedrivable' }, { shape: 'InvalidArn' }, { shape: 'ValidationException' }],
    idempotent: true,
  };
  Object.assign(model.shapes, {
    RedriveExecutionInput: {
      type: 'structure',
      required: ['executionArn'],
      members: { executionArn: { shape: 'Arn' }, clientToken: { shape: 'ClientTokenForRedrive', idempotencyToken: true } },
    },
    ClientTokenForRedrive: { type: 'string', max: 64, min: 1 },
    RedriveExecutionOutput: { type: 'structure', required: ['redriveDate'], members: { redriveDate: { shape: 'Timestamp' } } },
    ExecutionNotRedrivable: { type: 'structure', members: { message: { shape: 'ErrorMessage' } }, exception: true },
    RedriveCountForCli: { type: 'integer' },
    RedriveStatusForCli: { type: 'string', enum: ['REDRIVABLE', 'NOT_REDRIVABLE', 'REDRIVABLE_BY_MAP_RUN'] },
  });
  Object.assign(model.shapes.DescribeExecutionOutput.members, {
    redriveCount: { shape: 'RedriveCountForCli' },
    redriveDate: { shape: 'Timestamp' },
    redriveStatus: { shape: 'RedriveStatusForCli' },
    redriveStatusReason: { shape: 'SensitiveData' },
  });
  mkdirSync(path.dirname(path.join(directory, relative)), { recursive: true });
  writeFileSync(path.join(directory, relative), JSON.stringify(model));
  return directory;
}

/** The AWS CLI v2 (Debian's /usr/bin/aws), answering parsed JSON. */
function aws(...args: string[]): Promise<any> {
  return awsWith({}, ...args);
}

function awsWith(extraEnv: Record<string, string>, ...args: string[]): Promise<any> {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', ...extraEnv };
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], { env }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim() ? JSON.parse(stdout) : {}),
    );
  });
}

test('the AWS CLI creates, starts and reads an execution', async () => {
  const { stateMachineArn } = await aws('stepfunctions', 'create-state-machine', '--name', 'cli-machine', '--role-arn', 'arn:aws:iam::000000000000:role/r', '--definition', definition(false));
  const { executionArn } = await aws('stepfunctions', 'start-execution', '--state-machine-arn', stateMachineArn, '--name', 'cli-1', '--input', '{"via":"cli"}');
  await t.finished(executionArn);
  const described = await aws('stepfunctions', 'describe-execution', '--execution-arn', executionArn);
  expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'cli-1', output: '{"approved":"automatically"}' });
  const history = await aws('stepfunctions', 'get-execution-history', '--execution-arn', executionArn);
  expect(history.events.map((event: any) => event.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  await expect(aws('stepfunctions', 'describe-execution', '--execution-arn', `${executionArn}-missing`)).rejects.toThrow(/ExecutionDoesNotExist/);
}, 30_000);

test('the AWS CLI redrives a failed execution (redrive-execution) and describes the redrive', async () => {
  const models = cliModelWithRedrive();
  try {
    const cli = (...args: string[]) => awsWith({ AWS_DATA_PATH: models }, ...args);
    let broken = true;
    t.fakes.functions.set('cli-flaky-step', () => {
      if (broken) throw new FunctionError('Broken', 'not yet');
      return 'fixed';
    });
    const machine = JSON.stringify({ StartAt: 'Step', States: { Step: { Type: 'Task', Resource: functionArn('cli-flaky-step'), End: true } } });
    const { stateMachineArn } = await cli('stepfunctions', 'create-state-machine', '--name', 'cli-redrive', '--role-arn', 'arn:aws:iam::000000000000:role/r', '--definition', machine);
    const { executionArn } = await cli('stepfunctions', 'start-execution', '--state-machine-arn', stateMachineArn, '--name', 'cli-redrive-1');
    await t.finished(executionArn);
    broken = false;
    const redriven = await cli('stepfunctions', 'redrive-execution', '--execution-arn', executionArn);
    expect(redriven.redriveDate).toEqual(expect.any(String));
    await t.until(async () => (await t.call('DescribeExecution', { executionArn })).status === 'SUCCEEDED');
    expect(await cli('stepfunctions', 'describe-execution', '--execution-arn', executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '"fixed"', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
    await expect(cli('stepfunctions', 'redrive-execution', '--execution-arn', executionArn)).rejects.toThrow(/ExecutionNotRedrivable.*Execution is SUCCEEDED and cannot be redriven/);
  } finally {
    rmSync(models, { recursive: true, force: true });
  }
}, 30_000);
