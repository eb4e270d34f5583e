import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventPublisher } from '@shop/events';
import { loadSystem, readPackagedService } from '../../libs/local-cloud/src/cloudformation/loader';
import { startLocalCloud, type CloudActivity, type LocalCloud } from '../../libs/local-cloud/src';
import { SERVICES_DIR } from '../../scripts/package-services';
import { ruleToQueue } from '../support/rule-queue';
import { orderCancelledEvent, orderPlacedEvents } from '../../services/orders/src/domain/events';
import { orderTotal, type Order } from '../../services/orders/src/domain/order';
import { PaymentsTable } from '../../services/payments/src/adapters/payments-table';
import { SimulatedProvider } from '../../services/payments/src/adapters/simulated-provider';
import { paymentExecutionName, refundExecutionName, releaseExecutionName } from '../../services/payments/src/domain/payment';
import { createShopUser, findShopPool, type ShopUser } from '../support/identity';

/**
 * The payments service as packaged (`sls package`), loaded with the event-bus stack into the local emulator: events
 * go in through the bus, built by the orders service's own builders; every assertion reads an END state (the payments
 * table through GET /payments/{orderId}, the simulated provider's table, the events payments put on the bus, the sagas'
 * executions: the Standard ones' histories, and the Express payment saga's runs as the emulator reports them, since
 * Step Functions keeps no history of an Express execution).
 */
const config = () => ({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
let local: LocalCloud;
let events: EventBridgeClient;
let sfn: SFNClient;
let sqs: SQSClient;
let documents: DynamoDBDocumentClient;
let publisher: EventPublisher;
let provider: SimulatedProvider;
let payments: PaymentsTable;
let outbox: string;
let poisonQueue: string;
let machines: { payment: string; release: string; refund: string };
/** Every run of the Express payment saga, by execution ARN, with the states it entered. */
const paymentRuns = new Map<string, { executionArn: string; states: string[] }>();
let api: string;
/** Tokens of the identity stack's pool: an admin reads every payment, a customer only their own. */
let admin: ShopUser;
let customer: ShopUser;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  const stacks = await loadSystem(
    ['event-bus', 'identity', 'payments'].map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    {
      endpoint: local.url, functions: local.lambda, httpApis: local.http, region: local.cloud.region, accountId: local.cloud.accountId, iam: local.iam.policies,
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    },
  );
  const paymentsStack = stacks.find((s) => s.stackName === 'shop-payments-dev')!;
  poisonQueue = paymentsStack.outputs.PoisonEventsQueueUrl as string;
  machines = {
    payment: paymentsStack.resources.get('PaymentSaga')!.ref as string,
    release: paymentsStack.resources.get('PaymentReleaseSaga')!.ref as string,
    refund: paymentsStack.resources.get('RefundSaga')!.ref as string,
  };
  local.cloud.monitor.on('activity', (activity: CloudActivity) => {
    if (activity.service !== 'states' || typeof activity.executionArn !== 'string' || !activity.executionArn.includes(':express:shop-payments-dev-payment:')) return;
    const run = paymentRuns.get(activity.executionArn) ?? { executionArn: activity.executionArn, states: [] };
    paymentRuns.set(activity.executionArn, run);
    if (activity.type === 'state.entered') run.states.push(String(activity.stateName));
  });
  api = `http://127.0.0.1:${(await local.http.listen(0)).port}`;
  const pool = await findShopPool(config());
  [admin, customer] = await Promise.all([createShopUser(config(), pool, { username: 'payments-admin', groups: ['admins'] }), createShopUser(config(), pool, { username: 'payments-customer' })]);
  events = new EventBridgeClient(config());
  sfn = new SFNClient(config());
  sqs = new SQSClient(config());
  documents = DynamoDBDocumentClient.from(new DynamoDBClient(config()));
  publisher = new EventPublisher({ eventBusName: 'shop-dev', client: events });
  provider = new SimulatedProvider('shop-payments-dev-provider', documents);
  payments = new PaymentsTable('shop-payments-dev-payments', documents);

  // What payments publishes, captured by a test rule into a queue.
  ({ queueUrl: outbox } = await ruleToQueue({ events, sqs }, { name: 'test-payments-outbox', eventBusName: 'shop-dev', eventPattern: { source: ['shop.payments'] }, targetId: 'outbox' }, 'payments-outbox'));
}, 60_000);

afterAll(async () => {
  for (const client of [events, sfn, sqs, documents]) client?.destroy();
  await local?.stop();
});

function order(total: number, token = 'tok_visa'): Order {
  const at = new Date().toISOString();
  const items = [{ sku: 'SKU-RED-MUG', quantity: 2, unitPrice: total / 2 }];
  expect(orderTotal(items)).toBe(total);
  return {
    orderId: randomUUID(), customerId: 'cust-42', customerEmail: 'ada@example.com', currency: 'EUR', items, total: orderTotal(items),
    paymentToken: token, status: 'PENDING', createdAt: at, updatedAt: at,
  };
}

/** The fault plan strikes `scope` with `kind` once, then is off again. */
function faultOnce(kind: 'lambda.after' | 'lambda.before', scope: string): void {
  local.faults.set({ [kind]: { rate: 1, scope } });
  const off = (activity: { type: string; fault?: string }) => {
    if (activity.type !== 'fault.injected' || activity.fault !== kind) return;
    local.faults.set({});
    local.cloud.monitor.off('activity', off);
  };
  local.cloud.monitor.on('activity', off);
}

const placed = (o: Order) => orderPlacedEvents(o, { publishV1: false });
const cancelled = (o: Order) => orderCancelledEvent(o, 'OUT_OF_STOCK', 'SKU-RED-MUG: 2 requested, 1 available', new Date());

/** Waits until the bus, the asynchronous invokes and every saga execution have come to rest. */
async function settle(): Promise<void> {
  for (;;) {
    await local.events.drain();
    await local.lambda.asyncSettled();
    const running = await Promise.all(
      [machines.release, machines.refund].map((arn) => sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }))),
    );
    const expressRunning = [...paymentRuns.keys()].some((arn) => local.states.getExecutionGraph(arn).status === 'RUNNING');
    if (!expressRunning && running.every((r) => (r.executions ?? []).length === 0)) {
      await local.events.drain();
      await local.lambda.asyncSettled();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every event payments has published so far, kept by order id. */
const published = new Map<string, Array<{ detailType: string; detail: any }>>();
async function publishedFor(orderId: string) {
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: outbox, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const event = JSON.parse(message.Body!);
      const list = published.get(event.detail.data.orderId) ?? [];
      list.push({ detailType: event['detail-type'], detail: event.detail });
      published.set(event.detail.data.orderId, list);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: outbox, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return published.get(orderId) ?? [];
}

/** GET /payments/{orderId} over HTTP, through the packaged HTTP API route and its JWT authorizer, as an admin by default. */
async function getPayment(orderId: string, caller: ShopUser | null = admin): Promise<{ statusCode: number; body: any }> {
  const response = await fetch(`${api}/payments/${orderId}`, { headers: caller?.headers ?? {} });
  return { statusCode: response.status, body: await response.json() };
}

const executionArn = (machine: string, name: string) => machine.replace(':stateMachine:', ':execution:') + `:${name}`;

/** The order's runs of the Express payment saga, in start order, with their status and the states each entered. */
function paymentSagaRuns(orderId: string): Array<{ status: string; states: string[] }> {
  const prefix = `:express:shop-payments-dev-payment:${paymentExecutionName(orderId)}:`;
  return [...paymentRuns.values()].filter((run) => run.executionArn.includes(prefix)).map((run) => ({ status: local.states.getExecutionGraph(run.executionArn).status, states: run.states }));
}

/** The order's one run of the payment saga (a second would be a failure run again). */
function paymentSaga(orderId: string): { status: string; states: string[] } {
  const runs = paymentSagaRuns(orderId);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

async function execution(machine: string, name: string) {
  const arn = executionArn(machine, name);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
  const states = (history.events ?? []).filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name!);
  return { status: described.status, states };
}

describe('payments on the local stack', () => {
  it('tok_visa: the payment saga authorizes and captures the total, and publishes PaymentCompleted', async () => {
    const o = order(2598);
    await publisher.publish(placed(o));
    await settle();

    expect(await getPayment(o.orderId)).toEqual({ statusCode: 200, body: { orderId: o.orderId, status: 'CAPTURED', captured: 2598, refunded: 0 } });
    // The order is cust-42's: another customer is answered as for an unknown order, a caller without a token not at all.
    expect(await getPayment(o.orderId, customer)).toEqual({ statusCode: 404, body: { message: `no payment for order ${o.orderId}` } });
    expect(await getPayment(o.orderId, null)).toEqual({ statusCode: 401, body: { message: 'Unauthorized' } });
    expect(await publishedFor(o.orderId)).toEqual([
      { detailType: 'PaymentCompleted.v1', detail: expect.objectContaining({ data: expect.objectContaining({ amount: { amount: 2598, currency: 'EUR' } }) }) },
    ]);
    const placedId = placed(o)[0]!.detail.metadata.id;
    expect((await publishedFor(o.orderId))[0]!.detail.metadata).toMatchObject({ causationId: placedId, correlationId: o.orderId });
    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'CAPTURED', captured: 2598, refunded: 0 });
    expect(paymentSaga(o.orderId)).toEqual({
      status: 'SUCCEEDED',
      states: ['Begin', 'StillWanted', 'ReviewNeeded', 'Authorize', 'MarkAuthorized', 'CancelledBeforeCapture', 'Capture', 'Commit', 'CommitOutcome', 'PublishCompleted'],
    });
  });

  it('tok_declined: PaymentFailed DECLINED, nothing authorized or captured', async () => {
    const o = order(1000, 'tok_declined');
    await publisher.publish(placed(o));
    await settle();

    expect(await getPayment(o.orderId)).toEqual({ statusCode: 200, body: { orderId: o.orderId, status: 'FAILED', captured: 0, refunded: 0 } });
    const [failed, ...rest] = await publishedFor(o.orderId);
    expect(rest).toEqual([]);
    expect(failed).toMatchObject({ detailType: 'PaymentFailed.v1', detail: { data: { reason: 'DECLINED', customer: { id: 'cust-42', email: 'ada@example.com' } } } });
    expect(failed!.detail.data.message).toContain('card declined');
    expect(await provider.payment(o.orderId)).toBeUndefined();
    expect(await provider.attempts(o.orderId, 'authorize')).toBe(1); // a permanent error is not retried
    // A business outcome: the Express execution succeeds, so the consumer does not run it again.
    expect(paymentSaga(o.orderId)).toEqual({ status: 'SUCCEEDED', states: ['Begin', 'StillWanted', 'ReviewNeeded', 'Authorize', 'Declined', 'MarkFailed', 'PublishFailed', 'PaymentNotTaken'] });
  });

  it('tok_flaky: ProviderUnavailable twice per operation is retried, then the payment completes', async () => {
    const o = order(4200, 'tok_flaky');
    await publisher.publish(placed(o));
    await settle();

    expect((await getPayment(o.orderId)).body).toMatchObject({ status: 'CAPTURED', captured: 4200 });
    expect((await publishedFor(o.orderId)).map((e) => e.detailType)).toEqual(['PaymentCompleted.v1']);
    expect(await provider.attempts(o.orderId, 'authorize')).toBe(3);
    expect(await provider.attempts(o.orderId, 'capture')).toBe(3);
    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'CAPTURED', captured: 4200 });
  });

  it('a capture that keeps failing is compensated: the authorization is released and PaymentFailed PROVIDER_ERROR published', async () => {
    const o = order(1500, 'tok_capture_unavailable');
    await publisher.publish(placed(o));
    await settle();

    expect((await getPayment(o.orderId)).body).toMatchObject({ status: 'FAILED', captured: 0 });
    expect(await publishedFor(o.orderId)).toEqual([expect.objectContaining({ detailType: 'PaymentFailed.v1', detail: expect.objectContaining({ data: expect.objectContaining({ reason: 'PROVIDER_ERROR' }) }) })]);
    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'VOIDED', captured: 0 });
    expect(await provider.attempts(o.orderId, 'capture')).toBe(4); // the first attempt and 3 retries
    expect(paymentSaga(o.orderId)).toMatchObject({ status: 'SUCCEEDED', states: expect.arrayContaining(['Capture', 'ReleaseAfterError', 'Releasing']) });
    expect(await execution(machines.release, releaseExecutionName(o.orderId))).toEqual({
      status: 'FAILED',
      states: ['ClaimRelease', 'Claimed', 'Release', 'WhyReleased', 'ProviderError', 'MarkFailed', 'PublishFailed', 'PaymentFailed'],
    });
  });

  it('a capture that timed out after the provider captured is retried, not compensated: captured once, CAPTURED', async () => {
    const o = order(2200);
    faultOnce('lambda.after', 'shop-payments-dev-capture');
    await publisher.publish(placed(o));
    await settle();

    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'CAPTURED', captured: 2200, refunded: 0 });
    expect((await getPayment(o.orderId)).body).toMatchObject({ status: 'CAPTURED', captured: 2200, refunded: 0 });
    expect((await publishedFor(o.orderId)).map((e) => e.detailType)).toEqual(['PaymentCompleted.v1']);
    expect(paymentSaga(o.orderId).status).toBe('SUCCEEDED');
  });

  it('a capture whose every answer is lost is released as the provider sees it: the capture refunded, ledger = provider', async () => {
    const o = order(1800);
    local.faults.set({ 'lambda.after': { rate: 1, scope: 'shop-payments-dev-capture' } });
    await publisher.publish(placed(o));
    await settle();
    local.faults.set({});

    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'REFUNDED', captured: 1800, refunded: 1800 });
    expect((await getPayment(o.orderId)).body).toMatchObject({ status: 'FAILED', captured: 1800, refunded: 1800 });
    expect(await publishedFor(o.orderId)).toEqual([expect.objectContaining({ detailType: 'PaymentFailed.v1', detail: expect.objectContaining({ data: expect.objectContaining({ reason: 'PROVIDER_ERROR' }) }) })]);
    expect(paymentSaga(o.orderId).states).toContain('ReleaseAfterError');
    expect(await execution(machines.release, releaseExecutionName(o.orderId))).toMatchObject({ status: 'FAILED', states: expect.arrayContaining(['ProviderError']) });
  });

  it('run again after an execution captured but could not publish: the consumer runs it again, which publishes PaymentCompleted, capturing nothing twice', async () => {
    const o = order(2700);
    // Every put of PaymentCompleted fails until the order's first payment execution has failed.
    local.faults.set({ putEvents: { rate: 1, scope: 'PaymentCompleted.v1' } });
    const off = (activity: CloudActivity) => {
      if (activity.type !== 'execution.failed' || !String(activity.executionArn).includes(`:${paymentExecutionName(o.orderId)}:`)) return;
      local.faults.set({});
      local.cloud.monitor.off('activity', off);
    };
    local.cloud.monitor.on('activity', off);
    await publisher.publish(placed(o));
    await settle();

    const [first, second] = paymentSagaRuns(o.orderId);
    expect(first).toMatchObject({ status: 'FAILED', states: expect.arrayContaining(['Commit', 'PublishCompleted']) });
    expect(second).toEqual({ status: 'SUCCEEDED', states: ['Begin', 'StillWanted', 'PublishCompleted'] });
    expect(await provider.attempts(o.orderId, 'capture')).toBe(1);
    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'CAPTURED', captured: 2700, refunded: 0 });
    expect((await publishedFor(o.orderId)).map((e) => e.detailType)).toEqual(['PaymentCompleted.v1']);
  });

  it('a refund outlasts a provider outage: retried through 12 failures, then refunded once', async () => {
    const o = order(2600, 'tok_refund_outage');
    await publisher.publish(placed(o));
    await settle();
    expect((await getPayment(o.orderId)).body).toMatchObject({ status: 'CAPTURED', captured: 2600 });
    await publisher.publish([cancelled(o)]);
    await settle();

    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'REFUNDED', captured: 2600, refunded: 2600 });
    expect((await getPayment(o.orderId)).body).toMatchObject({ status: 'REFUNDED', captured: 2600, refunded: 2600 });
    expect(await provider.attempts(o.orderId, 'refund')).toBe(13);
    expect((await execution(machines.refund, refundExecutionName(o.orderId))).status).toBe('SUCCEEDED');
  });

  it('the same OrderPlaced twice (and a redelivery with a new EventBridge id) captures once and publishes once', async () => {
    const o = order(3000);
    await publisher.publish(placed(o));
    await publisher.publish(placed(o));
    await settle();
    await publisher.publish(placed(o)); // after the saga closed: idempotency record, and the execution name is taken
    await settle();

    expect((await getPayment(o.orderId)).body).toMatchObject({ status: 'CAPTURED', captured: 3000 });
    expect((await publishedFor(o.orderId)).map((e) => e.detailType)).toEqual(['PaymentCompleted.v1']);
    expect(await provider.payment(o.orderId)).toMatchObject({ captured: 3000 });
    expect(await provider.attempts(o.orderId, 'capture')).toBe(1);
    expect(paymentSagaRuns(o.orderId)).toHaveLength(1);
  });

  it('OrderCancelled after completion: refunded once, refunded = captured, PaymentRefunded once (also when delivered twice)', async () => {
    const o = order(5000);
    await publisher.publish(placed(o));
    await settle();
    await publisher.publish([cancelled(o)]);
    await publisher.publish([cancelled(o)]);
    await settle();

    expect(await getPayment(o.orderId)).toEqual({ statusCode: 200, body: { orderId: o.orderId, status: 'REFUNDED', captured: 5000, refunded: 5000 } });
    expect((await publishedFor(o.orderId)).map((e) => e.detailType)).toEqual(['PaymentCompleted.v1', 'PaymentRefunded.v1']);
    expect((await publishedFor(o.orderId))[1]!.detail.data.amount).toEqual({ amount: 5000, currency: 'EUR' });
    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'REFUNDED', captured: 5000, refunded: 5000 });
    expect(await provider.attempts(o.orderId, 'refund')).toBe(1);
    expect((await execution(machines.refund, refundExecutionName(o.orderId))).states).toEqual(['RequestCancellation', 'WhoRefunds', 'Refund', 'MarkRefunded', 'PublishRefunded']);
  });

  it('OrderCancelled delivered BEFORE OrderPlaced: the payment never begins, nothing moves, nothing is published', async () => {
    const o = order(2000);
    await publisher.publish([cancelled(o)]);
    await settle();
    await publisher.publish(placed(o));
    await settle();

    expect(await getPayment(o.orderId)).toEqual({ statusCode: 200, body: { orderId: o.orderId, status: 'CANCELLED', captured: 0, refunded: 0 } });
    expect(await publishedFor(o.orderId)).toEqual([]);
    expect(await provider.payment(o.orderId)).toBeUndefined();
    expect(paymentSaga(o.orderId).states).toEqual(['Begin', 'StillWanted', 'MarkCancelledBeforeAuthorization', 'CancelledBeforeAuthorization']);
  });

  it('OrderCancelled landing between authorize and capture: the authorization is voided, nothing captured or published', async () => {
    const o = order(7000);
    await withStep('authorize', 'authorizeThenCancel', async () => {
      await publisher.publish(placed(o));
      await settle();
    });

    expect(await getPayment(o.orderId)).toEqual({ statusCode: 200, body: { orderId: o.orderId, status: 'VOIDED', captured: 0, refunded: 0 } });
    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'VOIDED', captured: 0, refunded: 0 });
    expect(await publishedFor(o.orderId)).toEqual([]);
    expect(paymentSaga(o.orderId).states.slice(-4)).toEqual(['MarkAuthorized', 'CancelledBeforeCapture', 'ReleaseCancelled', 'Releasing']);
    expect(await execution(machines.release, releaseExecutionName(o.orderId))).toEqual({ status: 'SUCCEEDED', states: ['ClaimRelease', 'Claimed', 'Release', 'WhyReleased', 'WhatMoved', 'MarkVoided', 'Voided'] });
    expect((await execution(machines.refund, refundExecutionName(o.orderId))).states).toEqual(['RequestCancellation', 'WhoRefunds', 'PaymentSagaSettles']);
  });

  it('OrderCancelled landing between capture and commit: the payment saga refunds what it captured, once, and says so', async () => {
    const o = order(8000);
    await withStep('capture', 'captureThenCancel', async () => {
      await publisher.publish(placed(o));
      await settle();
    });

    expect(await getPayment(o.orderId)).toEqual({ statusCode: 200, body: { orderId: o.orderId, status: 'REFUNDED', captured: 8000, refunded: 8000 } });
    expect(await provider.payment(o.orderId)).toMatchObject({ status: 'REFUNDED', captured: 8000, refunded: 8000 });
    expect(await provider.attempts(o.orderId, 'refund')).toBe(1);
    expect((await publishedFor(o.orderId)).map((e) => e.detailType)).toEqual(['PaymentRefunded.v1']);
    expect(paymentSaga(o.orderId).states.slice(-5)).toEqual(['Capture', 'Commit', 'CommitOutcome', 'ReleaseCancelled', 'Releasing']);
    expect(await execution(machines.release, releaseExecutionName(o.orderId))).toEqual({ status: 'SUCCEEDED', states: ['ClaimRelease', 'Claimed', 'Release', 'WhyReleased', 'WhatMoved', 'MarkRefunded', 'PublishRefunded'] });
    expect((await execution(machines.refund, refundExecutionName(o.orderId))).states).toEqual(['RequestCancellation', 'WhoRefunds', 'PaymentSagaSettles']);
  });

  it('OrderCancelled while the payment saga is in flight: the money ends refunded or never captured, and the end state says so', async () => {
    // One batch: both consumers start their sagas at once, so the cancellation lands at whatever step the payment is.
    const orders = [order(6000, 'tok_flaky'), order(6200), order(6400, 'tok_flaky'), order(6600)];
    await publisher.publish(orders.flatMap((o) => [...placed(o), cancelled(o)]));
    await settle();

    for (const o of orders) {
      const view = (await getPayment(o.orderId)).body;
      const atProvider = await provider.payment(o.orderId);
      const types = (await publishedFor(o.orderId)).map((e) => e.detailType);
      // Whichever interleaving happened, no money stays taken, and the record agrees with the provider.
      expect({ orderId: o.orderId, kept: (atProvider?.captured ?? 0) - (atProvider?.refunded ?? 0) }).toEqual({ orderId: o.orderId, kept: 0 });
      expect(view.captured - view.refunded).toBe(0);
      expect((await payments.get(o.orderId))?.cancelRequested).toBe(true);
      switch (view.status) {
        case 'REFUNDED':
          expect(view).toMatchObject({ captured: o.total, refunded: o.total });
          expect(atProvider).toMatchObject({ status: 'REFUNDED', captured: o.total, refunded: o.total });
          expect(types.filter((t) => t === 'PaymentRefunded.v1')).toHaveLength(1);
          break;
        case 'VOIDED':
          expect(view).toMatchObject({ captured: 0, refunded: 0 });
          expect(atProvider).toMatchObject({ status: 'VOIDED', captured: 0 });
          expect(types).toEqual([]);
          break;
        case 'CANCELLED':
          expect(view).toMatchObject({ captured: 0, refunded: 0 });
          expect(atProvider).toBeUndefined();
          expect(types).toEqual([]);
          break;
        default:
          throw new Error(`order ${o.orderId} ended ${view.status}: the cancellation was lost`);
      }
    }
  });

  it('a high-value order goes through FraudReview (a content filter chose the second rule); tok_fraud is FRAUD_REJECTED', async () => {
    const approved = order(250_000);
    const fraud = order(300_000, 'tok_fraud');
    await publisher.publish([...placed(approved), ...placed(fraud)]);
    await settle();

    const approvedSaga = paymentSaga(approved.orderId);
    expect(approvedSaga.states.slice(0, 5)).toEqual(['Begin', 'StillWanted', 'ReviewNeeded', 'FraudReview', 'Authorize']);
    expect(approvedSaga.status).toBe('SUCCEEDED');
    expect((await getPayment(approved.orderId)).body).toMatchObject({ status: 'CAPTURED', captured: 250_000 });

    const fraudSaga = paymentSaga(fraud.orderId);
    expect(fraudSaga.states).toEqual(['Begin', 'StillWanted', 'ReviewNeeded', 'FraudReview', 'FraudRejected', 'MarkFailed', 'PublishFailed', 'PaymentNotTaken']);
    expect(await publishedFor(fraud.orderId)).toEqual([expect.objectContaining({ detailType: 'PaymentFailed.v1', detail: expect.objectContaining({ data: expect.objectContaining({ reason: 'FRAUD_REJECTED' }) }) })]);
    expect(await provider.payment(fraud.orderId)).toBeUndefined();

    // A normal order never enters the review.
    const normal = paymentSaga((await normalOrder()).orderId);
    expect(normal.states).not.toContain('FraudReview');
  });

  it('a poison OrderPlaced.v2 ends in PoisonEventsQueue with a reason naming the field', async () => {
    const o = order(1200);
    const detail = structuredClone(placed(o)[0]!.detail) as any;
    delete detail.data.paymentMethod;
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-dev', Source: 'shop.orders', DetailType: 'OrderPlaced.v2', Detail: JSON.stringify(detail) }] }));
    await settle();

    const records = await receiveAll(poisonQueue);
    const record = records.find((r) => r.requestPayload?.detail?.data?.orderId === o.orderId);
    expect(record?.requestContext.condition).toBe('RetriesExhausted');
    expect(record?.responsePayload.errorMessage).toContain('detail.data.paymentMethod is required');
    expect((await getPayment(o.orderId)).statusCode).toBe(404);
  });

  it('a malformed total (a string amount) is not silently filtered out: it reaches a consumer and the poison queue', async () => {
    const o = order(1400);
    const detail = structuredClone(placed(o)[0]!.detail) as any;
    detail.data.total.amount = '1400';
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-dev', Source: 'shop.orders', DetailType: 'OrderPlaced.v2', Detail: JSON.stringify(detail) }] }));
    await settle();

    const record = (await receiveAll(poisonQueue)).find((r) => r.requestPayload?.detail?.data?.orderId === o.orderId);
    expect(record?.responsePayload.errorMessage).toContain('detail.data.total.amount');
  });

  it('GET /payments/{orderId}: 404 for an unknown order, 400 naming the field for a malformed id', async () => {
    const unknown = randomUUID();
    expect(await getPayment(unknown)).toEqual({ statusCode: 404, body: { message: `no payment for order ${unknown}` } });
    expect(await getPayment('not-an-order')).toEqual({ statusCode: 400, body: { message: 'invalid request', errors: [{ field: 'orderId', message: expect.any(String) }] } });
  });
});

/** Runs `body` with a saga step's function replaced by a fixture of services/payments/test/interleavings.ts. */
async function withStep(step: string, fixture: string, body: () => Promise<void>): Promise<void> {
  const deployed = local.lambda.getFunction(`shop-payments-dev-${step}`);
  local.lambda.registerFunction({
    ...deployed,
    handler: `test/interleavings.${fixture}`,
    environment: { ...deployed.environment, PAYMENTS_TABLE: 'shop-payments-dev-payments', EVENT_BUS_NAME: 'shop-dev' },
  });
  try {
    await body();
  } finally {
    local.lambda.registerFunction(deployed);
  }
}

async function normalOrder(): Promise<Order> {
  const o = order(800);
  await publisher.publish(placed(o));
  await settle();
  return o;
}

async function receiveAll(queueUrl: string): Promise<any[]> {
  const bodies: any[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}
