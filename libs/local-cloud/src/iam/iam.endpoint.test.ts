import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../index';
import { policyDocument } from './policy-document';

const run = promisify(execFile);
const FIXTURES = path.join(__dirname, 'fixtures');
const ACCOUNT = '000000000000';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/shop-payments-dev-publish`;
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/shop-dev`;

// The CLI cases start Python processes.
jest.setTimeout(60_000);

let local: LocalCloud;
let allowedQueue: string;
let otherQueue: string;

const config = (accessKeyId: string, secretAccessKey: string, sessionToken?: string) => ({
  endpoint: local.url,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey, sessionToken },
  maxAttempts: 1,
});

/** The AWS CLI with these credentials; answers its exit code, JSON output and error text. */
async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; json?: any; stderr: string }> {
  try {
    const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', local.url, '--output', 'json', ...args], {
      env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_SESSION_TOKEN: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env },
    });
    return { code: 0, json: stdout.trim() ? JSON.parse(stdout) : undefined, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}
const admin = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

async function errorOf(work: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await work;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, message: failure.message, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
  const sqs = new SQSClient(config('test', 'test'));
  allowedQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'payments-outbox' }))).QueueUrl!;
  otherQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'orders-outbox' }))).QueueUrl!;
  sqs.destroy();
  // A role as the templates give one (trusted by Lambda): it may list queues, send to one queue, and put its own events.
  local.iam.policies.putRole({
    arn: ROLE,
    trustPolicy: policyDocument({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'trust'),
    inlinePolicies: [
      {
        name: 'publish',
        policy: policyDocument(
          {
            Statement: [
              { Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
              { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:payments-outbox` },
              { Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS, Condition: { StringEquals: { 'events:source': 'shop.payments' } } },
            ],
          },
          'publish',
        ),
      },
    ],
  });
  await local.events.dispatch('CreateEventBus', { Name: 'shop-dev' });
  local.lambda.registerFunction({ functionName: 'payments-dev-publish', handler: 'send-messages.sendMessages', servicePath: FIXTURES, roleArn: ROLE, timeoutSeconds: 10 });
});

afterAll(() => local.stop());

describe('signatures', () => {
  it('accepts the administrator keys (test/test, any key whose secret is its id)', async () => {
    const sqs = new SQSClient(config('local', 'local'));
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toContain(allowedQueue);
    sqs.destroy();
  });

  it('refuses a request signed with another secret, as each protocol answers it', async () => {
    const events = new EventBridgeClient(config('test', 'not-the-secret'));
    expect(await errorOf(events.send(new ListRulesCommand({})))).toMatchObject({ name: 'InvalidSignatureException', status: 400, message: expect.stringMatching(/^The request signature we calculated does not match/) });
    const sqs = new SQSClient(config('test', 'not-the-secret'));
    expect(await errorOf(sqs.send(new ListQueuesCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    const lambda = new LambdaClient(config('test', 'not-the-secret'));
    expect(await errorOf(lambda.send(new ListFunctionsCommand({})))).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    const sns = await cli({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'not-the-secret' }, 'sns', 'list-topics');
    expect(sns.code).not.toBe(0);
    expect(sns.stderr).toContain('(SignatureDoesNotMatch)');
    [events, sqs, lambda].forEach((client) => client.destroy());
  });

  it('refuses a body changed after it was signed', async () => {
    const events = new EventBridgeClient(config('test', 'test'));
    events.middlewareStack.add(
      (next) => async (args) => {
        // The same length, so that Content-Length still holds.
        const request = args.request as { body: Uint8Array | string };
        const text = typeof request.body === 'string' ? request.body : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8');
        request.body = text.replace('shop.payments', 'shop.paymentZ');
        return next(args);
      },
      { step: 'deserialize', name: 'tamperAfterSigning' },
    );
    const put = new PutEventsCommand({ Entries: [{ Source: 'shop.payments', DetailType: 'X', Detail: '{}', EventBusName: 'shop-dev' }] });
    expect(await errorOf(events.send(put))).toMatchObject({ name: 'InvalidSignatureException' });
    events.destroy();
  });

  it('refuses a key it did not issue, and a request signed more than 5 minutes away from its clock', async () => {
    const unknown = new EventBridgeClient(config('ASIAUNKNOWNKEY000000', 'secret', 'token'));
    expect(await errorOf(unknown.send(new ListRulesCommand({})))).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    const sts = await cli({ AWS_ACCESS_KEY_ID: 'ASIAUNKNOWNKEY000000', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' }, 'sts', 'get-caller-identity');
    expect(sts.stderr).toContain('(InvalidClientTokenId)');
    const late = new EventBridgeClient({ ...config('test', 'test'), systemClockOffset: -10 * 60 * 1000 });
    expect(await errorOf(late.send(new ListRulesCommand({})))).toMatchObject({ name: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/) });
    [unknown, late].forEach((client) => client.destroy());
  });

  it('refuses an expired session with ExpiredToken, and a session key sent without its token', async () => {
    const expired = local.keys.issue(ROLE, 'old-session', new Date(Date.now() - 1000));
    const events = new EventBridgeClient(config(expired.AccessKeyId, expired.SecretAccessKey, expired.SessionToken));
    expect(await errorOf(events.send(new ListRulesCommand({})))).toMatchObject({ name: 'ExpiredTokenException' });
    const live = local.keys.issue(ROLE, 'live-session');
    const tokenless = new EventBridgeClient(config(live.AccessKeyId, live.SecretAccessKey));
    expect(await errorOf(tokenless.send(new ListRulesCommand({})))).toMatchObject({ name: 'UnrecognizedClientException' });
    [events, tokenless].forEach((client) => client.destroy());
  });
});

describe('STS and role sessions', () => {
  it('answers who the administrator is, and lets the CLI act as a role it assumed, limited to that role', async () => {
    expect((await cli(admin, 'sts', 'get-caller-identity')).json).toEqual({ UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    const assumed = await cli(admin, 'sts', 'assume-role', '--role-arn', ROLE, '--role-session-name', 'dev-at-laptop');
    expect(assumed.json.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/shop-payments-dev-publish/dev-at-laptop`);
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = assumed.json.Credentials;
    expect(AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(new Date(Expiration).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    const asRole = { AWS_ACCESS_KEY_ID: AccessKeyId, AWS_SECRET_ACCESS_KEY: SecretAccessKey, AWS_SESSION_TOKEN: SessionToken };

    expect((await cli(asRole, 'sts', 'get-caller-identity')).json.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/shop-payments-dev-publish/dev-at-laptop`);
    expect((await cli(asRole, 'sqs', 'list-queues')).json.QueueUrls).toContain(allowedQueue);
    const denied = await cli(asRole, 'events', 'list-rules');
    expect(denied.stderr).toContain('(AccessDeniedException)');
    expect(denied.stderr).toContain(`User: arn:aws:sts::${ACCOUNT}:assumed-role/shop-payments-dev-publish/dev-at-laptop is not authorized to perform: events:ListRules`);
    const deniedQuery = await cli(asRole, 'sqs', 'send-message', '--queue-url', otherQueue, '--message-body', 'x');
    expect(deniedQuery.stderr).toContain('(AccessDenied)');
  });

  it('refuses to assume a role that is not loaded, and a session name out of bounds', async () => {
    const missing = await cli(admin, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/no-such-role`, '--role-session-name', 'dev');
    expect(missing.stderr).toContain('(AccessDenied)');
    expect(missing.stderr).toContain('no role with this ARN is loaded locally');
    const badName = await cli(admin, 'sts', 'assume-role', '--role-arn', ROLE, '--role-session-name', 'dev at laptop');
    expect(badName.stderr).toContain("'roleSessionName' failed to satisfy constraint");
  });

  it('authorizes each PutEvents entry: a denied one fails alone, all denied refuses the call', async () => {
    const session = local.keys.issue(ROLE, 'publisher');
    const events = new EventBridgeClient(config(session.AccessKeyId, session.SecretAccessKey, session.SessionToken));
    const entry = (Source: string) => ({ Source, DetailType: 'PaymentCompleted.v1', Detail: '{}', EventBusName: 'shop-dev' });
    const mixed = await events.send(new PutEventsCommand({ Entries: [entry('shop.payments'), entry('shop.orders'), entry('shop.payments')] }));
    expect(mixed.FailedEntryCount).toBe(1);
    expect(mixed.Entries![0]!.EventId).toBeDefined();
    expect(mixed.Entries![1]).toMatchObject({ ErrorCode: 'AccessDeniedException', ErrorMessage: expect.stringContaining('events:PutEvents') });
    expect(mixed.Entries![2]!.EventId).toBeDefined();
    expect(await errorOf(events.send(new PutEventsCommand({ Entries: [entry('shop.orders')] })))).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    events.destroy();
  });
});

describe('function credentials', () => {
  it('runs each function with a session of its own role: what the role allows goes through, the rest is AccessDenied', async () => {
    const result = await local.lambda.invoke('payments-dev-publish', JSON.stringify({ queueUrls: [allowedQueue, otherQueue] }));
    const { accessKeyId, outcomes } = JSON.parse(result.payload);
    expect(accessKeyId).toMatch(/^ASIA/);
    expect(outcomes).toEqual(['sent', 'AccessDenied']);
    const { FUNCTION_CREDENTIALS_PATH } = await import('./function-credentials-route');
    const handed = await (await fetch(`${local.url}${FUNCTION_CREDENTIALS_PATH}?FunctionName=payments-dev-publish`)).json();
    expect(handed.AWS_ACCESS_KEY_ID).toBe(accessKeyId);
  });
});

describe('LOCAL_CLOUD_IAM=off', () => {
  it('checks no signature and denies nothing', async () => {
    const open = await startLocalCloud({ port: 0, iam: false });
    try {
      const events = new EventBridgeClient({ ...config('test', 'not-the-secret'), endpoint: open.url });
      expect((await events.send(new ListRulesCommand({}))).Rules).toEqual([]);
      events.destroy();
    } finally {
      await open.stop();
    }
  });
});
