import http from 'node:http';
import { EventBridgeClient, PutRuleCommand, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { AwsError } from './errors';
import { startLocalCloud } from './index';
import { clientConfig } from './lambda/fixtures/activity';
import { LocalCloudServer } from './server';

const AUTHORIZATION = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

let server: LocalCloudServer;
let base: string;
const logged: unknown[] = [];

beforeAll(async () => {
  server = new LocalCloudServer({ logError: (_message, error) => logged.push(error) });
  server.registerJsonService({
    targetPrefix: 'AWSEvents',
    signingName: 'events',
    contentType: 'application/x-amz-json-1.1',
    async dispatch(operation, input) {
      if (operation === 'PutRule') throw new AwsError('ResourceNotFoundException', `Event bus ${input.EventBusName} does not exist.`);
      if (operation === 'Crash') throw new Error('disk on fire');
      if (operation === 'QueryCompat') throw new AwsError('QueueDoesNotExist', 'gone', 400, 'AWS.SimpleQueueService.NonExistentQueue');
      return { operation, input, at: new Date(1_700_000_000_500) };
    },
  });
  server.registerRestService({
    signingName: 'schemas',
    async handle(request) {
      if (request.path === '/missing') throw new AwsError('NotFoundException', 'no such registry', 404);
      return { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: request.method, path: request.path, q: request.query.get('q'), body: request.body.toString() }) };
    },
  });
  server.registerRawService({
    targetPrefix: 'DynamoDB_20120810',
    signingName: 'dynamodb',
    handle(_req, res, body) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body);
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => server.close());

const post = (headers: Record<string, string>, body = '{}', path = '/') => fetch(`${base}${path}`, { method: 'POST', headers, body });

describe('LocalCloudServer', () => {
  it('routes by X-Amz-Target to a JSON service and answers JSON with dates as epoch seconds', async () => {
    const response = await post({ 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' }, '{"Limit":3}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ operation: 'ListRules', input: { Limit: 3 }, at: 1_700_000_000.5 });
  });

  it("answers an AwsError in the JSON protocol's error shape, which the SDK maps to its exception class", async () => {
    const events = new EventBridgeClient(clientConfig(base));
    const error = await events.send(new PutRuleCommand({ Name: 'r', EventBusName: 'nope' })).catch((caught: unknown) => caught);
    events.destroy();
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe('Event bus nope does not exist.');
  });

  it('adds the x-amzn-query-error header for a query-compatible error', async () => {
    const response = await post({ 'x-amz-target': 'AWSEvents.QueryCompat' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(await response.json()).toEqual({ __type: 'QueueDoesNotExist', message: 'gone' });
  });

  it('answers any other error as a logged 500 InternalFailure', async () => {
    const response = await post({ 'x-amz-target': 'AWSEvents.Crash' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ __type: 'InternalFailure', message: 'disk on fire' });
    expect(logged).toContainEqual(new Error('disk on fire'));
  });

  it('refuses an unknown target or service with UnknownOperationException', async () => {
    const requests: Array<Record<string, string>> = [{ 'x-amz-target': 'AWSUnknown.DoIt' }, { authorization: AUTHORIZATION('kinesis') }, {}];
    for (const headers of requests) {
      const response = await post(headers);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    }
  });

  it('routes by the SigV4 credential scope to a REST service, and answers its AwsErrors in the REST-JSON shape', async () => {
    const response = await post({ authorization: AUTHORIZATION('schemas') }, 'payload', '/v1/registries?q=x');
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ method: 'POST', path: '/v1/registries', q: 'x', body: 'payload' });
    const missing = await fetch(`${base}/missing`, { headers: { authorization: AUTHORIZATION('schemas') } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('NotFoundException');
    expect(await missing.json()).toEqual({ Type: 'User', message: 'no such registry' });
  });

  it('hands a raw service the request unread', async () => {
    const response = await post({ 'x-amz-target': 'DynamoDB_20120810.GetItem' }, 'raw body');
    expect(await response.text()).toBe('raw body');
  });

  it('serves a health route listing the services', async () => {
    const response = await fetch(`${base}/_local/health`);
    expect(await response.json()).toEqual({ status: 'ok', services: ['dynamodb', 'events', 'schemas'] });
  });

  it('refuses a second registration for the same target', () => {
    expect(() => server.registerJsonService({ targetPrefix: 'AWSEvents', signingName: 'events', contentType: 'application/x-amz-json-1.1', dispatch: async () => ({}) })).toThrow(
      /already registered/,
    );
  });
});

describe('startLocalCloud', () => {
  it('rejects with a clear message when the port is in use', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    await expect(startLocalCloud({ port })).rejects.toThrow(`port ${port} is already in use`);
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('serves SQS and Lambda and names its URL with localhost', async () => {
    const local = await startLocalCloud({ port: 0 });
    try {
      expect(local.url).toBe(`http://localhost:${local.port}`);
      const health = await (await fetch(`http://127.0.0.1:${local.port}/_local/health`)).json();
      expect(health).toEqual({ status: 'ok', services: expect.arrayContaining(['lambda', 'sqs']) });
    } finally {
      await local.stop();
    }
  });
});
