import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventPublisher, type DomainEvent } from '@shop/events';
import { loadSystem, readPackagedService, type LoadedStack } from '../../libs/local-cloud/src/cloudformation/loader';
import { startLocalCloud, type LocalCloud } from '../../libs/local-cloud/src';
import { SERVICES_DIR } from '../../scripts/package-services';
import { ruleToQueue } from '../support/rule-queue';
import { setOutcomeTimeout } from '../support/system';
import { inventoryReservationFailedEvent, inventoryReservedEvent } from '../../services/inventory/src/domain/events';
import { paymentCompletedEvent, paymentFailedEvent } from '../../services/payments/src/domain/events';
import type { Payment } from '../../services/payments/src/domain/payment';

/**
 * The orders service as packaged (`sls package`), loaded into the emulator with the bus. It is driven through its
 * HTTP handlers (invoked directly with the API Gateway HTTP API events the emulated HTTP API would send) and through payment and
 * inventory events PUT on the bus, built with those services' own builders. Tests assert end states: the order via
 * GET, the events orders put on the bus (a test rule → SQS), the saga's execution, the poison queue.
 */

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const BUS = 'shop-dev';
let local: LocalCloud;
let orders: LoadedStack;
let events: EventBridgeClient;
let publisher: EventPublisher;
let sqs: SQSClient;
let sfn: SFNClient;
let db: DynamoDBDocumentClient;
let captureUrl: string;
/** Every orders event seen on the bus so far (the capture queue is drained into it). */
const captured: Array<{ 'detail-type': string; detail: any }> = [];

const fn = (name: string) => `shop-orders-dev-${name}`;
const sagaArn = () => `arn:aws:states:us-east-1:${local.cloud.accountId}:stateMachine:shop-orders-dev-order`;
const executionArn = (orderId: string) => `arn:aws:states:us-east-1:${local.cloud.accountId}:execution:shop-orders-dev-order:${orderId}`;

// How long the saga waits for outcomes is a stage parameter (outcomeTimeoutSeconds → OUTCOME_TIMEOUT_SECONDS of
// placeOrder). At timeScale 0.001 the packaged 300 s are 0.3 s: most tests set it far beyond their run (see
// setOutcomeTimeout); the timeout test sets the packaged value back.
/** OUTCOME_TIMEOUT_SECONDS as packaged. */
let packagedTimeout = '';

beforeAll(async () => {
  // The functions' Powertools loggers (info per outcome and wait) would bury jest's report; warnings still show.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  const config = { endpoint: local.url, region: 'us-east-1', credentials };
  const stacks = await loadSystem(
    ['event-bus', 'identity', 'orders'].map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, iam: local.iam.policies },
  );
  orders = stacks.find((s) => s.stackName === 'shop-orders-dev')!;
  packagedTimeout = local.lambda.getFunction(fn('placeOrder')).environment.OUTCOME_TIMEOUT_SECONDS!;
  setOutcomeTimeout(local, 1_000_000);
  events = new EventBridgeClient(config);
  publisher = new EventPublisher({ eventBusName: BUS, client: events });
  sqs = new SQSClient(config);
  sfn = new SFNClient(config);
  db = DynamoDBDocumentClient.from(new DynamoDBClient(config));

  ({ queueUrl: captureUrl } = await ruleToQueue({ events, sqs }, { name: 'orders-test-capture', eventBusName: BUS, eventPattern: { source: ['shop.orders'] }, targetId: 'capture' }));
});

afterAll(async () => {
  for (const client of [events, sqs, sfn, db]) client?.destroy();
  await local?.stop();
});

// ---- helpers ---------------------------------------------------------------------------------------------------

interface HttpResult {
  statusCode: number;
  body: any;
}

/**
 * Invokes an HTTP handler with an API Gateway HTTP API (payload 2.0) event: header names arrive lower-cased, and the
 * JWT authorizer's claims name the signed-in customer (`customerId`, the token's subject).
 */
async function http(
  method: 'POST' | 'GET',
  route: string,
  options: { body?: string; headers?: Record<string, string>; pathParameters?: Record<string, string>; customerId?: string; admin?: boolean } = {},
): Promise<HttpResult> {
  const rawPath = route.replace(/\{(\w+)\}/g, (_, name: string) => options.pathParameters?.[name] ?? '');
  const event = {
    version: '2.0',
    routeKey: `${method} ${route}`,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) },
    pathParameters: options.pathParameters,
    requestContext: { http: { method, path: rawPath }, routeKey: `${method} ${route}`, stage: '$default', authorizer: { jwt: { claims: { sub: options.customerId ?? 'cust-reader', ...(options.admin && { 'cognito:groups': '[admins]' }) }, scopes: null } } },
    body: options.body,
    isBase64Encoded: false,
  };
  const result = await local.lambda.invoke(fn(method === 'POST' ? 'placeOrder' : 'getOrder'), JSON.stringify(event));
  const response = JSON.parse(result.payload);
  if (result.functionError) throw new Error(`${method} ${rawPath} failed: ${result.payload}`);
  return { statusCode: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
}

let customerSeq = 0;
/** An order of a customer of its own: `customerId` says who places it (the token's subject), the rest is the body. */
function orderBody(overrides: Record<string, unknown> = {}) {
  return {
    customerId: `cust-${++customerSeq}-${randomUUID().slice(0, 8)}`,
    customerEmail: 'ada@example.com',
    currency: 'EUR',
    items: [
      { sku: 'SKU-1', quantity: 2, unitPrice: 1299 },
      { sku: 'SKU-2', quantity: 1, unitPrice: 500 },
    ],
    paymentToken: 'tok_visa',
    ...overrides,
  };
}

/** POST /orders as the order's customer, the body without the customer. */
function postOrder({ customerId, ...body }: { customerId?: unknown }, headers: Record<string, string> = {}): Promise<HttpResult> {
  return http('POST', '/orders', { body: JSON.stringify(body), headers, customerId: String(customerId) });
}

async function place(body: object = orderBody(), headers: Record<string, string> = {}): Promise<string> {
  const response = await postOrder(body, headers);
  expect(response).toEqual({ statusCode: 202, body: { orderId: expect.any(String), status: 'PENDING' } });
  return response.body.orderId;
}

/** GET /orders/{orderId} as an admin, who reads every order (the per-customer answers are tested below). */
const getOrder = (orderId: string) => http('GET', '/orders/{orderId}', { pathParameters: { orderId }, customerId: 'ops', admin: true });

/** Waits until nothing is in flight: bus deliveries (with retries) and asynchronous invokes (with Lambda's retries). */
async function quiet(): Promise<void> {
  await local.events.drain();
  await local.lambda.asyncSettled();
  await local.events.drain();
}

/** Polls the order's saga until it has ended, then lets what it published be delivered. */
async function sagaEnd(orderId: string): Promise<string> {
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(orderId) }));
    if (status !== 'RUNNING') {
      await quiet();
      return status!;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Polls until the saga waits for both outcomes (both task tokens stored: registerWait ran for each). */
async function sagaWaiting(orderId: string): Promise<void> {
  for (;;) {
    const history = await sagaHistory(orderId);
    if (history.filter((e) => e.type === 'TaskSubmitted').length >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function sagaHistory(orderId: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArn(orderId), maxResults: 1000 }))).events ?? [];
}

/** The states the saga entered, in order (Parallel branches interleave). */
async function sagaSteps(orderId: string): Promise<string[]> {
  return (await sagaHistory(orderId)).filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name!);
}

/** The orders events of one order seen on the bus so far. */
async function eventsOf(orderId: string): Promise<Array<{ 'detail-type': string; detail: any }>> {
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: captureUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) break;
    for (const m of Messages) {
      captured.push(JSON.parse(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: captureUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return captured.filter((e) => e.detail.data.orderId === orderId);
}
const typesOf = async (orderId: string) => (await eventsOf(orderId)).map((e) => e['detail-type']).sort();

async function storedOrdersOf(customerId: string): Promise<unknown[]> {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: 'shop-orders-dev-orders', FilterExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': customerId } }));
  return Items;
}

/** The Powertools idempotency record of a keyed placement, found by the answer it stores (its id is a hash of the key). */
async function idempotencyRecordOf(orderId: string): Promise<{ id: string; status: string }> {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: 'shop-orders-dev-idempotency' }));
  const record = Items.find((item) => item.data?.orderId === orderId);
  if (!record) throw new Error(`no idempotency record answers order ${orderId}`);
  return record as { id: string; status: string };
}

/**
 * Turns a completed record back into what a first attempt whose completion failed (or whose function died after the
 * saga started) leaves: INPROGRESS, no answer, locked until the function's timeout (`lockedForMs` from now).
 */
async function leaveInProgress(recordId: string, lockedForMs: number): Promise<void> {
  await db.send(new UpdateCommand({
    TableName: 'shop-orders-dev-idempotency',
    Key: { id: recordId },
    UpdateExpression: 'SET #status = :inprogress, in_progress_expiration = :lockedUntil REMOVE #data',
    ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
    ExpressionAttributeValues: { ':inprogress': 'INPROGRESS', ':lockedUntil': Date.now() + lockedForMs },
  }));
}

/** Runs `during` with placeOrder's environment changed, as update-function-configuration would, then restores it. */
async function withPlaceOrderEnvironment<T>(changes: Record<string, string>, during: () => Promise<T>): Promise<T> {
  const original = local.lambda.getFunction(fn('placeOrder'));
  local.lambda.registerFunction({ ...original, environment: { ...original.environment, ...changes } });
  try {
    return await during();
  } finally {
    local.lambda.registerFunction(original);
  }
}

/** Runs `during` with an inline policy of these statements added to a function's role, then restores the role. */
async function withRolePolicy<T>(functionName: string, statements: Array<Record<string, unknown>>, during: () => Promise<T>): Promise<T> {
  const roleArn = local.lambda.getFunction(functionName).roleArn!;
  const policies = local.iam.policies;
  const inlinePolicies = policies.identityPoliciesOf(roleArn)!;
  const trustPolicy = policies.resourcePolicyOf(roleArn)!;
  policies.putRolePolicy(roleArn, 'test-extra', { Version: '2012-10-17', Statement: statements });
  try {
    return await during();
  } finally {
    policies.putRole({ arn: roleArn, trustPolicy, inlinePolicies });
  }
}

async function executionCount(): Promise<number> {
  return (await sfn.send(new ListExecutionsCommand({ stateMachineArn: sagaArn(), maxResults: 1000 }))).executions!.length;
}

async function receiveAll(queueUrl: string): Promise<any[]> {
  const bodies: any[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!)));
  }
}

// The outcome events, built by the producing services' own builders.
const cause = (orderId: string) => ({ metadata: { id: randomUUID(), correlationId: orderId } });
function payment(orderId: string): Payment {
  return { orderId, paymentId: `pay-${orderId}`, customerId: 'cust', customerEmail: 'ada@example.com', currency: 'EUR', amount: 3098, captured: 3098, refunded: 0, status: 'CAPTURED' };
}
const paid = (orderId: string) => paymentCompletedEvent(payment(orderId), cause(orderId), new Date());
const declined = (orderId: string) => paymentFailedEvent(payment(orderId), 'DECLINED', 'card declined by issuer', cause(orderId), new Date());
const reserved = (orderId: string) => inventoryReservedEvent(orderId, [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }], cause(orderId), new Date());
const outOfStock = (orderId: string) => inventoryReservationFailedEvent(orderId, 'OUT_OF_STOCK', [{ sku: 'SKU-1', requested: 2, available: 1 }], cause(orderId), new Date());
const put = (...list: DomainEvent[]) => publisher.publish(list);

// ---- tests -----------------------------------------------------------------------------------------------------

describe('POST /orders and GET /orders/{orderId}', () => {
  it("shows an order to its customer, answers another customer's as an unknown one (404), and refuses a body naming a customer", async () => {
    const body = orderBody();
    const orderId = await place(body);
    const as = (customerId: string) => http('GET', '/orders/{orderId}', { pathParameters: { orderId }, customerId });
    expect(await as(body.customerId)).toMatchObject({ statusCode: 200, body: { orderId, customerId: body.customerId } });
    expect(await as('cust-someone-else')).toEqual({ statusCode: 404, body: { message: `no order ${orderId}` } });
    const named = await http('POST', '/orders', { body: JSON.stringify(body), customerId: 'cust-someone-else' });
    expect(named).toMatchObject({ statusCode: 400, body: { errors: [{ field: 'customerId', message: expect.stringContaining("the token's subject") }] } });
  });

  it('places a PENDING order, starts its saga and puts OrderPlaced v2 AND v1 on the bus (migration window open)', async () => {
    const body = orderBody();
    const orderId = await place(body);
    await sagaWaiting(orderId);
    await quiet();

    const shown = await getOrder(orderId);
    expect(shown).toEqual({
      statusCode: 200,
      body: {
        orderId, status: 'PENDING', total: 3098, currency: 'EUR', customerId: body.customerId, items: body.items,
        createdAt: expect.any(String), updatedAt: expect.any(String),
      },
    });
    const placed = await eventsOf(orderId);
    expect(placed.map((e) => e['detail-type']).sort()).toEqual(['OrderPlaced.v1', 'OrderPlaced.v2']);
    const v2 = placed.find((e) => e['detail-type'] === 'OrderPlaced.v2')!.detail;
    const v1 = placed.find((e) => e['detail-type'] === 'OrderPlaced.v1')!.detail;
    expect(v2.data).toMatchObject({ orderId, total: { amount: 3098, currency: 'EUR' }, customer: { id: body.customerId, email: 'ada@example.com' }, paymentMethod: { token: 'tok_visa' } });
    expect(v1.data).toMatchObject({ orderId, total: 30.98, currency: 'EUR', customerId: body.customerId });
    expect(v1.metadata.id).not.toBe(v2.metadata.id);
    expect(JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(orderId) }))).input!)).toEqual({ orderId, outcomeTimeoutSeconds: 1_000_000 });
  });

  it('answers 404 for an unknown order and 400 for a malformed id', async () => {
    expect(await getOrder(randomUUID())).toEqual({ statusCode: 404, body: { message: expect.stringContaining('no order') } });
    expect((await getOrder('not-an-id')).statusCode).toBe(400);
  });

  it.each([
    ['missing fields', orderBody({ customerEmail: undefined, items: undefined }), ['customerEmail', 'items']],
    ['a negative quantity and a zero price', orderBody({ items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100 }, { sku: 'SKU-2', quantity: -1, unitPrice: 0 }] }), ['items[1].quantity', 'items[1].unitPrice']],
    ['a bad e-mail, currency and sku', orderBody({ customerEmail: 'not-an-email', currency: 'euro', items: [{ sku: '-bad', quantity: 1, unitPrice: 1 }] }), ['customerEmail', 'currency', 'items[0].sku']],
    ['a sku on two lines, with another bad field', orderBody({ items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100 }, { sku: 'SKU-1', quantity: 2, unitPrice: 100 }], paymentToken: '' }), ['items[1].sku', 'paymentToken']],
    ['a currency that is not in ISO 4217', orderBody({ currency: 'XYZ' }), ['currency']],
  ])('refuses %s with 400 naming every bad field, storing and publishing nothing', async (_, body, fields) => {
    const before = await executionCount();
    const response = await postOrder(body);
    expect(response.statusCode).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([...fields].sort());
    expect(response.body.message).toEqual(expect.stringContaining(fields[0]!));
    await quiet();
    expect(await storedOrdersOf(body.customerId)).toEqual([]);
    expect(await executionCount()).toBe(before);
    await eventsOf('');
    expect(captured.filter((e) => e.detail.data.customerId === body.customerId || e.detail.data.customer?.id === body.customerId)).toEqual([]);
  });

  it('refuses a body that is not JSON with 400 on the body', async () => {
    const before = await executionCount();
    const response = await http('POST', '/orders', { body: '{"customerId": "c1", ' });
    expect(response).toEqual({ statusCode: 400, body: { message: 'body is not JSON', errors: [{ field: 'body', message: 'is not JSON' }] } });
    expect(await executionCount()).toBe(before);
  });
});

describe('the order saga', () => {
  it('confirms the order when payment and inventory both succeed, and publishes OrderConfirmed', async () => {
    const orderId = await place();
    await sagaWaiting(orderId);
    await put(paid(orderId), reserved(orderId));

    expect(await sagaEnd(orderId)).toBe('SUCCEEDED');
    expect((await getOrder(orderId)).body).toMatchObject({ orderId, status: 'CONFIRMED' });
    expect(await typesOf(orderId)).toEqual(['OrderConfirmed.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
    const confirmed = (await eventsOf(orderId)).find((e) => e['detail-type'] === 'OrderConfirmed.v1')!.detail;
    expect(confirmed.data).toMatchObject({ orderId, total: { amount: 3098, currency: 'EUR' } });
    expect(await sagaSteps(orderId)).toEqual(expect.arrayContaining(['PublishOrderPlaced', 'AwaitOutcomes', 'WaitForPayment', 'WaitForInventory', 'Confirm', 'PublishOrderConfirmed', 'Confirmed']));
  });

  it('cancels with PAYMENT_FAILED and the payment detail when the payment fails, and publishes OrderCancelled', async () => {
    const orderId = await place();
    await sagaWaiting(orderId);
    await put(declined(orderId));

    expect(await sagaEnd(orderId)).toBe('FAILED');
    expect((await getOrder(orderId)).body).toMatchObject({ orderId, status: 'CANCELLED', reason: 'PAYMENT_FAILED', reasonDetail: 'DECLINED: card declined by issuer' });
    expect(await typesOf(orderId)).toEqual(['OrderCancelled.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
    const cancelled = (await eventsOf(orderId)).find((e) => e['detail-type'] === 'OrderCancelled.v1')!.detail;
    expect(cancelled.data).toMatchObject({ orderId, reason: 'PAYMENT_FAILED', detail: 'DECLINED: card declined by issuer' });
    expect(await sagaSteps(orderId)).toEqual(expect.arrayContaining(['PaymentFailed', 'Cancel', 'PublishOrderCancelled', 'Cancelled']));
  });

  it('cancels with OUT_OF_STOCK, naming the short sku, when the reservation fails (even after the payment succeeded)', async () => {
    const orderId = await place();
    await sagaWaiting(orderId);
    await put(paid(orderId));
    await quiet();
    await put(outOfStock(orderId));

    expect(await sagaEnd(orderId)).toBe('FAILED');
    expect((await getOrder(orderId)).body).toMatchObject({ status: 'CANCELLED', reason: 'OUT_OF_STOCK', reasonDetail: 'OUT_OF_STOCK: SKU-1 (requested 2, available 1)' });
    expect(await typesOf(orderId)).toEqual(['OrderCancelled.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
  });

  // Which of the outcome consumer and registerWait writes second is up to the scheduler here (both orders are pinned
  // down in the unit tests of the two handlers); whichever it is answers the wait, so the end state must not depend on it.
  it('confirms when the outcomes are put on the bus straight after POST, before or while the saga registers its waits', async () => {
    const orderId = await place();
    await put(paid(orderId), reserved(orderId));

    expect(await sagaEnd(orderId)).toBe('SUCCEEDED');
    expect((await getOrder(orderId)).body.status).toBe('CONFIRMED');
    expect(await typesOf(orderId)).toEqual(['OrderConfirmed.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
  });

  it('confirms when the consumer records both outcomes first (invoked directly, straight after POST)', async () => {
    const orderId = await place();
    const consume = (event: DomainEvent) =>
      local.lambda.invoke(fn('onOutcome'), JSON.stringify({ version: '0', id: randomUUID(), 'detail-type': event.detailType, source: event.source, account: local.cloud.accountId, time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: event.detail }));
    const results = await Promise.all([consume(paid(orderId)), consume(reserved(orderId))]);
    expect(results.map((r) => r.functionError)).toEqual([undefined, undefined]);

    expect(await sagaEnd(orderId)).toBe('SUCCEEDED');
    expect((await getOrder(orderId)).body.status).toBe('CONFIRMED');
    expect(await typesOf(orderId)).toEqual(['OrderConfirmed.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
  });

  it('publishes one OrderConfirmed when every outcome is delivered twice', async () => {
    const orderId = await place();
    await sagaWaiting(orderId);
    const payment = paid(orderId);
    const inventory = reserved(orderId);
    // The same events twice (a producer retry), plus a fresh copy with another cause (another put of the same outcome).
    await put(payment, inventory, payment, inventory);
    await put(paid(orderId), reserved(orderId));

    expect(await sagaEnd(orderId)).toBe('SUCCEEDED');
    await put(payment, inventory);
    await quiet();
    expect(await typesOf(orderId)).toEqual(['OrderConfirmed.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
    expect((await getOrder(orderId)).body.status).toBe('CONFIRMED');
  });

  it('records an outcome that arrives after the order was cancelled, and changes nothing', async () => {
    const orderId = await place();
    await sagaWaiting(orderId);
    await put(declined(orderId));
    expect(await sagaEnd(orderId)).toBe('FAILED');
    await put(reserved(orderId));
    await quiet();

    expect((await getOrder(orderId)).body).toMatchObject({ status: 'CANCELLED', reason: 'PAYMENT_FAILED' });
    expect(await typesOf(orderId)).toEqual(['OrderCancelled.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
    const [stored] = (await storedOrdersOf((await getOrder(orderId)).body.customerId)) as any[];
    expect(stored.outcomes).toMatchObject({ payment: { status: 'FAILED' }, inventory: { status: 'SUCCEEDED' } });
  });

  it('cancels with TIMEOUT when the outcomes do not come in time (the packaged 300 s, scaled by the emulator)', async () => {
    setOutcomeTimeout(local, Number(packagedTimeout));
    let orderId: string;
    try {
      orderId = await place();
    } finally {
      setOutcomeTimeout(local, 1_000_000);
    }
    await put(paid(orderId));

    expect(await sagaEnd(orderId)).toBe('FAILED');
    expect((await getOrder(orderId)).body).toMatchObject({ status: 'CANCELLED', reason: 'TIMEOUT', reasonDetail: 'no inventory outcome in time' });
    expect(await typesOf(orderId)).toEqual(['OrderCancelled.v1', 'OrderPlaced.v1', 'OrderPlaced.v2']);
    expect(await sagaSteps(orderId)).toEqual(expect.arrayContaining(['TimedOut', 'Cancel', 'PublishOrderCancelled', 'Cancelled']));
  });
});

describe('Idempotency-Key', () => {
  it('answers a repeat with the first answer and creates one order and one saga', async () => {
    const body = orderBody();
    const key = randomUUID();
    const before = await executionCount();
    const first = await place(body, { 'Idempotency-Key': key });
    const again = await postOrder(body, { 'Idempotency-Key': key });

    expect(again).toEqual({ statusCode: 202, body: { orderId: first, status: 'PENDING' } });
    await sagaWaiting(first);
    await quiet();
    expect(await storedOrdersOf(body.customerId)).toHaveLength(1);
    expect(await executionCount()).toBe(before + 1);
    expect(await typesOf(first)).toEqual(['OrderPlaced.v1', 'OrderPlaced.v2']);
  });

  it('refuses the same key with a different body (422), creating nothing', async () => {
    const key = randomUUID();
    await place(orderBody(), { 'Idempotency-Key': key });
    const other = orderBody();
    const before = await executionCount();

    const response = await postOrder(other, { 'Idempotency-Key': key });
    expect(response).toEqual({ statusCode: 422, body: { message: expect.stringContaining('Idempotency-Key') } });
    expect(await storedOrdersOf(other.customerId)).toEqual([]);
    expect(await executionCount()).toBe(before);
  });
});

// A retry with the same key must converge on the first attempt's order whatever became of its idempotency record.
describe('Idempotency-Key: a retry after the first attempt got as far as its saga', () => {
  const post = (body: object, key: string) => postOrder(body, { 'Idempotency-Key': key });

  it('its answer and its record lost (deleted): the retry answers the same order, and there is one order and one saga', async () => {
    const body = orderBody();
    const key = randomUUID();
    const before = await executionCount();
    const first = await place(body, { 'Idempotency-Key': key });
    await sagaWaiting(first);
    await db.send(new DeleteCommand({ TableName: 'shop-orders-dev-idempotency', Key: { id: (await idempotencyRecordOf(first)).id } }));

    expect(await post(body, key)).toEqual({ statusCode: 202, body: { orderId: first, status: 'PENDING' } });
    await quiet();
    expect(await storedOrdersOf(body.customerId)).toHaveLength(1);
    expect(await executionCount()).toBe(before + 1);
    expect(await typesOf(first)).toEqual(['OrderPlaced.v1', 'OrderPlaced.v2']);
    // And the order still completes as one.
    await put(paid(first), reserved(first));
    expect(await sagaEnd(first)).toBe('SUCCEEDED');
    expect((await getOrder(first)).body.status).toBe('CONFIRMED');
  });

  it('its completion failed (record left INPROGRESS): 409 while the lock holds, then the same order once it lapses', async () => {
    const body = orderBody();
    const key = randomUUID();
    const before = await executionCount();
    const first = await place(body, { 'Idempotency-Key': key });
    const { id } = await idempotencyRecordOf(first);

    await leaveInProgress(id, 60_000);
    expect(await post(body, key)).toEqual({ statusCode: 409, body: { message: expect.stringContaining('still being processed') } });
    await leaveInProgress(id, -1);
    expect(await post(body, key)).toEqual({ statusCode: 202, body: { orderId: first, status: 'PENDING' } });
    // The retry completed the record: a third attempt gets the stored answer.
    expect(await post(body, key)).toEqual({ statusCode: 202, body: { orderId: first, status: 'PENDING' } });

    await sagaWaiting(first);
    await quiet();
    expect(await storedOrdersOf(body.customerId)).toHaveLength(1);
    expect(await executionCount()).toBe(before + 1);
    expect(await typesOf(first)).toEqual(['OrderPlaced.v1', 'OrderPlaced.v2']);
  });

  it('its record lost, the same key and customer with another body: 422, and the first order is untouched', async () => {
    const body = orderBody();
    const key = randomUUID();
    const first = await place(body, { 'Idempotency-Key': key });
    await db.send(new DeleteCommand({ TableName: 'shop-orders-dev-idempotency', Key: { id: (await idempotencyRecordOf(first)).id } }));
    const before = await executionCount();

    const other = { ...body, items: [{ sku: 'SKU-1', quantity: 5, unitPrice: 1299 }] };
    expect(await post(other, key)).toEqual({ statusCode: 422, body: { message: expect.stringContaining('Idempotency-Key') } });
    expect(await storedOrdersOf(body.customerId)).toEqual([expect.objectContaining({ orderId: first, items: body.items })]);
    expect(await executionCount()).toBe(before);
  });

  it('its saga could not start (503, the order taken back): the retry places the order, with one saga', async () => {
    const body = orderBody();
    const key = randomUUID();
    const before = await executionCount();
    // A state machine that does not exist, which placeOrder's role may use: otherwise IAM refuses both calls first,
    // and whether the saga started stays unknown (AccessDenied says nothing about the execution).
    const missing = `${sagaArn()}-missing`;
    const refused = await withRolePolicy(
      fn('placeOrder'),
      [
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: missing },
        { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `${missing.replace(':stateMachine:', ':execution:')}:*` },
      ],
      () => withPlaceOrderEnvironment({ ORDER_STATE_MACHINE_ARN: missing }, () => post(body, key)),
    );
    expect(refused).toEqual({ statusCode: 503, body: { message: expect.stringContaining('retry later') } });
    expect(await storedOrdersOf(body.customerId)).toEqual([]);

    const placed = await post(body, key);
    expect(placed).toEqual({ statusCode: 202, body: { orderId: expect.any(String), status: 'PENDING' } });
    await sagaWaiting(placed.body.orderId);
    await quiet();
    expect(await storedOrdersOf(body.customerId)).toHaveLength(1);
    expect(await executionCount()).toBe(before + 1);
  });
});

describe('poison outcome events', () => {
  it('sends an outcome for an order that does not exist to PoisonEventsQueue, with the reason', async () => {
    const orderId = randomUUID();
    await put(paid(orderId));
    await quiet();

    const records = await receiveAll(orders.outputs.PoisonEventsQueueUrl as string);
    const record = records.find((r) => r.requestPayload?.detail?.data?.orderId === orderId);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringContaining(fn('onOutcome')) },
      responsePayload: { errorType: 'UnknownOrderError', errorMessage: expect.stringContaining(`order ${orderId}, which does not exist`) },
    });
    expect(await receiveAll(orders.outputs.EventDeliveryDlqUrl as string)).toEqual([]);
  });

  it('sends an outcome that violates its schema to PoisonEventsQueue, naming the field', async () => {
    const orderId = await place();
    const broken = paid(orderId);
    delete (broken.detail.data as Partial<typeof broken.detail.data>).paymentId;
    // Put around the publisher, which validates before it sends.
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: broken.source, DetailType: broken.detailType, Detail: JSON.stringify(broken.detail) }] }));
    await quiet();

    const record = (await receiveAll(orders.outputs.PoisonEventsQueueUrl as string)).find((r) => r.requestPayload?.detail?.data?.orderId === orderId);
    expect(record).toMatchObject({ responsePayload: { errorMessage: expect.stringContaining('paymentId') } });
    expect((await getOrder(orderId)).body.status).toBe('PENDING');
  });
});
