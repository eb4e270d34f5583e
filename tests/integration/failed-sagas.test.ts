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
/** The services with Standard sagas; inventory's are Express (no status-change events: a failure fails its consumer). */
const SERVICES = ['orders', 'payments', 'notifications'];

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
  for (const service of ['payments', 'notifications']) expect(heldIn(queues[service]!.arn)).toEqual([]);

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
  // The order saga ended in OrderCancelled and the payment saga in PaymentFailed, both FAILED on AWS's terms; once they
  // have (and their status changes were delivered: waitFor lets deliveries settle), no queue holds them.
  const errorOf = async (executionArn: string) => (await clients.sfn.send(new DescribeExecutionCommand({ executionArn }))).error;
  const sagas = [`execution:shop-orders-dev-order:${order.orderId}`, `execution:shop-payments-dev-payment:pay-${order.orderId}`].map((name) => system.local.cloud.arn('states', name));
  const errors = await system.waitFor(async () => {
    const found = await Promise.all(sagas.map(errorOf));
    return found.every(Boolean) && found;
  }, 'both sagas to end');
  expect(errors).toEqual(['OrderCancelled', 'PaymentFailed']);
  await system.waitFor(() => true, 'deliveries to settle');
  for (const service of SERVICES) expect({ service, held: heldIn(queues[service]!.arn) }).toEqual({ service, held: [] });
}, 120_000);
