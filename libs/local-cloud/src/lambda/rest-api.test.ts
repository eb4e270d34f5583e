import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig, nextActivity } from './fixtures/activity';

const FIXTURES = path.join(__dirname, 'fixtures');
const run = promisify(execFile);
let local: LocalCloud;
let lambda: LambdaClient;

// The CLI case starts a Python process.
jest.setTimeout(30_000);

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
  lambda = new LambdaClient(clientConfig(local.url));
  local.lambda.registerFunction({ functionName: 'rest-echo', handler: 'handlers.echo', servicePath: FIXTURES });
  local.lambda.registerFunction({ functionName: 'rest-fail', handler: 'handlers.fail', servicePath: FIXTURES, environment: { TABLE_NAME: 'orders-dev' }, timeoutSeconds: 9 });
});

afterAll(async () => {
  lambda.destroy();
  await local.stop();
});

const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload!).toString('utf8'));

describe('Lambda Invoke REST API', () => {
  it('invokes synchronously with @aws-sdk/client-lambda', async () => {
    const result = await lambda.send(new InvokeCommand({ FunctionName: 'rest-echo', Payload: JSON.stringify({ via: 'sdk' }) }));
    expect(result.StatusCode).toBe(200);
    expect(result.ExecutedVersion).toBe('$LATEST');
    expect(result.FunctionError).toBeUndefined();
    expect(decode(result.Payload)).toMatchObject({ event: { via: 'sdk' }, functionName: 'rest-echo' });
  });

  it('marks a function error with X-Amz-Function-Error', async () => {
    const result = await lambda.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:rest-fail', Payload: '{}' }));
    expect(result.StatusCode).toBe(200);
    expect(result.FunctionError).toBe('Unhandled');
    expect(decode(result.Payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('accepts an Event invocation with 202 and runs it asynchronously', async () => {
    const ran = nextActivity(local.cloud, (activity) => activity.type === 'invocation.succeeded' && activity.functionName === 'rest-echo' && activity.invocationType === 'Event');
    const result = await lambda.send(new InvokeCommand({ FunctionName: 'rest-echo', InvocationType: 'Event', Payload: '{}' }));
    expect(result.StatusCode).toBe(202);
    expect((await ran).requestId).toBe(result.$metadata.requestId);
  });

  it('answers ResourceNotFoundException for an unknown function, and lists the functions', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'missing', Payload: '{}' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const { Functions } = await lambda.send(new ListFunctionsCommand({}));
    expect(Functions!.map((fn) => fn.FunctionName).sort()).toEqual(['rest-echo', 'rest-fail']);
  });

  it('answers GetFunctionConfiguration with the resolved environment, and ResourceNotFoundException for an unknown function', async () => {
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'rest-fail' }));
    expect(configuration).toMatchObject({ FunctionName: 'rest-fail', Timeout: 9, Environment: { Variables: { TABLE_NAME: 'orders-dev' } } });
    await expect(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('serves `aws lambda invoke` (AWS CLI v2)', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'lambda-invoke-'));
    const outfile = path.join(directory, 'out.json');
    const { stdout } = await run(
      '/usr/bin/aws',
      ['--endpoint-url', local.url, 'lambda', 'invoke', '--function-name', 'rest-fail', '--cli-binary-format', 'raw-in-base64-out', '--payload', '{"via":"cli"}', outfile],
      { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' } },
    );
    expect(JSON.parse(stdout)).toEqual({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    expect(JSON.parse(await readFile(outfile, 'utf8'))).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
    await rm(directory, { recursive: true });
  });
});
