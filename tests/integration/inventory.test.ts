import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EventPublisher, type DomainEvent } from '@shop/events';
import { loadSystem, readPackagedService, type LoadedStack } from '../../libs/local-cloud/src/cloudformation/loader';
import { startLocalCloud, type CloudActivity, type LocalCloud } from '../../libs/local-cloud/src';
import { SERVICES_DIR } from '../../scripts/package-services';
import { ruleToQueue } from '../support/rule-queue';
import { orderCancelledEvent, orderPlacedEvents } from '../../services/orders/src/domain/events';
import type { Order } from '../../services/orders/src/domain/order';

/**
 * The inventory service as packaged (`sls package`), loaded into the emulator with the bus, driven only through its
 * HTTP handlers and the events on the bus; each test asserts the end state: stock, reservation records, events. Both
 * sagas are Express workflows, which Step Functions neither lists nor describes: the paths they took are read from what
 * the emulator recorded as they ran.
 */

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const BUS = 'shop-dev';
let local: LocalCloud;
let inventory: LoadedStack;
let events: EventBridgeClient;
let sqs: SQSClient;
/** Every Express execution of the inventory sagas, by ARN: the states it entered, in order. */
const runs = new Map<string, { executionArn: string; states: string[] }>();
let db: DynamoDBDocumentClient;
let captureUrl: string;
/** Every inventory event seen on the bus so far (the capture queue is drained into it). */
const captured: Array<{ 'detail-type': string; detail: any }> = [];

const fn = (name: string) => `shop-inventory-dev-${name}`;

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  const config = { endpoint: local.url, region: 'us-east-1', credentials };
  const stacks = await loadSystem(
    ['event-bus', 'identity', 'inventory'].map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, iam: local.iam.policies },
  );
  inventory = stacks.find((s) => s.stackName === 'shop-inventory-dev')!;
  events = new EventBridgeClient(config);
  sqs = new SQSClient(config);
  local.cloud.monitor.on('activity', (activity: CloudActivity) => {
    if (activity.service !== 'states' || typeof activity.executionArn !== 'string' || !activity.executionArn.includes(':express:shop-inventory-dev-')) return;
    const run = runs.get(activity.executionArn) ?? { executionArn: activity.executionArn, states: [] };
    runs.set(activity.executionArn, run);
    if (activity.type === 'state.entered') run.states.push(String(activity.stateName));
  });
  db = DynamoDBDocumentClient.from(new DynamoDBClient(config));

  // What inventory publishes, captured by a test rule whose target is a queue.
  ({ queueUrl: captureUrl } = await ruleToQueue({ events, sqs }, { name: 'inventory-test-capture', eventBusName: BUS, eventPattern: { source: ['shop.inventory'] }, targetId: 'capture' }));
});

afterAll(async () => {
  for (const client of [events, sqs, db]) client?.destroy();
  await local?.stop();
});

// ---- helpers ---------------------------------------------------------------------------------------------------

function order(items: Array<{ sku: string; quantity: number }>): Order {
  const now = new Date().toISOString();
  return {
    orderId: randomUUID(),
    customerId: 'cust-42',
    customerEmail: 'ada@example.com',
    currency: 'EUR',
    items: items.map((i) => ({ ...i, unitPrice: 1299 })),
    total: items.reduce((sum, i) => sum + i.quantity * 1299, 0),
    paymentToken: 'tok_visa',
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
  };
}

const placed = (o: Order) => orderPlacedEvents(o, { publishV1: true }).find((e) => e.detailType === 'OrderPlaced.v1')!;
const cancelled = (o: Order) => orderCancelledEvent(o, 'PAYMENT_FAILED', undefined, new Date());

async function put(...domainEvents: DomainEvent[]): Promise<void> {
  await new EventPublisher({ eventBusName: BUS, client: events }).publish(domainEvents);
}

async function http(name: 'putStock' | 'getStock', sku: string, body?: string) {
  const event = {
    version: '2.0',
    routeKey: name === 'putStock' ? 'PUT /inventory/{sku}' : 'GET /inventory/{sku}',
    rawPath: `/inventory/${sku}`,
    headers: { 'content-type': 'application/json' },
    pathParameters: { sku },
    // Past the route's JWT authorizer: an admin (only admins set stock).
    requestContext: { http: { method: name === 'putStock' ? 'PUT' : 'GET', path: `/inventory/${sku}` }, authorizer: { jwt: { claims: { sub: 'ops-1', 'cognito:groups': '[admins]' }, scopes: null } } },
    isBase64Encoded: false,
    ...(body !== undefined && { body }),
  };
  const result = await local.lambda.invoke(fn(name), JSON.stringify(event));
  if (result.functionError) throw new Error(`${name} failed: ${result.payload}`);
  const response = JSON.parse(result.payload);
  return { status: response.statusCode as number, body: JSON.parse(response.body) };
}

async function stockOf(sku: string) {
  const { status, body } = await http('getStock', sku);
  return status === 200 ? { available: body.available, reserved: body.reserved } : undefined;
}

const reservation = async (orderId: string) =>
  (await db.send(new GetCommand({ TableName: 'shop-inventory-dev-reservations', Key: { orderId }, ConsistentRead: true }))).Item;

/** Waits until deliveries and async invokes are done and the order's sagas have closed, then collects the events. */
async function settled(orderId: string): Promise<void> {
  for (let round = 0; round < 2000; round++) {
    await local.events.drain();
    await local.lambda.asyncSettled();
    const running = (await Promise.all([executionsOf('reservation', orderId), executionsOf('release', orderId)])).flat().filter((e) => e.status === 'RUNNING');
    if (running.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await local.events.drain();
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: captureUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) break;
    captured.push(...Messages.map((m) => JSON.parse(m.Body!)));
  }
}

/** The order's executions of one saga, in start order, with their status now. */
async function executionsOf(machine: 'reservation' | 'release', orderId: string): Promise<Array<{ executionArn: string; status: string }>> {
  const prefix = `:express:shop-inventory-dev-${machine}:${machine === 'reservation' ? 'reserve' : 'release'}-${orderId}:`;
  return [...runs.values()].filter((run) => run.executionArn.includes(prefix)).map(({ executionArn }) => ({ executionArn, status: local.states.getExecutionGraph(executionArn).status }));
}

const eventsFor = (orderId: string) => captured.filter((e) => e.detail.data.orderId === orderId);
const detailTypes = (orderId: string) => eventsFor(orderId).map((e) => e['detail-type']);

const statesEntered = async (executionArn: string): Promise<string[]> => runs.get(executionArn)!.states;

async function stock(levels: Record<string, number>): Promise<void> {
  for (const [sku, available] of Object.entries(levels)) expect((await http('putStock', sku, JSON.stringify({ available }))).status).toBe(200);
}

const sku = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

// ---- the stock API -------------------------------------------------------------------------------------------

describe('the stock API (HTTP handlers)', () => {
  it('PUT sets the free units, GET reads them back, GET of an unknown sku is 404', async () => {
    const mug = sku('MUG');
    expect(await http('putStock', mug, '{"available":7}')).toEqual({ status: 200, body: { sku: mug, available: 7, reserved: 0 } });
    expect(await http('putStock', mug, '{"available":3}')).toEqual({ status: 200, body: { sku: mug, available: 3, reserved: 0 } });
    expect(await http('getStock', mug)).toEqual({ status: 200, body: { sku: mug, available: 3, reserved: 0 } });
    expect(await http('getStock', sku('NONE'))).toMatchObject({ status: 404, body: { message: expect.any(String) } });
  });

  it.each([
    ['not JSON', 'GOOD', '{"available":', ['body']],
    ['a negative count', 'GOOD', '{"available":-1}', ['available']],
    ['a fraction', 'GOOD', '{"available":1.5}', ['available']],
    ['a missing count', 'GOOD', '{}', ['available']],
    ['a bad sku and count', '-bad', '{"available":"3"}', ['sku', 'available']],
  ])('rejects %s with 400 naming the fields, and writes nothing', async (_case, prefix, body, fields) => {
    const target = prefix === '-bad' ? '-bad' : sku(prefix);
    const response = await http('putStock', target, body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(response.body.message).toEqual(expect.stringContaining(fields[0]!));
    if (prefix !== '-bad') expect(await stockOf(target)).toBeUndefined();
  });
});

// ---- the reservation saga ------------------------------------------------------------------------------------

describe('OrderPlaced.v1 → the reservation saga', () => {
  it('reserves every item, publishes InventoryReserved and records the order RESERVED', async () => {
    const [mug, tee] = [sku('MUG'), sku('TEE')];
    await stock({ [mug]: 10, [tee]: 5 });
    const o = order([{ sku: mug, quantity: 2 }, { sku: tee, quantity: 1 }]);
    await put(placed(o));
    await settled(o.orderId);

    expect(await stockOf(mug)).toEqual({ available: 8, reserved: 2 });
    expect(await stockOf(tee)).toEqual({ available: 4, reserved: 1 });
    expect(await reservation(o.orderId)).toMatchObject({ status: 'RESERVED', reserved: [{ sku: mug, quantity: 2 }, { sku: tee, quantity: 1 }] });
    const [event] = eventsFor(o.orderId);
    expect(detailTypes(o.orderId)).toEqual(['InventoryReserved.v1']);
    const [execution] = await executionsOf('reservation', o.orderId);
    expect(await statesEntered(execution!.executionArn!)).toEqual(['BeginReservation', 'StillWanted', 'ReserveItems', 'ReserveItem', 'ReserveItem', 'Settle', 'Outcome', 'PublishReserved']);
    expect(event!.detail).toMatchObject({
      metadata: { correlationId: o.orderId, causationId: placed(o).detail.metadata.id, domain: 'inventory' },
      data: { orderId: o.orderId, items: [{ sku: mug, quantity: 2 }, { sku: tee, quantity: 1 }] },
    });
  });

  it('out of stock: reserves nothing and publishes InventoryReservationFailed with the shortage', async () => {
    const lamp = sku('LAMP');
    await stock({ [lamp]: 1 });
    const o = order([{ sku: lamp, quantity: 2 }]);
    await put(placed(o));
    await settled(o.orderId);

    expect(await stockOf(lamp)).toEqual({ available: 1, reserved: 0 });
    expect(await reservation(o.orderId)).toMatchObject({ status: 'FAILED', reserved: [] });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReservationFailed.v1']);
    expect(eventsFor(o.orderId)[0]!.detail.data).toMatchObject({ reason: 'OUT_OF_STOCK', unavailable: [{ sku: lamp, requested: 2, available: 1 }] });
  });

  it('an unknown sku fails the reservation with UNKNOWN_SKU', async () => {
    const ghost = sku('GHOST');
    const o = order([{ sku: ghost, quantity: 1 }]);
    await put(placed(o));
    await settled(o.orderId);

    expect(eventsFor(o.orderId).map((e) => e.detail.data)).toEqual([
      expect.objectContaining({ reason: 'UNKNOWN_SKU', unavailable: [{ sku: ghost, requested: 1, available: 0 }] }),
    ]);
    expect(await stockOf(ghost)).toBeUndefined();
  });

  it('partial stock: the item that was reserved is released again, the stock ends as it began', async () => {
    const [pen, ink] = [sku('PEN'), sku('INK')];
    await stock({ [pen]: 5, [ink]: 1 });
    const o = order([{ sku: pen, quantity: 2 }, { sku: ink, quantity: 3 }]);
    await put(placed(o));
    await settled(o.orderId);

    expect(await stockOf(pen)).toEqual({ available: 5, reserved: 0 });
    expect(await stockOf(ink)).toEqual({ available: 1, reserved: 0 });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReservationFailed.v1']);
    expect(eventsFor(o.orderId)[0]!.detail.data.unavailable).toEqual([{ sku: ink, requested: 3, available: 1 }]);
    // The pen was really reserved, then given back by the compensation.
    const [execution] = await executionsOf('reservation', o.orderId);
    expect(await statesEntered(execution!.executionArn!)).toEqual(expect.arrayContaining(['ReserveItems', 'Settle', 'ReleasePartial', 'ReleasePartialItem', 'PublishReservationFailed']));
  });

  // Orders refuses a sku on two lines, but OrderPlaced.v1 allows it, and other producers or versions may send one.
  it('a sku on two lines of the event: reserves the summed quantity and publishes it as one line', async () => {
    const [mug, tee] = [sku('MUG'), sku('TEE')];
    await stock({ [mug]: 10, [tee]: 5 });
    const o = order([{ sku: mug, quantity: 2 }, { sku: tee, quantity: 1 }, { sku: mug, quantity: 3 }]);
    await put(placed(o));
    await settled(o.orderId);

    expect(await stockOf(mug)).toEqual({ available: 5, reserved: 5 });
    expect(await stockOf(tee)).toEqual({ available: 4, reserved: 1 });
    expect(await reservation(o.orderId)).toMatchObject({ status: 'RESERVED', reserved: [{ sku: mug, quantity: 5 }, { sku: tee, quantity: 1 }] });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReserved.v1']);
    expect(eventsFor(o.orderId)[0]!.detail.data.items).toEqual([{ sku: mug, quantity: 5 }, { sku: tee, quantity: 1 }]);
  });

  it('a sku on two lines that each fit but together do not: fails OUT_OF_STOCK for the sum and holds nothing', async () => {
    const lamp = sku('LAMP');
    await stock({ [lamp]: 4 });
    const o = order([{ sku: lamp, quantity: 2 }, { sku: lamp, quantity: 3 }]);
    await put(placed(o));
    await settled(o.orderId);

    expect(await stockOf(lamp)).toEqual({ available: 4, reserved: 0 });
    expect(await reservation(o.orderId)).toMatchObject({ status: 'FAILED', reserved: [] });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReservationFailed.v1']);
    expect(eventsFor(o.orderId)[0]!.detail.data).toMatchObject({ reason: 'OUT_OF_STOCK', unavailable: [{ sku: lamp, requested: 5, available: 4 }] });
  });

  it('the same event delivered twice reserves once and publishes once', async () => {
    const cup = sku('CUP');
    await stock({ [cup]: 10 });
    const o = order([{ sku: cup, quantity: 3 }]);
    const event = placed(o);
    await put(event);
    await put(event); // a producer retry: new EventBridge envelope id, same metadata.id
    await settled(o.orderId);

    expect(await stockOf(cup)).toEqual({ available: 7, reserved: 3 });
    expect(await executionsOf('reservation', o.orderId)).toHaveLength(1);
    expect(detailTypes(o.orderId)).toEqual(['InventoryReserved.v1']);
  });

  it('a technical failure after a reservation releases it and fails the execution, publishing nothing; the consumer runs it again, then keeps it in PoisonEventsQueue with the execution\'s error', async () => {
    const [good, corrupt] = [sku('GOOD'), sku('CORRUPT')];
    await stock({ [good]: 3 });
    // No `reservations` map: `SET reservations.#order` is a ValidationException, so reserving it fails on every retry.
    await db.send(new PutCommand({ TableName: 'shop-inventory-dev-stock', Item: { sku: corrupt, available: 5, reserved: 0 } }));
    const o = order([{ sku: good, quantity: 2 }, { sku: corrupt, quantity: 1 }]);
    await put(placed(o));
    await settled(o.orderId);

    // The invocation and Lambda's two retries: three executions, each FAILED after giving back what it reserved.
    const executions = await executionsOf('reservation', o.orderId);
    expect(executions.map((execution) => execution.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(await statesEntered(executions[0]!.executionArn)).toEqual(expect.arrayContaining(['ReleaseAfterError', 'ReleaseItemAfterError', 'ReservationFailed']));
    expect(await stockOf(good)).toEqual({ available: 3, reserved: 0 });
    expect(detailTypes(o.orderId)).toEqual([]);
    const poison = (await receiveAll(inventory.outputs.PoisonEventsQueueUrl as string)).map((body) => JSON.parse(body));
    expect(poison.find((record) => record.requestPayload?.detail?.data?.orderId === o.orderId)).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      responsePayload: { errorType: 'SagaFailedError', errorMessage: expect.stringContaining('FAILED: ReservationFailed') },
    });
  });

  /** Fails every put of `detailType` until the first reservation execution of the order has failed. */
  function failPublishingOnce(orderId: string, detailType: string) {
    local.faults.set({ putEvents: { rate: 1, scope: detailType } });
    const off = (activity: CloudActivity) => {
      if (activity.type !== 'execution.failed' || !String(activity.executionArn).includes(`:reserve-${orderId}:`)) return;
      local.faults.set({});
      local.cloud.monitor.off('activity', off);
    };
    local.cloud.monitor.on('activity', off);
  }

  it('run again after an execution settled RESERVED but could not publish: publishes InventoryReserved, reserving nothing twice', async () => {
    const cup = sku('CUP');
    await stock({ [cup]: 10 });
    const o = order([{ sku: cup, quantity: 3 }]);
    failPublishingOnce(o.orderId, 'InventoryReserved.v1');
    await put(placed(o));
    await settled(o.orderId);

    const [first, second] = await executionsOf('reservation', o.orderId);
    expect([first!.status, second!.status]).toEqual(['FAILED', 'SUCCEEDED']);
    expect(await statesEntered(second!.executionArn)).toEqual(['BeginReservation', 'StillWanted', 'SettledReserved', 'PublishReserved']);
    expect(await stockOf(cup)).toEqual({ available: 7, reserved: 3 });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReserved.v1']);
    expect(eventsFor(o.orderId)[0]!.detail.data.items).toEqual([{ sku: cup, quantity: 3 }]);
  });

  it('run again after an execution settled FAILED but could not publish: gives back what is held, publishes InventoryReservationFailed with its reason', async () => {
    const [pen, ink] = [sku('PEN'), sku('INK')];
    await stock({ [pen]: 5, [ink]: 1 });
    const o = order([{ sku: pen, quantity: 2 }, { sku: ink, quantity: 3 }]);
    failPublishingOnce(o.orderId, 'InventoryReservationFailed.v1');
    await put(placed(o));
    await settled(o.orderId);

    const [first, second] = await executionsOf('reservation', o.orderId);
    expect([first!.status, second!.status]).toEqual(['FAILED', 'SUCCEEDED']);
    expect(await statesEntered(second!.executionArn)).toEqual(['BeginReservation', 'StillWanted', 'SettledFailed', 'ReleasePartial', 'ReleasePartialItem', 'ReleasePartialItem', 'PublishReservationFailed']);
    expect(await stockOf(pen)).toEqual({ available: 5, reserved: 0 });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReservationFailed.v1']);
    expect(eventsFor(o.orderId)[0]!.detail.data).toMatchObject({ reason: 'OUT_OF_STOCK', unavailable: [{ sku: ink, requested: 3, available: 1 }] });
  });
});

// ---- cancellation ----------------------------------------------------------------------------------------------

describe('OrderCancelled.v1 → the release saga', () => {
  it('after a reservation: releases the stock once and publishes InventoryReleased with the items', async () => {
    const bag = sku('BAG');
    await stock({ [bag]: 4 });
    const o = order([{ sku: bag, quantity: 3 }]);
    await put(placed(o));
    await settled(o.orderId);
    expect(await stockOf(bag)).toEqual({ available: 1, reserved: 3 });

    await put(cancelled(o));
    await put(cancelled(o));
    await settled(o.orderId);

    expect(await stockOf(bag)).toEqual({ available: 4, reserved: 0 });
    expect(await reservation(o.orderId)).toMatchObject({ status: 'CANCELLED', reserved: [], released: [{ sku: bag, quantity: 3 }] });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReserved.v1', 'InventoryReleased.v1']);
    expect(eventsFor(o.orderId)[1]!.detail.data.items).toEqual([{ sku: bag, quantity: 3 }]);
  });

  it('before the order was placed (reordered): holds no stock in the end and publishes no reservation', async () => {
    const hat = sku('HAT');
    await stock({ [hat]: 2 });
    const o = order([{ sku: hat, quantity: 1 }]);
    await put(cancelled(o));
    await settled(o.orderId);
    await put(placed(o));
    await settled(o.orderId);

    expect(await stockOf(hat)).toEqual({ available: 2, reserved: 0 });
    expect(await reservation(o.orderId)).toMatchObject({ status: 'CANCELLED' });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReleased.v1']);
    expect(eventsFor(o.orderId)[0]!.detail.data.items).toEqual([]);
    const [execution] = await executionsOf('reservation', o.orderId);
    expect(await statesEntered(execution!.executionArn!)).toEqual(['BeginReservation', 'StillWanted', 'AlreadySettled']);
  });

  it('after a failed reservation: nothing is held, InventoryReleased says so with no items', async () => {
    const box = sku('BOX');
    await stock({ [box]: 0 });
    const o = order([{ sku: box, quantity: 1 }]);
    await put(placed(o));
    await settled(o.orderId);
    await put(cancelled(o));
    await settled(o.orderId);

    expect(await stockOf(box)).toEqual({ available: 0, reserved: 0 });
    expect(detailTypes(o.orderId)).toEqual(['InventoryReservationFailed.v1', 'InventoryReleased.v1']);
    expect(eventsFor(o.orderId)[1]!.detail.data.items).toEqual([]);
  });
});

// ---- poison events ---------------------------------------------------------------------------------------------

describe('a poison event', () => {
  it('ends in PoisonEventsQueue (after Lambda retries) with the reason naming the field; the delivery DLQ stays empty', async () => {
    const o = order([{ sku: sku('X'), quantity: 1 }]);
    const detail = structuredClone(placed(o).detail) as any;
    detail.data.items[0].quantity = 0;
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 'shop.orders', DetailType: 'OrderPlaced.v1', Detail: JSON.stringify(detail) }] }));
    await settled(o.orderId);

    const poison = await receiveAll(inventory.outputs.PoisonEventsQueueUrl as string);
    const record = poison.map((body) => JSON.parse(body)).find((r) => r.requestPayload?.detail?.data?.orderId === o.orderId);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringContaining(fn('onOrderPlaced')) },
      responsePayload: { errorMessage: expect.stringContaining('quantity') },
    });
    expect(await receiveAll(inventory.outputs.EventDeliveryDlqUrl as string)).toEqual([]);
    expect(await executionsOf('reservation', o.orderId)).toEqual([]);
  });
});

async function receiveAll(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body!));
  }
}
