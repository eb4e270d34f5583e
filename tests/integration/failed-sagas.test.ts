import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { redriveQueue } from '../../scripts/redrive-dlq';
import { setOutcomeTimeout, startSystem, type System } from '../support/system';

/**
 * A saga step that fails for longer than its retries, on the whole system: the order saga's execution ends FAILED, its
 * status-change event lands in the orders FailedSagasQueue (and nowhere else), the cause goes away, `npm run redrive`'s
 * function redrives it, and the order ends right in every context. A business failure (a declined card) lands in none.
 */
let system: System;
let clients: { sqs: SQSClient; events: EventBridgeClient; lambda: LambdaClient; sfn: SFNClient };
/**
 * The services with Standard sagas; inventory's and notifications' are Express (no status-change events: a failure
 * fails its consumer), and so is payments' payment saga, whose Standard part is the payment-release saga.
 */
const SERVICES = ['orders', 'payments'];

beforeAll(async () => {
  system = await startSystem({ timeScale: 0.001 });
  setOutcomeTimeout(system.local, 600_000);
  const config = { endpoint: system.local.url, region: system.local.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  clients = { sqs: new SQSClient(config), events: new EventBridgeClient(config), lambda: new LambdaClient(config), sfn: new SFNClient(config) };
}, 120_000);
afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.destroy();
  await system?.stop();
});

/** Each service's FailedSagasQueue (its stack's outputs), by service. */
function failedSagasQueues(): Record<string, { url: string; arn: string }> {
  return Object.fromEntries(
    SERVICES.map((service) => {
      const { outputs } = system.stacks.find((stack) => stack.stackName === `shop-${service}-dev`)!;
      return [service, { url: String(outputs.FailedSagasQueueUrl), arn: String(outputs.FailedSagasQueueArn) }];
    }),
  );
}

const heldIn = (queueArn: string) => system.local.sqs.peekMessages(queueArn).map((message) => JSON.parse(message.Body!));

async function placeOrder(sku: string, paymentToken: string) {
  const customerEmail = `failed-sagas-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const answer = await system.http('POST', '/orders', { customerEmail, currency: 'EUR', items: [{ sku, quantity: 2, unitPrice: 1299 }], paymentToken });
  expect(answer).toMatchObject({ status: 202, body: { status: 'PENDING' } });
  return { orderId: answer.body.orderId as string, customerEmail };
}

async function endState(order: { orderId: string; customerEmail: string }, sku: string) {
  const payment = (await system.http('GET', `/payments/${order.orderId}`)).body;
  const stock = (await system.http('GET', `/inventory/${sku}`)).body;
  return {
    order: (await system.http('GET', `/orders/${order.orderId}`)).body.status,
    payment: { status: payment.status, captured: payment.captured, refunded: payment.refunded },
    stock: { available: stock.available, reserved: stock.reserved },
    notifications: ((await system.http('GET', `/notifications?orderId=${order.orderId}`)).body as Array<{ template: string }>).map((n) => n.template),
    emails: system.local.ses.listSentEmails({ to: order.customerEmail }).length,
  };
}

test('a step that fails until its cause is fixed: FAILED, routed to the orders FailedSagasQueue, redriven, and the order ends right', async () => {
  const queues = failedSagasQueues();
  const sku = 'SKU-FAILED-SAGA';
  expect((await system.http('PUT', `/inventory/${sku}`, { available: 10 }, system.admin.headers)).status).toBe(200);
  // Lambda refuses every invocation of settleOrder (throttled or a service error) for longer than the step's retries.
  system.local.faults.set({ 'lambda.before': { rate: 1, scope: 'shop-orders-dev-settleOrder' } });
  const order = await placeOrder(sku, 'tok_visa');
  const executionArn = system.local.cloud.arn('states', `execution:shop-orders-dev-order:${order.orderId}`);

  const [event] = await system.waitFor(() => heldIn(queues.orders!.arn).length > 0 && heldIn(queues.orders!.arn), 'the failed saga in the orders FailedSagasQueue');
  expect(event).toMatchObject({
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    resources: [executionArn],
    detail: { executionArn, status: 'FAILED', error: expect.stringMatching(/^Lambda\.(TooManyRequestsException|ServiceException)$/), redriveCount: 0, redriveStatus: 'REDRIVABLE' },
  });
  // Stuck where it failed: paid and reserved, not yet confirmed, nobody told.
  expect(await endState(order, sku)).toEqual({
    order: 'PENDING',
    payment: { status: 'CAPTURED', captured: 2598, refunded: 0 },
    stock: { available: 8, reserved: 2 },
    notifications: [],
    emails: 0,
  });
  expect(heldIn(queues.payments!.arn)).toEqual([]);

  // The cause is fixed; the queue is redriven as `npm run redrive -- --queue <url>` does.
  system.local.faults.set({});
  const report = await redriveQueue({ queueUrl: queues.orders!.url, clients });
  expect(report).toEqual({ redriven: [{ messageId: expect.any(String), via: 'RedriveExecution', target: executionArn }], kept: [], settled: [] });

  const state = await system.waitFor(async () => {
    const current = await endState(order, sku);
    return current.order === 'CONFIRMED' && current.emails > 0 && current;
  }, 'the redriven order to be confirmed and its customer told');
  expect(state).toEqual({
    order: 'CONFIRMED',
    payment: { status: 'CAPTURED', captured: 2598, refunded: 0 },
    stock: { available: 8, reserved: 2 },
    notifications: ['ORDER_CONFIRMED'],
    emails: 1,
  });
  const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
  expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  expect(heldIn(queues.orders!.arn)).toEqual([]);
}, 120_000);

test('a business failure (a declined card) is no failed saga: it lands in no FailedSagasQueue', async () => {
  const queues = failedSagasQueues();
  const sku = 'SKU-DECLINED-SAGA';
  expect((await system.http('PUT', `/inventory/${sku}`, { available: 10 }, system.admin.headers)).status).toBe(200);
  const order = await placeOrder(sku, 'tok_declined');
  const state = await system.waitFor(async () => {
    const current = await endState(order, sku);
    return current.order === 'CANCELLED' && current.stock.reserved === 0 && current.emails > 0 && current;
  }, 'the declined order to be cancelled');
  expect(state).toMatchObject({ order: 'CANCELLED', payment: { status: 'FAILED', captured: 0 }, notifications: ['PAYMENT_FAILED'] });
  // The order saga ended in OrderCancelled, FAILED on AWS's terms; the payment saga (Express) succeeded, a declined card
  // being its business outcome. Once they have ended (and the status changes were delivered: waitFor lets deliveries
  // settle), no queue holds them.
  const orderSaga = system.local.cloud.arn('states', `execution:shop-orders-dev-order:${order.orderId}`);
  const error = await system.waitFor(async () => (await clients.sfn.send(new DescribeExecutionCommand({ executionArn: orderSaga }))).error, 'the order saga to end');
  expect(error).toBe('OrderCancelled');
  const paymentSagas = system.local.states.expressExecutions().filter((execution) => execution.name === `pay-${order.orderId}`);
  expect(paymentSagas.map((execution) => execution.status)).toEqual(['SUCCEEDED']);
  await system.waitFor(() => true, 'deliveries to settle');
  for (const service of SERVICES) expect({ service, held: heldIn(queues[service]!.arn) }).toEqual({ service, held: [] });
}, 120_000);

test('a payment-release saga that fails past its retries: routed to the payments FailedSagasQueue, redriven, and the order ends right', async () => {
  const queues = failedSagasQueues();
  const sku = 'SKU-FAILED-RELEASE';
  expect((await system.http('PUT', `/inventory/${sku}`, { available: 10 }, system.admin.headers)).status).toBe(200);
  // The capture never works, so the payment saga (Express) hands the release to the payment-release saga (Standard),
  // whose MarkFailed Lambda refuses for longer than its retries.
  system.local.faults.set({ 'lambda.before': { rate: 1, scope: 'shop-payments-dev-markFailed' } });
  const order = await placeOrder(sku, 'tok_capture_unavailable');
  const executionArn = system.local.cloud.arn('states', `execution:shop-payments-dev-payment-release:release-${order.orderId}`);

  const [event] = await system.waitFor(() => heldIn(queues.payments!.arn).length > 0 && heldIn(queues.payments!.arn), 'the failed saga in the payments FailedSagasQueue');
  expect(event).toMatchObject({ resources: [executionArn], detail: { executionArn, status: 'FAILED', error: expect.stringMatching(/^Lambda\./), redriveStatus: 'REDRIVABLE' } });
  // Released at the provider, not yet recorded: the order still waits for its payment's outcome.
  expect(await endState(order, sku)).toMatchObject({ order: 'PENDING', payment: { status: 'AUTHORIZED', captured: 0 }, emails: 0 });
  expect(heldIn(queues.orders!.arn)).toEqual([]);

  system.local.faults.set({});
  const report = await redriveQueue({ queueUrl: queues.payments!.url, clients });
  expect(report).toEqual({ redriven: [{ messageId: expect.any(String), via: 'RedriveExecution', target: executionArn }], kept: [], settled: [] });

  const state = await system.waitFor(async () => {
    const current = await endState(order, sku);
    return current.order === 'CANCELLED' && current.stock.reserved === 0 && current.emails > 0 && current;
  }, 'the redriven payment to fail and the order to be cancelled');
  expect(state).toEqual({ order: 'CANCELLED', payment: { status: 'FAILED', captured: 0, refunded: 0 }, stock: { available: 10, reserved: 0 }, notifications: ['PAYMENT_FAILED'], emails: 1 });
  // It ends in its business Fail state (PaymentFailed), which FailedSagasRule leaves out: nothing more is routed.
  expect(await clients.sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'FAILED', error: 'PaymentFailed', redriveCount: 1 });
  await system.waitFor(() => true, 'deliveries to settle');
  expect(heldIn(queues.payments!.arn)).toEqual([]);
}, 120_000);
