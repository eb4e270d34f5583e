import { randomUUID } from 'node:crypto';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { captureMetrics, signedIn } from '@shop/service-kit/src/testing';
import { paymentCompletedEvent, paymentFailedEvent } from '../../../payments/src/domain/events';
import type { Payment } from '../../../payments/src/domain/payment';
import { inventoryReservedEvent } from '../../../inventory/src/domain/events';
import type { OrderRecord, Settlement } from '../adapters/orders-table';
import { SagaNotStartedError } from '../adapters/saga-starter';
import { waitAnswerer, type AnswerWait } from '../adapters/task-callbacks';
import type { Decision, Outcome, OutcomeEvent, OutcomeKind } from '../domain/outcomes';
import { keyedOrderId, placedOrder, type Order } from '../domain/order';
import { recordOutcome } from './consumers/on-outcome';
import { handlePlaceOrder, type MakeIdempotent, type PlacementEffects } from './http/place-order';
import { getOrder } from './http/get-order';
import { eventsFor, publish, publishV1FromEnv } from './saga/publish';
import { registerWait } from './saga/register-wait';
import { settleOrder } from './saga/settle-order';

const context = {} as Context;
/** The order as placed by customer c-1; its request body names no customer (the token's subject is the customer). */
const body = { customerId: 'c-1', customerEmail: 'ada@example.com', currency: 'EUR', items: [{ sku: 'A', quantity: 2, unitPrice: 500 }], paymentToken: 'tok' };
const { customerId: _placedBy, ...requestBody } = body;
const post = (payload: unknown, headers: Record<string, string> = {}, customerId = 'c-1') =>
  ({ body: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers }, isBase64Encoded: false, requestContext: signedIn(customerId) }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const getEvent = (orderId: string, caller = signedIn('c-1')) => ({ pathParameters: { orderId }, requestContext: caller }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

/** The orders table as placeOrder sees it (one order per id, createOrFind answers the one stored), and the saga starts. */
function placementFakes(overrides: Partial<PlacementEffects> = {}) {
  const calls: string[] = [];
  const stored = new Map<string, OrderRecord>();
  const effects: PlacementEffects = {
    orders: {
      createOrFind: async (order) => {
        const existing = stored.get(order.orderId);
        const { status, total } = existing ?? order;
        calls.push(`${existing ? 'found' : 'create'} ${order.orderId} ${status} ${total}`);
        if (!existing) stored.set(order.orderId, { ...order, outcomes: {}, waits: {} });
        return existing;
      },
      remove: async (id) => void (calls.push(`remove ${id}`), stored.delete(id)),
    },
    startSaga: async (input) => void calls.push(`start ${JSON.stringify(input)}`),
    outcomeTimeoutSeconds: 300,
    newOrderId: () => 'o-1',
    now: () => new Date('2026-11-23T12:00:00Z'),
    ...overrides,
  };
  return { calls, stored, effects: () => effects };
}
/** No idempotency record at all: what a retry meets once the first attempt's record was lost. */
const recordLost: MakeIdempotent = (place) => place;
const notIdempotent: MakeIdempotent = () => { throw new Error('no Idempotency-Key was given: the placement must not be keyed'); };

describe('POST /orders', () => {
  it("places the order for the token's subject, refuses a body naming a customer, and a call without a caller", async () => {
    const { stored, effects } = placementFakes();
    expect((await handlePlaceOrder(post(requestBody, {}, 'c-9'), context, effects, notIdempotent)).statusCode).toBe(202);
    expect(stored.get('o-1')?.customerId).toBe('c-9');
    const named = await handlePlaceOrder(post({ ...requestBody, customerId: 'c-1' }, {}, 'c-9'), context, effects, notIdempotent);
    expect(named.statusCode).toBe(400);
    expect(JSON.parse(named.body!).errors).toEqual([{ field: 'customerId', message: "is not accepted: the customer is the signed-in caller (the token's subject)" }]);
    const anonymous = { ...post(requestBody), requestContext: {} } as never;
    expect((await handlePlaceOrder(anonymous, context, effects, notIdempotent)).statusCode).toBe(401);
  });

  it('writes the order PENDING, then starts its saga named after it, and answers 202', async () => {
    const { calls, effects } = placementFakes();
    const response = await handlePlaceOrder(post(requestBody), context, effects, notIdempotent);
    expect(response).toMatchObject({ statusCode: 202 });
    expect(JSON.parse(response.body!)).toEqual({ orderId: 'o-1', status: 'PENDING' });
    expect(calls).toEqual(['create o-1 PENDING 1000', 'start {"orderId":"o-1","outcomeTimeoutSeconds":300}']);
  });

  it('takes the order back and answers 503 when the saga surely did not start', async () => {
    const { calls, stored, effects } = placementFakes({ startSaga: async () => { throw new SagaNotStartedError('throttled'); } });
    const response = await handlePlaceOrder(post(requestBody), context, effects, notIdempotent);
    expect(response.statusCode).toBe(503);
    expect(calls).toEqual(['create o-1 PENDING 1000', 'remove o-1']);
    expect(stored.size).toBe(0);
  });

  it('keeps the order (for a retry to converge on) and answers 503 when whether the saga started is unknown', async () => {
    const { calls, stored, effects } = placementFakes({ startSaga: async () => { throw new Error('whether the order saga started is unknown'); } });
    expect((await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost)).statusCode).toBe(503);
    expect(calls).toEqual([`create ${keyedOrderId('c-1', 'k-1')} PENDING 1000`]);
    expect(stored.size).toBe(1);
  });

  it('answers 400 naming every bad field without touching anything', async () => {
    const { calls, effects } = placementFakes();
    const response = await handlePlaceOrder(post({ ...requestBody, customerEmail: 'x', items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] }), context, effects, notIdempotent);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).errors.map((e: { field: string }) => e.field).sort()).toEqual(['customerEmail', 'items[0].quantity']);
    expect(calls).toEqual([]);
  });

  it('answers 415, 413 and 400 for a body it cannot take, and for a key with a space, without touching anything', async () => {
    const { calls, effects } = placementFakes();
    const answer = async (event: APIGatewayProxyEventV2WithJWTAuthorizer) => {
      const response = await handlePlaceOrder(event, context, effects, notIdempotent);
      return { status: response.statusCode, message: JSON.parse(response.body!).message };
    };
    expect(await answer(post(requestBody, { 'content-type': 'text/plain' }))).toEqual({ status: 415, message: 'content-type text/plain is not accepted: must be application/json (charset utf-8 allowed)' });
    expect(await answer(post({ ...requestBody, pad: ' '.repeat(32 * 1024) }))).toEqual({ status: 413, message: expect.stringMatching(/^body is 32\d{3} bytes: at most 32768 bytes$/) });
    expect(await answer(post(`{"items":${'['.repeat(9)}${']'.repeat(9)}}`))).toEqual({ status: 400, message: 'body nests deeper than 8 levels of arrays and objects' });
    expect(await answer(post(requestBody, { 'idempotency-key': 'my key' }))).toEqual({ status: 400, message: 'invalid request: Idempotency-Key' });
    expect(calls).toEqual([]);
  });

  it('keys the placement on the Idempotency-Key header with the validated body', async () => {
    const { effects } = placementFakes();
    const seen: unknown[] = [];
    const keyed: MakeIdempotent = (place) => async (placement) => {
      seen.push(placement);
      return place(placement);
    };
    await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, keyed);
    expect(seen).toEqual([{ key: 'k-1', request: body }]);
    expect((await handlePlaceOrder(post(requestBody, { 'idempotency-key': '' }), context, effects, keyed)).statusCode).toBe(400);
  });

  it('names a keyed order after the customer and the key', async () => {
    const { effects } = placementFakes();
    const placedWith = async (customerId: string, key: string) => JSON.parse((await handlePlaceOrder(post(requestBody, { 'idempotency-key': key }, customerId), context, effects, recordLost)).body!).orderId;
    const first = await placedWith('c-1', 'k-1');
    expect(first).toBe(keyedOrderId('c-1', 'k-1'));
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([await placedWith('c-2', 'k-1'), await placedWith('c-1', 'k-2')]).not.toContain(first);
  });

  it('run again under the same key (its record lost), finds the order it stored and starts its saga again: one order', async () => {
    const { calls, stored, effects } = placementFakes();
    const first = await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
    const again = await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
    const orderId = keyedOrderId('c-1', 'k-1');
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(JSON.parse(again.body!)).toEqual(JSON.parse(first.body!));
    // The second start has the name and input of the first: Step Functions runs it once.
    const start = `start ${JSON.stringify({ orderId, outcomeTimeoutSeconds: 300 })}`;
    expect(calls).toEqual([`create ${orderId} PENDING 1000`, start, `found ${orderId} PENDING 1000`, start]);
    expect(stored.size).toBe(1);
  });

  it('counts an order placed once, by the placement that stored it: not by a retry, nor by one that failed', async () => {
    const { effects } = placementFakes();
    const { metrics } = await captureMetrics(async () => {
      await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
      await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
      const unavailable = placementFakes({ startSaga: async () => Promise.reject(new SagaNotStartedError('down')) });
      await handlePlaceOrder(post(requestBody), context, unavailable.effects, notIdempotent);
    });
    expect(metrics.map((m) => [m.namespace, m.name, m.value])).toEqual([['Shop', 'OrdersPlaced', 1]]);
  });

  it('does not start a saga again for an order of the key that is no longer PENDING', async () => {
    const { calls, stored, effects } = placementFakes();
    await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
    const orderId = keyedOrderId('c-1', 'k-1');
    stored.set(orderId, { ...stored.get(orderId)!, status: 'CONFIRMED' });
    calls.length = 0;
    const again = await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
    expect(again.statusCode).toBe(202);
    expect(JSON.parse(again.body!)).toEqual({ orderId, status: 'PENDING' });
    expect(calls).toEqual([`found ${orderId} CONFIRMED 1000`]);
  });

  it('refuses another body under the same key and customer (422) once the record is lost, starting nothing', async () => {
    const { calls, stored, effects } = placementFakes();
    await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
    calls.length = 0;
    const other = await handlePlaceOrder(post({ ...requestBody, items: [{ sku: 'A', quantity: 3, unitPrice: 500 }] }, { 'idempotency-key': 'k-1' }), context, effects, recordLost);
    expect(other).toMatchObject({ statusCode: 422 });
    expect(JSON.parse(other.body!)).toEqual({ message: 'this Idempotency-Key was already used with a different request body' });
    expect(calls).toEqual([`found ${keyedOrderId('c-1', 'k-1')} PENDING 1000`]);
    expect([...stored.values()].map((o) => o.items)).toEqual([body.items]);
  });

  it('answers 422 for a key reused with another body and 409 for a key still in progress', async () => {
    const { effects } = placementFakes();
    const failing = (error: Error): MakeIdempotent => () => async () => { throw error; };
    expect((await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k' }), context, effects, failing(new IdempotencyValidationError('different payload')))).statusCode).toBe(422);
    expect((await handlePlaceOrder(post(requestBody, { 'idempotency-key': 'k' }), context, effects, failing(new IdempotencyAlreadyInProgressError('busy')))).statusCode).toBe(409);
  });
});

describe('GET /orders/{orderId}', () => {
  it('shows the order without its payment token, e-mail or saga bookkeeping; 404 when unknown', async () => {
    const order = placedOrder(body, randomUUID(), new Date('2026-11-23T12:00:00Z'));
    const stored: OrderRecord = { ...order, outcomes: {}, waits: { payment: 'secret-token' } };
    const response = await getOrder(getEvent(order.orderId), { get: async () => stored });
    const shown = JSON.parse(response.body!);
    expect(shown).toEqual({ orderId: order.orderId, status: 'PENDING', total: 1000, currency: 'EUR', items: body.items, customerId: 'c-1', createdAt: order.createdAt, updatedAt: order.updatedAt });
    expect((await getOrder(getEvent(randomUUID()), { get: async () => undefined })).statusCode).toBe(404);
  });

  it("answers another customer's order as an unknown one (404), and shows any order to an admin", async () => {
    const order = placedOrder(body, randomUUID(), new Date('2026-11-23T12:00:00Z'));
    const orders = { get: async () => ({ ...order, outcomes: {}, waits: {} }) as OrderRecord };
    const other = await getOrder(getEvent(order.orderId, signedIn('c-2')), orders);
    expect(other).toMatchObject({ statusCode: 404, body: JSON.stringify({ message: `no order ${order.orderId}` }) });
    expect((await getOrder(getEvent(order.orderId, signedIn('ops-1', ['admins'])), orders)).statusCode).toBe(200);
    expect((await getOrder({ pathParameters: { orderId: order.orderId }, requestContext: {} } as never, orders)).statusCode).toBe(401);
  });
});

/** The orders table's correlation writes, in memory, with the same single-item semantics. */
class FakeOrders {
  readonly records = new Map<string, OrderRecord>();
  add(order: Order) {
    this.records.set(order.orderId, { ...structuredClone(order), outcomes: {}, waits: {} });
  }
  async recordOutcome(orderId: string, kind: OutcomeKind, outcome: Outcome) {
    const record = this.records.get(orderId);
    if (!record) return undefined;
    const recorded = !record.outcomes[kind];
    if (recorded) record.outcomes[kind] = outcome;
    return { record: structuredClone(record), recorded };
  }
  async registerWait(orderId: string, kind: OutcomeKind, taskToken: string) {
    const record = this.records.get(orderId);
    if (record) record.waits[kind] = taskToken;
    return record && structuredClone(record);
  }
}

describe('correlating outcomes with the saga\'s waits', () => {
  const payment = (orderId: string): Payment => ({ orderId, paymentId: 'p', customerId: 'c', customerEmail: 'a@example.com', currency: 'EUR', amount: 1, captured: 1, refunded: 0, status: 'CAPTURED' });
  const cause = (orderId: string) => ({ metadata: { id: randomUUID(), correlationId: orderId } });
  const received = (event: { detailType: string; source: string; detail: any }) => ({ detailType: event.detailType, detail: event.detail, source: event.source, eventBridgeId: randomUUID(), time: '' }) as OutcomeEvent;

  function setup() {
    const orders = new FakeOrders();
    const order = placedOrder(body, randomUUID(), new Date());
    orders.add(order);
    const answers: Decision[] = [];
    const answer: AnswerWait = async (decision) => {
      if (decision.action === 'none') return 'nothing-to-send';
      answers.push(decision);
      return 'sent';
    };
    return { orders, orderId: order.orderId, answers, effects: { orders, answer } };
  }

  it('the wait registered first: the outcome consumer answers it', async () => {
    const { orderId, answers, effects } = setup();
    await registerWait({ orderId, kind: 'payment', taskToken: 'T1' }, effects);
    expect(answers).toEqual([]);
    await recordOutcome(received(paymentCompletedEvent(payment(orderId), cause(orderId), new Date())), effects);
    expect(answers).toEqual([{ action: 'succeed', taskToken: 'T1', output: expect.objectContaining({ status: 'SUCCEEDED' }) }]);
  });

  it('the outcome arrived first: registering the wait answers it at once', async () => {
    const { orderId, answers, effects } = setup();
    const result = await recordOutcome(received(paymentFailedEvent(payment(orderId), 'DECLINED', 'no', cause(orderId), new Date())), effects);
    expect(result).toMatchObject({ recorded: true, decision: 'none' });
    await registerWait({ orderId, kind: 'payment', taskToken: 'T1' }, effects);
    expect(answers).toEqual([{ action: 'fail', taskToken: 'T1', error: 'PaymentFailed', cause: 'DECLINED: no' }]);
  });

  it('keeps the first outcome of a kind; a duplicate changes nothing but may answer again (harmless)', async () => {
    const { orders, orderId, answers, effects } = setup();
    await registerWait({ orderId, kind: 'payment', taskToken: 'T1' }, effects);
    await recordOutcome(received(paymentFailedEvent(payment(orderId), 'DECLINED', 'no', cause(orderId), new Date())), effects);
    const again = await recordOutcome(received(paymentCompletedEvent(payment(orderId), cause(orderId), new Date())), effects);
    expect(again).toMatchObject({ recorded: false });
    expect(orders.records.get(orderId)!.outcomes.payment).toMatchObject({ status: 'FAILED' });
    expect(answers.map((a) => a.action)).toEqual(['fail', 'fail']);
  });

  it('does not answer for another kind', async () => {
    const { orderId, answers, effects } = setup();
    await registerWait({ orderId, kind: 'payment', taskToken: 'T1' }, effects);
    await recordOutcome(received(inventoryReservedEvent(orderId, [{ sku: 'A', quantity: 2 }], cause(orderId), new Date())), effects);
    expect(answers).toEqual([]);
  });

  it('records a late outcome on a settled order and sends nothing', async () => {
    const { orders, orderId, answers, effects } = setup();
    await registerWait({ orderId, kind: 'inventory', taskToken: 'T2' }, effects);
    orders.records.get(orderId)!.status = 'CANCELLED';
    await recordOutcome(received(inventoryReservedEvent(orderId, [{ sku: 'A', quantity: 2 }], cause(orderId), new Date())), effects);
    expect(answers).toEqual([]);
    expect(orders.records.get(orderId)!.outcomes.inventory).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('throws for an order that does not exist (a poison event), and when registering a wait for one', async () => {
    const { effects } = setup();
    const ghost = randomUUID();
    await expect(recordOutcome(received(paymentCompletedEvent(payment(ghost), cause(ghost), new Date())), effects)).rejects.toThrow(`names order ${ghost}, which does not exist`);
    await expect(registerWait({ orderId: ghost, kind: 'payment', taskToken: 'T' }, effects)).rejects.toThrow('does not exist');
  });
});

describe('waitAnswerer', () => {
  const fails = (name: string) => ({ send: async () => { throw Object.assign(new Error(name), { name }); } });
  const decision: Decision = { action: 'succeed', taskToken: 'T', output: { status: 'SUCCEEDED', eventId: 'e' } };

  it('sends SendTaskSuccess / SendTaskFailure with the decided payload', async () => {
    const sent: any[] = [];
    const answer = waitAnswerer({ send: async (command: any) => void sent.push({ name: command.constructor.name, input: command.input }) } as any);
    await answer(decision);
    await answer({ action: 'fail', taskToken: 'U', error: 'PaymentFailed', cause: 'DECLINED' });
    expect(await answer({ action: 'none', why: 'x' })).toBe('nothing-to-send');
    expect(sent).toEqual([
      { name: 'SendTaskSuccessCommand', input: { taskToken: 'T', output: JSON.stringify(decision.output) } },
      { name: 'SendTaskFailureCommand', input: { taskToken: 'U', error: 'PaymentFailed', cause: 'DECLINED' } },
    ]);
  });

  it.each(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'])('treats %s as a wait that is already over', async (name) => {
    await expect(waitAnswerer(fails(name) as any)(decision)).resolves.toBe('already-closed');
  });

  it('lets any other error fail the invocation (so it is retried)', async () => {
    await expect(waitAnswerer(fails('ThrottlingException') as any)(decision)).rejects.toThrow('ThrottlingException');
  });
});

describe('saga steps', () => {
  const order = (overrides: Partial<Order> = {}): Order => ({ ...placedOrder(body, randomUUID(), new Date('2026-11-23T12:00:00Z')), ...overrides });

  it('settleOrder confirms, and cancels with the detail a timeout computes from the missing outcomes', async () => {
    const settled: Settlement[] = [];
    const stored = { ...order(), outcomes: { payment: { status: 'SUCCEEDED' as const, eventId: 'e' } }, waits: {} };
    const orders = { get: async () => stored, settle: async (_: string, s: Settlement) => (settled.push(s), { ...stored, ...s, updatedAt: 'now' }) };
    await settleOrder({ orderId: stored.orderId, status: 'CONFIRMED' }, orders);
    await settleOrder({ orderId: stored.orderId, status: 'CANCELLED', reason: 'TIMEOUT' }, orders);
    await settleOrder({ orderId: stored.orderId, status: 'CANCELLED', reason: 'OUT_OF_STOCK', detail: 'OUT_OF_STOCK: A' }, orders);
    expect(settled).toEqual([
      { status: 'CONFIRMED' },
      { status: 'CANCELLED', reason: 'TIMEOUT', reasonDetail: 'no inventory outcome in time' },
      { status: 'CANCELLED', reason: 'OUT_OF_STOCK', reasonDetail: 'OUT_OF_STOCK: A' },
    ]);
  });

  it('settleOrder counts each order confirmed, and each cancelled by its reason', async () => {
    const stored = { ...order(), outcomes: {}, waits: {} };
    const orders = { get: async () => stored, settle: async (_: string, s: Settlement) => ({ ...stored, ...s, updatedAt: 'now' }) };
    const { metrics } = await captureMetrics(async () => {
      await settleOrder({ orderId: stored.orderId, status: 'CONFIRMED' }, orders);
      await settleOrder({ orderId: stored.orderId, status: 'CANCELLED', reason: 'PAYMENT_FAILED' }, orders);
    });
    expect(metrics.map((m) => [m.name, m.unit, m.value, m.dimensions.reason])).toEqual([
      ['OrdersConfirmed', 'Count', 1, undefined],
      ['OrdersCancelled', 'Count', 1, 'PAYMENT_FAILED'],
    ]);
  });

  it('publishes OrderPlaced v2, and v1 only while the migration flag is on, with ids that do not change on a retry', () => {
    const o = order();
    const first = eventsFor('OrderPlaced', o, { publishV1: true });
    expect(first.map((e) => e.detailType)).toEqual(['OrderPlaced.v2', 'OrderPlaced.v1']);
    expect(eventsFor('OrderPlaced', o, { publishV1: true }).map((e) => e.detail.metadata.id)).toEqual(first.map((e) => e.detail.metadata.id));
    expect(eventsFor('OrderPlaced', o, { publishV1: false }).map((e) => e.detailType)).toEqual(['OrderPlaced.v2']);
  });

  it('publishes OrderConfirmed / OrderCancelled only for an order in that state', () => {
    expect(eventsFor('OrderConfirmed', order({ status: 'CONFIRMED' }), { publishV1: true })[0]!.detailType).toBe('OrderConfirmed.v1');
    const cancelled = eventsFor('OrderCancelled', order({ status: 'CANCELLED', reason: 'TIMEOUT', reasonDetail: 'late' }), { publishV1: true })[0]!;
    expect(cancelled.detail.data).toMatchObject({ reason: 'TIMEOUT', detail: 'late' });
    expect(() => eventsFor('OrderConfirmed', order(), { publishV1: true })).toThrow('not CONFIRMED');
  });

  it('publish puts the built events and fails for an unknown order', async () => {
    const o = order();
    const put: string[] = [];
    const publisher = { publish: async (events: any[]) => (put.push(...events.map((e) => e.detailType)), { published: [] }) };
    await publish({ type: 'OrderPlaced', orderId: o.orderId }, { orders: { get: async () => ({ ...o, outcomes: {}, waits: {} }) }, publisher, publishV1: false });
    expect(put).toEqual(['OrderPlaced.v2']);
    await expect(publish({ type: 'OrderPlaced', orderId: 'x' }, { orders: { get: async () => undefined }, publisher, publishV1: false })).rejects.toThrow('does not exist');
  });

  it('reads the migration flag strictly', () => {
    const saved = process.env.PUBLISH_ORDER_PLACED_V1;
    try {
      process.env.PUBLISH_ORDER_PLACED_V1 = 'false';
      expect(publishV1FromEnv()).toBe(false);
      process.env.PUBLISH_ORDER_PLACED_V1 = 'yes';
      expect(() => publishV1FromEnv()).toThrow('must be "true" or "false"');
    } finally {
      if (saved === undefined) delete process.env.PUBLISH_ORDER_PLACED_V1;
      else process.env.PUBLISH_ORDER_PLACED_V1 = saved;
    }
  });
});
