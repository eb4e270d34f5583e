import { redriveQueue } from '../../scripts/redrive-dlq';
import { replayArchive } from '../../scripts/replay-archive';
import { setOutcomeTimeout, startSystem, type System } from '../support/system';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The whole system on the emulator: the four services talk only through the bus. Each scenario drives it over HTTP,
 * as a client would, and asserts the end state of every context: the order, the payment, the stock, the e-mails.
 */
let system: System;
let run = 0;

beforeAll(async () => {
  system = await startSystem({ timeScale: 0.001 });
  // The saga's outcome timeout (300 s packaged) would be 0.3 s at this time scale: give the flows room, as
  // `update-function-configuration` would (the timeout scenario below sets it back).
  setOutcomeTimeout(system.local, 600_000);
}, 120_000);
afterAll(() => system?.stop());

/** Stock for fresh SKUs, so scenarios never share state. */
async function stock(levels: Record<string, number>): Promise<Record<string, string>> {
  run += 1;
  const skus: Record<string, string> = {};
  for (const [name, available] of Object.entries(levels)) {
    skus[name] = `SKU-${name}-${run}`;
    expect((await system.http('PUT', `/inventory/${skus[name]}`, { available }, system.admin.headers)).status).toBe(200);
  }
  return skus;
}

interface Line { sku: string; quantity: number; unitPrice: number }

async function placeOrder(items: Line[], paymentToken: string, headers: Record<string, string> = {}) {
  const customerEmail = `customer-${run}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const answer = await system.http('POST', '/orders', { customerEmail, currency: 'EUR', items, paymentToken }, headers);
  expect(answer).toMatchObject({ status: 202, body: { status: 'PENDING' } });
  return { orderId: answer.body.orderId as string, customerEmail };
}

/** Every context's view of one order. */
async function endState(order: { orderId: string; customerEmail: string }, skus: string[]) {
  const get = async (url: string) => {
    const answer = await system.http('GET', url);
    return answer.status === 200 ? answer.body : answer.status;
  };
  const stockLevels: Record<string, unknown> = {};
  for (const sku of skus) {
    const level = await get(`/inventory/${sku}`);
    stockLevels[sku] = typeof level === 'object' ? { available: level.available, reserved: level.reserved } : level;
  }
  const payment = await get(`/payments/${order.orderId}`);
  return {
    order: await get(`/orders/${order.orderId}`),
    payment: typeof payment === 'object' ? { status: payment.status, captured: payment.captured, refunded: payment.refunded } : payment,
    stock: stockLevels,
    notifications: ((await get(`/notifications?orderId=${order.orderId}`)) as Array<{ template: string }>).map((n) => n.template),
    emails: system.local.ses.listSentEmails({ to: order.customerEmail }).map((e) => e.subject),
  };
}
type EndState = Awaited<ReturnType<typeof endState>>;

/** Waits until the order is settled everywhere: decided, its payment final, no stock in flux, its customer told. */
async function settled(order: { orderId: string; customerEmail: string }, skus: string[], done: (s: EndState) => boolean = () => true): Promise<EndState> {
  return system.waitFor(async () => {
    const state = await endState(order, skus);
    const decided = state.order.status === 'CONFIRMED' || state.order.status === 'CANCELLED';
    const paymentFinal = typeof state.payment !== 'object' || !['AUTHORIZING', 'AUTHORIZED'].includes(state.payment.status);
    return decided && paymentFinal && state.notifications.length > 0 && done(state) ? state : undefined;
  }, `order ${order.orderId} to settle`);
}

const released = (skus: string[]) => (s: EndState) => skus.every((sku) => (s.stock[sku] as { reserved: number }).reserved === 0);
const noMoneyKept = (s: EndState) => typeof s.payment !== 'object' || s.payment.captured === s.payment.refunded;

describe('the order flows, end to end', () => {
  it('happy path: stock reserved, money captured, order confirmed, one e-mail', async () => {
    const sku = await stock({ mug: 10, tea: 5 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 2, unitPrice: 1299 }, { sku: sku.tea!, quantity: 1, unitPrice: 450 }], 'tok_visa');
    const state = await settled(order, Object.values(sku));
    expect(state).toEqual({
      order: expect.objectContaining({ status: 'CONFIRMED', total: 3048 }),
      payment: { status: 'CAPTURED', captured: 3048, refunded: 0 },
      stock: { [sku.mug!]: { available: 8, reserved: 2 }, [sku.tea!]: { available: 4, reserved: 1 } },
      notifications: ['ORDER_CONFIRMED'],
      emails: [expect.any(String)],
    });
  });

  it('payment declined: cancelled, nothing captured, stock released, one e-mail', async () => {
    const sku = await stock({ mug: 10 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 3, unitPrice: 1299 }], 'tok_declined');
    const state = await settled(order, [sku.mug!], released([sku.mug!]));
    expect(state).toEqual({
      order: expect.objectContaining({ status: 'CANCELLED', reason: 'PAYMENT_FAILED' }),
      payment: { status: 'FAILED', captured: 0, refunded: 0 },
      stock: { [sku.mug!]: { available: 10, reserved: 0 } },
      notifications: ['PAYMENT_FAILED'],
      emails: [expect.any(String)],
    });
  });

  it('out of stock: cancelled, no money kept, stock untouched, one e-mail', async () => {
    const sku = await stock({ mug: 1 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 2, unitPrice: 1299 }], 'tok_visa');
    const state = await settled(order, [sku.mug!], noMoneyKept);
    expect(state.order).toMatchObject({ status: 'CANCELLED', reason: 'OUT_OF_STOCK' });
    expect(noMoneyKept(state)).toBe(true);
    expect(state.stock).toEqual({ [sku.mug!]: { available: 1, reserved: 0 } });
    expect(state.notifications).toEqual(['ORDER_CANCELLED']);
    expect(state.emails).toHaveLength(1);
  });

  it('partial stock: the items already reserved are released again', async () => {
    const sku = await stock({ mug: 5, tea: 1 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 2, unitPrice: 1299 }, { sku: sku.tea!, quantity: 2, unitPrice: 450 }], 'tok_visa');
    const state = await settled(order, Object.values(sku), (s) => noMoneyKept(s) && released(Object.values(sku))(s));
    expect(state.order).toMatchObject({ status: 'CANCELLED', reason: 'OUT_OF_STOCK' });
    expect(state.stock).toEqual({ [sku.mug!]: { available: 5, reserved: 0 }, [sku.tea!]: { available: 1, reserved: 0 } });
    expect(state.emails).toHaveLength(1);
  });

  it('flaky payment provider: retried, then confirmed', async () => {
    const sku = await stock({ mug: 3 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 1, unitPrice: 1299 }], 'tok_flaky');
    const state = await settled(order, [sku.mug!]);
    expect(state).toMatchObject({ order: { status: 'CONFIRMED' }, payment: { status: 'CAPTURED', captured: 1299, refunded: 0 }, stock: { [sku.mug!]: { available: 2, reserved: 1 } } });
    expect(state.emails).toHaveLength(1);
  });

  it('every event delivered twice (the archive replayed): no double effect anywhere', async () => {
    const from = new Date(Date.now() - 1_000);
    const sku = await stock({ mug: 4 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 2, unitPrice: 1000 }], 'tok_visa');
    const before = await settled(order, [sku.mug!]);
    const events = new EventBridgeClient({ endpoint: system.local.url, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const replay = await replayArchive({ archiveName: 'shop-dev-all', from, to: new Date(), client: events, pollMs: 20 });
    events.destroy();
    expect(replay.state).toBe('COMPLETED');
    const replayed = (await system.busEvents()).filter((e) => (e as { 'replay-name'?: string })['replay-name'] === replay.replayName && e.detail.metadata.correlationId === order.orderId);
    expect(replayed.map((e) => e['detail-type'])).toEqual(expect.arrayContaining(['OrderPlaced.v2', 'OrderPlaced.v1', 'PaymentCompleted.v1', 'InventoryReserved.v1', 'OrderConfirmed.v1']));
    const after = await settled(order, [sku.mug!]);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ payment: { captured: 2000 }, stock: { [sku.mug!]: { available: 2, reserved: 2 } }, notifications: ['ORDER_CONFIRMED'] });
    expect(after.emails).toHaveLength(1);
  });

  it('OrderCancelled racing the payment (slow provider, no stock): the money still ends refunded or never captured', async () => {
    const sku = await stock({ mug: 0 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 1, unitPrice: 5000 }], 'tok_flaky');
    const state = await settled(order, [sku.mug!], (s) => typeof s.payment === 'object' && noMoneyKept(s) && ['REFUNDED', 'VOIDED', 'CANCELLED', 'FAILED'].includes(s.payment.status));
    expect(state.order).toMatchObject({ status: 'CANCELLED', reason: 'OUT_OF_STOCK' });
    expect(noMoneyKept(state)).toBe(true);
    expect(state.stock).toEqual({ [sku.mug!]: { available: 0, reserved: 0 } });
  });

  it('a high-value order goes through fraud review before it is charged', async () => {
    const sku = await stock({ watch: 1 });
    const order = await placeOrder([{ sku: sku.watch!, quantity: 1, unitPrice: 250_000 }], 'tok_visa');
    const state = await settled(order, [sku.watch!]);
    expect(state).toMatchObject({ order: { status: 'CONFIRMED' }, payment: { status: 'CAPTURED', captured: 250_000 } });
    // The payment saga is Express: Step Functions lists none of its executions, the emulator's own view does.
    const [execution] = system.local.states.expressExecutions().filter((e) => e.name === `pay-${order.orderId}`);
    expect(execution?.states.FraudReview?.status).toBe('SUCCEEDED');
  });
});

describe('poison events and redrive', () => {
  it('an event a consumer cannot process ends in its poison queue with the reason; once fixed, a redrive processes it exactly once', async () => {
    const consumer = system.local.lambda.getFunction('shop-notifications-dev-onOrderOutcome');
    // The cause: a misconfigured consumer (the saga it starts does not exist), read on every invocation.
    const missingSaga = consumer.environment.NOTIFICATION_STATE_MACHINE_ARN!.replace(/:stateMachine:.*/, ':stateMachine:not-deployed');
    system.local.lambda.registerFunction({ ...consumer, environment: { ...consumer.environment, NOTIFICATION_STATE_MACHINE_ARN: missingSaga } });
    const sku = await stock({ mug: 2 });
    const order = await placeOrder([{ sku: sku.mug!, quantity: 1, unitPrice: 700 }], 'tok_visa');
    await system.waitFor(async () => (await endState(order, [sku.mug!])).order.status === 'CONFIRMED', 'the order to be confirmed');

    const poisonQueue = String(system.stacks.find((s) => s.stackName === 'shop-notifications-dev')!.resources.get('PoisonEventsQueue')!.ref);
    const clients = {
      sqs: new SQSClient({ endpoint: system.local.url, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }),
      events: new EventBridgeClient({ endpoint: system.local.url, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }),
      lambda: new LambdaClient({ endpoint: system.local.url, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } }),
    };
    try {
      // Lambda retried it twice, then sent the invocation record, with the reason, to the consumer's poison queue.
      const record = await system.waitFor(async () => {
        const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: poisonQueue, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
        return Messages[0] && (JSON.parse(Messages[0].Body!) as { requestContext: { condition: string; approximateInvokeCount: number }; responsePayload: { errorMessage: string } });
      }, 'the poison record');
      expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
      expect(record.responsePayload.errorMessage).toContain('not-deployed');
      expect(system.local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);
      system.local.lambda.registerFunction(consumer); // the cause, fixed
      const report = await redriveQueue({ queueUrl: poisonQueue, clients });
      expect(report.kept).toEqual([]);
      expect(report.redriven.filter((r) => r.via === 'Invoke')).toHaveLength(1);
      const state = await settled(order, [sku.mug!]);
      expect(state.notifications).toEqual(['ORDER_CONFIRMED']);
      expect(state.emails).toHaveLength(1);
      expect((await redriveQueue({ queueUrl: poisonQueue, clients })).redriven).toEqual([]);
      await system.waitFor(() => true, 'deliveries to settle');
      expect(system.local.ses.listSentEmails({ to: order.customerEmail })).toHaveLength(1);
    } finally {
      for (const c of Object.values(clients)) c.destroy();
    }
  });
});

describe('the orders HTTP API', () => {
  it('a repeated POST with the same Idempotency-Key returns the first answer and creates nothing', async () => {
    const sku = await stock({ mug: 5 });
    const body = { customerEmail: `idem-${run}@example.com`, currency: 'EUR', items: [{ sku: sku.mug!, quantity: 1, unitPrice: 999 }], paymentToken: 'tok_visa' };
    const key = { 'Idempotency-Key': `key-${run}` };
    const first = await system.http('POST', '/orders', body, key);
    const second = await system.http('POST', '/orders', body, key);
    expect(second).toEqual(first);
    const state = await settled({ orderId: first.body.orderId, customerEmail: body.customerEmail }, [sku.mug!]);
    expect(state.stock).toEqual({ [sku.mug!]: { available: 4, reserved: 1 } });
    expect(state.payment).toEqual({ status: 'CAPTURED', captured: 999, refunded: 0 });
    const placed = (await system.busEvents()).filter((e) => e['detail-type'] === 'OrderPlaced.v2' && e.detail.data.customer.email === body.customerEmail);
    expect(placed).toHaveLength(1);
  });

  it('invalid bodies get 400 naming each bad field, and nothing is stored or published', async () => {
    const email = `invalid-${run}@example.com`;
    const bad = await system.http('POST', '/orders', { customerEmail: 'not-an-email', currency: 'EUR', items: [{ sku: 'S', quantity: -1, unitPrice: 10 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['customerEmail', 'items[0].quantity', 'paymentToken']));
    expect((await system.http('POST', '/orders', '{"customerEmail": ')).status).toBe(400);
    const other = await system.http('POST', '/orders', { customerEmail: email, currency: 'EUR', items: [], paymentToken: 'tok_visa' });
    expect(other.status).toBe(400);
    await system.waitFor(() => true, 'deliveries to settle');
    expect((await system.busEvents()).filter((e) => JSON.stringify(e.detail).includes(email))).toEqual([]);
  });
});
