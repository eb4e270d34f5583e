import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startSystem, type System } from '../support/system';

/**
 * Bad input on the real path: requests through the emulated HTTP API (the packaged routes and stage) to the packaged
 * functions. Each one gets its 4xx with the problem named, and afterwards nothing of it exists: no order, no stock item,
 * no idempotency record, no saga, no event on the bus.
 */
let system: System;
let db: DynamoDBDocumentClient;
let sfn: SFNClient;
/** The functions the emulator ran, in order. */
const invoked: string[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  system = await startSystem({ services: ['event-bus', 'identity', 'orders', 'inventory'] });
  db = DynamoDBDocumentClient.from(new DynamoDBClient(system.aws));
  sfn = new SFNClient(system.aws);
  system.local.cloud.monitor.on('activity', (activity: { service: string; type: string; functionName?: string }) => {
    if (activity.service === 'lambda' && activity.type === 'invocation.started') invoked.push(String(activity.functionName));
  });
}, 120_000);

afterAll(async () => {
  db?.destroy();
  sfn?.destroy();
  await system?.stop();
});

const order = { customerEmail: 'ada@example.com', currency: 'EUR', items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 1299 }], paymentToken: 'tok_visa' };
const JSON_ONLY = 'must be application/json (charset utf-8 allowed)';

async function rows(table: string): Promise<unknown[]> {
  return (await db.send(new ScanCommand({ TableName: table }))).Items ?? [];
}

async function nothingExists(): Promise<void> {
  await system.settle();
  expect(await rows('shop-orders-dev-orders')).toEqual([]);
  expect(await rows('shop-orders-dev-idempotency')).toEqual([]);
  expect(await rows('shop-inventory-dev-stock')).toEqual([]);
  const sagaArn = (saga: string) => `arn:aws:states:${system.local.cloud.region}:${system.local.cloud.accountId}:stateMachine:${saga}`;
  expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: sagaArn('shop-orders-dev-order') }))).executions).toEqual([]);
  // The reservation saga is Express: AWS lists no Express executions, so the emulator's own record of them is read.
  expect(system.local.states.expressExecutions().filter((e) => e.stateMachineArn === sagaArn('shop-inventory-dev-reservation'))).toEqual([]);
  expect(await system.busEvents()).toEqual([]);
}

describe('POST /orders with bad input', () => {
  it.each([
    ['a body that is not JSON by its type', 415, JSON.stringify(order), { 'content-type': 'text/plain' }, `content-type text/plain is not accepted: ${JSON_ONLY}`],
    ['a form', 415, 'customerId=bad-input-1', { 'content-type': 'application/x-www-form-urlencoded' }, `content-type application/x-www-form-urlencoded is not accepted: ${JSON_ONLY}`],
    ['a body past 32 KiB', 413, JSON.stringify(order) + ' '.repeat(32 * 1024), {}, `body is ${JSON.stringify(order).length + 32 * 1024} bytes: at most 32768 bytes`],
    ['JSON nested past 8 levels', 400, JSON.stringify({ ...order, items: [[[[[[[[[order.items[0]]]]]]]]]] }), {}, 'body nests deeper than 8 levels of arrays and objects'],
    ["a body naming a customer (the customer is the token's subject)", 400, JSON.stringify({ ...order, customerId: 'someone-else' }), {}, 'invalid request: customerId'],
    ['no token', 401, JSON.stringify(order), { authorization: '' }, 'Unauthorized'],
    ['a forged token', 401, JSON.stringify(order), { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }, 'Unauthorized'],
    ['a payment token that is not an identifier', 400, JSON.stringify({ ...order, paymentToken: 'tok visa<script>' }), {}, 'invalid request: paymentToken'],
    ['a sku past 64 characters', 400, JSON.stringify({ ...order, items: [{ ...order.items[0], sku: 'S'.repeat(65) }] }), {}, 'invalid request: items[0].sku'],
    ['an Idempotency-Key with a space', 400, JSON.stringify(order), { 'idempotency-key': 'my key' }, 'invalid request: Idempotency-Key'],
  ])('%s: %i naming the problem, nothing stored or published', async (_case, status, body, headers, message) => {
    expect(await system.http('POST', '/orders', body, headers)).toEqual({ status, body: expect.objectContaining({ message }) });
    await nothingExists();
  });

  it("a body past API Gateway's 10 MB: 413 from the gateway, no function run", async () => {
    const before = invoked.length;
    const answer = await system.http('POST', '/orders', `{"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`);
    expect(answer).toEqual({ status: 413, body: 'HTTP content length exceeded 10485760 bytes.' });
    expect(invoked.slice(before)).toEqual([]);
    await nothingExists();
  });
});

describe('PUT /inventory/{sku} with bad input', () => {
  it.each([
    ['a body that is not JSON by its type', 415, '{"available":3}', { 'content-type': 'text/plain' }, `content-type text/plain is not accepted: ${JSON_ONLY}`],
    ['a body past 1 KiB', 413, `{"available":3${' '.repeat(1024)}}`, {}, 'body is 1039 bytes: at most 1024 bytes'],
    ['JSON nested past 8 levels', 400, `{"available":${'['.repeat(9)}3${']'.repeat(9)}}`, {}, 'body nests deeper than 8 levels of arrays and objects'],
    ['a count past exact integers', 400, '{"available":1e20}', {}, 'invalid request: available'],
  ])('%s: %i naming the problem, nothing written', async (_case, status, body, headers, message) => {
    expect(await system.http('PUT', '/inventory/SKU-BAD-INPUT', body, { ...system.admin.headers, ...headers })).toEqual({ status, body: expect.objectContaining({ message }) });
    await nothingExists();
  });

  it('a customer (not an admin): 403 naming the admins group, nothing written', async () => {
    expect(await system.http('PUT', '/inventory/SKU-BAD-INPUT', { available: 3 })).toEqual({ status: 403, body: { message: 'Forbidden: setting stock needs the admins group' } });
    await nothingExists();
  });

  it('a sku past 64 characters: 400 naming sku, nothing written', async () => {
    expect(await system.http('PUT', `/inventory/${'S'.repeat(65)}`, { available: 3 }, system.admin.headers)).toEqual({ status: 400, body: expect.objectContaining({ message: 'invalid request: sku' }) });
    await nothingExists();
  });
});

describe('the packaged stage throttling', () => {
  it('lets a burst of 200 requests to a route through, then its rate of 100/s, and answers the rest 429 {"message":"Too Many Requests"}', async () => {
    // In process each function runs as its request arrives, so 600 requests arrive over some time: what the route
    // admits is its burst plus its rate over that time.
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 600 }, () => system.http('PUT', '/inventory/-not-a-sku', { available: 1 }, system.admin.headers)));
    const seconds = (performance.now() - started) / 1000;
    const admitted = answers.filter((a) => a.status === 400).length;
    const throttled = answers.filter((a) => a.status === 429);
    expect(admitted + throttled.length).toBe(600);
    expect(admitted).toBeGreaterThanOrEqual(200);
    expect(admitted).toBeLessThanOrEqual(200 + Math.ceil(seconds * 100) + 1);
    expect(throttled.length).toBeGreaterThan(0);
    expect(new Set(throttled.map((a) => JSON.stringify(a.body)))).toEqual(new Set(['{"message":"Too Many Requests"}']));
    // Another route keeps its own bucket.
    expect((await system.http('GET', '/inventory/SKU-BAD-INPUT')).status).toBe(404);
    await nothingExists();
  });
});
