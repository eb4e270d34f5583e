import path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventPublisher, type DomainEvent } from '@shop/events';
import { loadSystem, readPackagedService, type LoadedStack } from '../../libs/local-cloud/src/cloudformation/loader';
import { startLocalCloud, type FaultPlanInput, type LocalCloud } from '../../libs/local-cloud/src';
import type { CloudActivity } from '../../libs/local-cloud/src/cloud';
import { SERVICES_DIR } from '../../scripts/package-services';
import { redriveExecution } from '../../scripts/redrive-dlq';
import { orderCancelledEvent, orderConfirmedEvent } from '../../services/orders/src/domain/events';
import type { CancelReason, Order } from '../../services/orders/src/domain/order';
import { paymentFailedEvent } from '../../services/payments/src/domain/events';
import { renderEmail } from '../../services/notifications/src/domain/render';
import { executionName, notificationRequestOf } from '../../services/notifications/src/domain/notification-request';
import type { Outcome } from '../../services/notifications/src/domain/events';

/**
 * The notifications service as packaged (`sls package`), loaded with the event bus into the local emulator: events
 * go in through the bus, e-mails come out of the emulator's SES, NotificationSent comes back on the bus.
 */

const config = () => ({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
// Generous for a noisy shared machine; nothing here waits on time, only on the emulator settling.
jest.setTimeout(30_000);

let local: LocalCloud;
let stack: LoadedStack;
let events: EventBridgeClient;
let sfn: SFNClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let publisher: EventPublisher;
let sentEventsQueue: string;

const FUNCTION = (name: string) => `shop-notifications-dev-${name}`;

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  const stacks = await loadSystem(
    ['event-bus', 'identity', 'notifications'].map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId },
  );
  stack = stacks.find((s) => s.stackName === 'shop-notifications-dev')!;
  events = new EventBridgeClient(config());
  sfn = new SFNClient(config());
  sqs = new SQSClient(config());
  dynamodb = new DynamoDBClient(config());
  publisher = new EventPublisher({ eventBusName: 'shop-dev', client: events });

  // What notifications publishes, captured by a test rule → queue.
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'test-notification-sent' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await events.send(new PutRuleCommand({ Name: 'test-notification-sent', EventBusName: 'shop-dev', EventPattern: JSON.stringify({ source: ['shop.notifications'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'test-notification-sent', EventBusName: 'shop-dev', Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn! }] }));
  sentEventsQueue = QueueUrl!;
  local.cloud.monitor.on('activity', (activity: CloudActivity) => {
    if (activity.type === 'fault.injected') injected.push(activity);
  });
});
afterAll(async () => {
  for (const client of [events, sfn, sqs, dynamodb]) client.destroy();
  await local.stop();
});

/** The faults the plan injected since it was last set (`useFaults`). */
const injected: CloudActivity[] = [];
const variantsOf = (fault: string) => injected.filter((a) => a.fault === fault).map((a) => a.variant);
function useFaults(plan: FaultPlanInput): void {
  injected.length = 0;
  local.faults.set(plan);
}

let orders = 0;
/** A new order (own id and customer) per test: tests share one emulator. */
function newOrder(currency = 'EUR', total = 2598): Order {
  const n = String(++orders).padStart(12, '0');
  const at = new Date('2026-11-23T12:00:00Z').toISOString();
  return {
    orderId: `7e1d2c3b-4a59-4687-9a0b-${n}`, customerId: `cust-${n}`, customerEmail: `customer-${n}@example.com`, currency,
    items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: total }], total, paymentToken: 'tok_visa', status: 'PENDING', createdAt: at, updatedAt: at,
  };
}
const at = new Date('2026-11-23T12:00:05Z');
const confirmed = (order: Order) => orderConfirmedEvent(order, at);
const cancelled = (order: Order, reason: CancelReason) => orderCancelledEvent(order, reason, undefined, at);
const paymentFailed = (order: Order) =>
  paymentFailedEvent(
    { orderId: order.orderId, paymentId: `pay-${order.orderId}`, customerId: order.customerId, customerEmail: order.customerEmail, currency: order.currency, amount: order.total, captured: 0, refunded: 0, status: 'FAILED' },
    'DECLINED', 'card declined by issuer', { metadata: { id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a', correlationId: order.orderId } }, at,
  );

/** Puts the events on the bus and waits until the consumer has run and every saga it started has ended. */
async function deliver(...toPut: DomainEvent[]): Promise<void> {
  for (const event of toPut) {
    await publisher.publish([event]);
    await settle();
  }
}

async function settle(): Promise<void> {
  await local.events.drain();
  await local.lambda.asyncSettled();
  for (;;) {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn(), statusFilter: 'RUNNING' }));
    if (executions.length === 0) break;
    for (const execution of executions) await finished(execution.executionArn!);
  }
  await local.events.drain();
}

const machineArn = () => local.cloud.arn('states', 'stateMachine:shop-notifications-dev-notification');
const executionArn = (name: string) => `${machineArn().replace(':stateMachine:', ':execution:')}:${name}`;

/** Polls DescribeExecution until the execution has closed. */
async function finished(arn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const outcomeExecution = (order: Order, outcome: Outcome) => finished(executionArn(executionName(order.orderId, outcome)));

/** The states an execution went through, in order (from GetExecutionHistory). */
async function statesEntered(arn: string): Promise<string[]> {
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
  return history.events!.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name!);
}

/** How many times SendEmail's task was scheduled (its first attempt and each retry, a redrive's included). */
async function sendAttempts(arn: string): Promise<number> {
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
  let state = '';
  let attempts = 0;
  for (const event of history.events ?? []) {
    if (event.type?.endsWith('StateEntered')) state = event.stateEnteredEventDetails!.name!;
    if (event.type === 'TaskScheduled' && state === 'SendEmail') attempts++;
  }
  return attempts;
}

/** The errors of the task attempts that failed (retried or caught), in order. */
async function taskFailures(arn: string): Promise<string[]> {
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
  return history.events!.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails!.error!);
}

async function notificationItem(order: Order, outcome: Outcome) {
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: 'shop-notifications-dev-notifications', Key: { orderId: { S: order.orderId }, outcome: { S: outcome } }, ConsistentRead: true }));
  return Item;
}

/**
 * GET /notifications through the packaged function, with an HTTP API (payload 2.0) event from past its JWT authorizer:
 * the claims name `customerId` (an admin's by default, who reads every customer's).
 */
async function getNotifications(query?: Record<string, string>, customerId?: string) {
  const claims = customerId ? { sub: customerId } : { sub: 'ops-1', 'cognito:groups': '[admins]' };
  const event = { version: '2.0', routeKey: 'GET /notifications', rawPath: '/notifications', queryStringParameters: query, requestContext: { authorizer: { jwt: { claims, scopes: null } } } };
  const result = await local.lambda.invoke(FUNCTION('listNotifications'), JSON.stringify(event));
  const response = JSON.parse(result.payload);
  return { status: response.statusCode as number, body: JSON.parse(response.body) };
}

/** Receives and deletes what a queue holds now. */
async function drainQueue(url: string): Promise<any[]> {
  const bodies: any[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    for (const m of Messages) {
      bodies.push(JSON.parse(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

/** NotificationSent events put on the bus so far, of one order. */
const published: Array<{ 'detail-type': string; detail: any }> = [];
async function notificationSentEvents(orderId: string) {
  published.push(...(await drainQueue(sentEventsQueue)));
  return published.filter((e) => e.detail.data.orderId === orderId);
}

/** Invocation records the consumer gave up on (its on-failure destination), of one order. */
const poisoned: any[] = [];
async function poisonRecords(orderId: string) {
  poisoned.push(...(await drainQueue(stack.outputs.PoisonEventsQueueUrl as string)));
  return poisoned.filter((r) => r.requestPayload?.detail?.data?.orderId === orderId);
}

describe('notifications on the local stack', () => {
  it('OrderConfirmed → one e-mail with the subject and the amount, NotificationSent on the bus, listed by GET', async () => {
    const order = newOrder('JPY', 4500);
    const event = confirmed(order);
    await deliver(event);

    const execution = await outcomeExecution(order, 'CONFIRMED');
    expect(execution.status).toBe('SUCCEEDED');
    expect(await statesEntered(execution.executionArn!)).toEqual(['Render', 'Claim', 'SendEmail', 'Publish', 'Notified']);
    const emails = local.ses.listSentEmails({ to: order.customerEmail });
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ from: 'orders@shop.example', subject: `Your order ${order.orderId.slice(0, 8).toUpperCase()} is confirmed`, kind: 'Simple' });
    expect(emails[0]!.text).toContain('¥4,500');
    expect(emails[0]!.html).toContain('¥4,500');

    const sent = await notificationSentEvents(order.orderId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      'detail-type': 'NotificationSent.v1',
      detail: {
        metadata: { causationId: event.detail.metadata.id, correlationId: order.orderId },
        data: { orderId: order.orderId, notificationId: `${order.orderId}#CONFIRMED`, channel: 'EMAIL', template: 'ORDER_CONFIRMED', recipient: order.customerEmail, providerMessageId: emails[0]!.messageId },
      },
    });

    const listed = await getNotifications({ orderId: order.orderId });
    expect(listed).toEqual({
      status: 200,
      body: [{ orderId: order.orderId, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', customerId: order.customerId, recipient: order.customerEmail, subject: emails[0]!.subject, sentAt: sent[0]!.detail.data.sentAt, providerMessageId: emails[0]!.messageId }],
    });
    // The order's customer reads it too; another customer finds nothing, as for an unknown order.
    expect((await getNotifications({ orderId: order.orderId }, order.customerId)).body).toEqual(listed.body);
    expect(await getNotifications({ orderId: order.orderId }, 'cust-someone-else')).toEqual({ status: 200, body: [] });
  });

  it('the same event delivered twice sends one e-mail', async () => {
    const order = newOrder();
    const event = confirmed(order);
    await deliver(event, event);
    // And once more straight through PutEvents, as a producer retrying after a lost response would.
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-dev', Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail) }] }));
    await settle();

    expect(local.ses.listSentEmails({ to: order.customerEmail })).toHaveLength(1);
    expect(await notificationSentEvents(order.orderId)).toHaveLength(1);
    expect(await poisonRecords(order.orderId)).toEqual([]);
  });

  it.each([
    ['PaymentFailed, then OrderCancelled(PAYMENT_FAILED)', (o: Order) => [paymentFailed(o), cancelled(o, 'PAYMENT_FAILED')]],
    ['OrderCancelled(PAYMENT_FAILED), then PaymentFailed', (o: Order) => [cancelled(o, 'PAYMENT_FAILED'), paymentFailed(o)]],
  ] as const)('%s: one outcome, one PAYMENT_FAILED e-mail', async (_, eventsOf) => {
    const order = newOrder();
    const [first, second] = eventsOf(order);
    await deliver(first!, second!);

    const emails = local.ses.listSentEmails({ to: order.customerEmail });
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toBe(renderEmail(notificationRequestOf({ detailType: first!.detailType, detail: first!.detail } as never)).subject);
    expect(emails[0]!.subject).toContain('did not go through');
    expect((await outcomeExecution(order, 'CANCELLED')).status).toBe('SUCCEEDED');
    expect(await notificationItem(order, 'CANCELLED')).toMatchObject({ template: { S: 'PAYMENT_FAILED' }, status: { S: 'SENT' } });
    const sent = await notificationSentEvents(order.orderId);
    expect(sent.map((e) => [e.detail.data.template, e.detail.metadata.causationId])).toEqual([['PAYMENT_FAILED', first!.detail.metadata.id]]);
    // The second event was handled ("already notified"), not failed into the poison queue.
    expect(await poisonRecords(order.orderId)).toEqual([]);
  });

  it('the saga\'s claim holds on its own: another execution for a told outcome ends without an e-mail or an event', async () => {
    const order = newOrder();
    const event = confirmed(order);
    await deliver(event);
    const first = await outcomeExecution(order, 'CONFIRMED');

    // As if the execution name had not deduplicated (e.g. a later attempt under another name): same input, new name.
    const { executionArn: second } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn(), name: `${executionName(order.orderId, 'CONFIRMED')}-again`, input: first.input }));
    await settle();

    expect((await finished(second!)).status).toBe('SUCCEEDED');
    expect(await statesEntered(second!)).toEqual(['Render', 'Claim', 'ReadClaim', 'ClaimTaken', 'AlreadySent']);
    expect(local.ses.listSentEmails({ to: order.customerEmail })).toHaveLength(1);
    expect(await notificationSentEvents(order.orderId)).toHaveLength(1);
  });

  it('OrderCancelled(OUT_OF_STOCK) → one ORDER_CANCELLED e-mail', async () => {
    const order = newOrder();
    await deliver(cancelled(order, 'OUT_OF_STOCK'));

    const emails = local.ses.listSentEmails({ to: order.customerEmail });
    expect(emails.map((e) => e.subject)).toEqual([`Your order ${order.orderId.slice(0, 8).toUpperCase()} is cancelled`]);
    expect(emails[0]!.text).toContain('because some items are out of stock');
    expect((await notificationSentEvents(order.orderId)).map((e) => e.detail.data.template)).toEqual(['ORDER_CANCELLED']);
    expect((await getNotifications({ orderId: order.orderId })).body).toEqual([expect.objectContaining({ outcome: 'CANCELLED', template: 'ORDER_CANCELLED' })]);
  });

  describe('when SES refuses the e-mail', () => {
    const sendEmail = () => local.lambda.getFunction(FUNCTION('sendEmail'));
    let from: string | undefined;
    beforeEach(() => {
      from = sendEmail().environment.NOTIFICATIONS_FROM;
      // An invalid From: the emulator answers BadRequestException, as SES does.
      sendEmail().environment.NOTIFICATIONS_FROM = 'not-an-address';
    });
    afterEach(() => {
      sendEmail().environment.NOTIFICATIONS_FROM = from!;
    });

    it('fails the execution AT SendEmail after its retries, keeping the claim; another event for the outcome sends nothing; once SES is fixed, a redrive sends the one e-mail', async () => {
      const order = newOrder();
      await deliver(paymentFailed(order));

      const execution = await outcomeExecution(order, 'CANCELLED');
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('EmailRejected');
      expect(execution.cause).toContain('BadRequestException');
      expect(execution.cause).toContain('FromEmailAddress');
      expect(await statesEntered(execution.executionArn!)).toEqual(['Render', 'Claim', 'SendEmail']);
      expect(await sendAttempts(execution.executionArn!)).toBe(4); // the first and 3 spaced retries
      expect(await notificationItem(order, 'CANCELLED')).toMatchObject({ status: { S: 'CLAIMED' }, claimedBy: { S: execution.executionArn } });
      expect(local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);
      expect(await notificationSentEvents(order.orderId)).toEqual([]);

      // The order's own cancellation arrives while SES still refuses: the claim is held, so nothing is sent twice later.
      await deliver(cancelled(order, 'PAYMENT_FAILED'));
      expect(local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);

      // SES fixed: the failed execution is redriven (what npm run redrive does from FailedSagasQueue) and resumes at SendEmail.
      sendEmail().environment.NOTIFICATIONS_FROM = from!;
      expect(await redriveExecution(execution.executionArn!, { sfn })).toMatchObject({ outcome: 'redriven' });
      await local.events.drain();
      let redriven = await outcomeExecution(order, 'CANCELLED');
      for (let wait = 0; redriven.status === 'RUNNING' && wait < 200; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        redriven = await outcomeExecution(order, 'CANCELLED');
      }
      expect(redriven.status).toBe('SUCCEEDED');
      await local.events.drain();
      expect(local.ses.listSentEmails({ to: order.customerEmail }).map((e) => e.subject)).toEqual([expect.stringContaining('did not go through')]);
      expect(await notificationItem(order, 'CANCELLED')).toMatchObject({ status: { S: 'SENT' } });
      expect(await notificationSentEvents(order.orderId)).toHaveLength(1);
    });
  });

  /**
   * The promise under each fault AWS documents (the emulator's fault plan, scoped to this service's functions, table,
   * rule and events): exactly one e-mail per outcome, recorded SENT, NotificationSent published once, the execution
   * SUCCEEDED. A seeded plan with one fault in scope strikes the same opportunities on every run; each test checks what struck.
   */
  describe('under faults', () => {
    const TABLE = 'shop-notifications-dev-notifications';
    afterEach(() => useFaults(undefined));

    /** One e-mail, its SENT record and one NotificationSent (by metadata.id: a republished step is the same event) carrying its message id. */
    async function expectToldOnce(order: Order, outcome: Outcome) {
      const emails = local.ses.listSentEmails({ to: order.customerEmail });
      expect(emails).toHaveLength(1);
      expect(await notificationItem(order, outcome)).toMatchObject({ status: { S: 'SENT' }, providerMessageId: { S: emails[0]!.messageId } });
      const sent = await notificationSentEvents(order.orderId);
      expect(new Set(sent.map((e) => e.detail.metadata.id)).size).toBe(1);
      expect(sent.every((e) => e.detail.data.providerMessageId === emails[0]!.messageId)).toBe(true);
    }

    it('SendEmail ran, but Lambda lost its outcome (lambda.after): the retry answers the SENT record, sends nothing, and the saga publishes', async () => {
      useFaults({ 'lambda.after': { rate: 1, scope: FUNCTION('sendEmail') } });
      const off = (activity: CloudActivity) => {
        if (activity.type !== 'fault.injected') return;
        local.faults.set(undefined);
        local.cloud.monitor.off('activity', off);
      };
      local.cloud.monitor.on('activity', off);
      const order = newOrder();
      await deliver(confirmed(order));

      const execution = await outcomeExecution(order, 'CONFIRMED');
      expect(execution.status).toBe('SUCCEEDED');
      expect(variantsOf('lambda.after')).toHaveLength(1);
      expect(await sendAttempts(execution.executionArn!)).toBe(2);
      expect(await statesEntered(execution.executionArn!)).toEqual(['Render', 'Claim', 'SendEmail', 'Publish', 'Notified']);
      await expectToldOnce(order, 'CONFIRMED');
    });

    it('every attempt of SendEmail lost its outcome: the execution fails at SendEmail, SENT recorded; a redrive publishes without a second e-mail', async () => {
      useFaults({ 'lambda.after': { rate: 1, scope: FUNCTION('sendEmail') } });
      const order = newOrder();
      await deliver(confirmed(order));

      const execution = await outcomeExecution(order, 'CONFIRMED');
      expect(execution.status).toBe('FAILED');
      expect(await statesEntered(execution.executionArn!)).toEqual(['Render', 'Claim', 'SendEmail']);
      useFaults(undefined);
      expect(await redriveExecution(execution.executionArn!, { sfn })).toMatchObject({ outcome: 'redriven' });
      let redriven = await outcomeExecution(order, 'CONFIRMED');
      for (let wait = 0; redriven.status === 'RUNNING' && wait < 200; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        redriven = await outcomeExecution(order, 'CONFIRMED');
      }
      expect(redriven.status).toBe('SUCCEEDED');
      await local.events.drain();
      await expectToldOnce(order, 'CONFIRMED');
    });

    it('the claim\'s put and the SENT record were applied but answered InternalServerError (dynamodb.lostResponse): our own claim goes on to send, once', async () => {
      useFaults({ 'dynamodb.lostResponse': { rate: 1, scope: TABLE } });
      const order = newOrder();
      await deliver(cancelled(order, 'OUT_OF_STOCK'));

      const execution = await outcomeExecution(order, 'CANCELLED');
      expect(execution.status).toBe('SUCCEEDED');
      // The retried put failed its own condition and ReadClaim found the claim ours; the function's update, retried by
      // the SDK, failed its condition too and found its own SENT record.
      expect(await statesEntered(execution.executionArn!)).toEqual(['Render', 'Claim', 'ReadClaim', 'ClaimTaken', 'SendEmail', 'Publish', 'Notified']);
      expect(await taskFailures(execution.executionArn!)).toEqual(['DynamoDB.InternalServerError', 'DynamoDB.ConditionalCheckFailedException']);
      useFaults(undefined);
      await expectToldOnce(order, 'CANCELLED');
    });

    it('Lambda refused SendEmail before it ran (lambda.before, Lambda.ServiceException): retried, one e-mail', async () => {
      // Seed 6 at rate 0.5: the first invoke is refused, the second runs.
      useFaults({ seed: 6, 'lambda.before': { rate: 0.5, scope: FUNCTION('sendEmail') } });
      const order = newOrder();
      await deliver(confirmed(order));

      expect(variantsOf('lambda.before')).toEqual(['ServiceException']);
      const execution = await outcomeExecution(order, 'CONFIRMED');
      expect(execution.status).toBe('SUCCEEDED');
      expect(await statesEntered(execution.executionArn!)).toEqual(['Render', 'Claim', 'SendEmail', 'Publish', 'Notified']);
      useFaults(undefined);
      await expectToldOnce(order, 'CONFIRMED');
    });

    it('SES throttled the send (ses, TooManyRequestsException): retried with backoff, the claim kept, one e-mail', async () => {
      const order = newOrder();
      // Seed 257 at rate 0.6: throttled twice, then accepted.
      useFaults({ seed: 257, ses: { rate: 0.6, scope: order.customerEmail } });
      await deliver(confirmed(order));

      expect(variantsOf('ses')).toEqual(['TooManyRequestsException', 'TooManyRequestsException']);
      const execution = await outcomeExecution(order, 'CONFIRMED');
      expect(execution.status).toBe('SUCCEEDED');
      expect(await statesEntered(execution.executionArn!)).toEqual(['Render', 'Claim', 'SendEmail', 'Publish', 'Notified']);
      useFaults(undefined);
      await expectToldOnce(order, 'CONFIRMED');
    });

    it('every fault at once, outcome events twice and out of order: each outcome told once, every execution SUCCEEDED, nothing poisoned', async () => {
      const sagaFunctions = ['render', 'sendEmail', 'publish'].map(FUNCTION);
      const consumer = ['shop-notifications-dev-order-outcomes', FUNCTION('onOrderOutcome')];
      useFaults({
        seed: 11,
        duplicate: { rate: 0.5, scope: consumer },
        delay: { range: '0-40ms', scope: consumer },
        'lambda.before': { rate: 0.1, scope: sagaFunctions },
        'lambda.after': { rate: 0.1, scope: sagaFunctions },
        'dynamodb.throttle': { rate: 0.2, scope: TABLE },
        'dynamodb.lostResponse': { rate: 0.3, scope: TABLE },
        putEvents: { rate: 0.3, scope: 'NotificationSent.v1' },
      });
      const confirmedOrders = [newOrder(), newOrder()];
      const declinedOrders = [newOrder(), newOrder()];
      // All at once: a declined payment's two events race each other, and every delivery may come twice.
      await publisher.publish([...confirmedOrders.map(confirmed), ...declinedOrders.flatMap((o) => [paymentFailed(o), cancelled(o, 'PAYMENT_FAILED')])]);
      await settle();

      // Which faults strike varies with the interleaving of concurrent deliveries; the promise holds whatever struck.
      expect(new Set(injected.map((a) => a.fault)).size).toBeGreaterThanOrEqual(3);
      useFaults(undefined);
      for (const [order, outcome] of [...confirmedOrders.map((o) => [o, 'CONFIRMED'] as const), ...declinedOrders.map((o) => [o, 'CANCELLED'] as const)]) {
        const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn() }));
        const ofOutcome = executions.filter((e) => e.name!.startsWith(executionName(order.orderId, outcome)));
        expect(ofOutcome.map((e) => e.status)).toEqual(['SUCCEEDED']);
        await expectToldOnce(order, outcome);
        expect(await poisonRecords(order.orderId)).toEqual([]);
      }
    });
  });

  it('a poison event ends in PoisonEventsQueue with the reason naming the field', async () => {
    const order = newOrder();
    const event = confirmed(order);
    const { customer: _customer, ...data } = event.detail.data;
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-dev', Source: 'shop.orders', DetailType: 'OrderConfirmed.v1', Detail: JSON.stringify({ ...event.detail, data }) }] }));
    await settle();

    const records = await poisonRecords(order.orderId);
    expect(records).toHaveLength(1);
    expect(records[0].responsePayload.errorType).toBe('EventValidationError');
    expect(records[0].responsePayload.errorMessage).toContain('detail.data.customer is required');
    expect(records[0].requestContext.condition).toBe('RetriesExhausted');
    expect(local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);
  });

  it('GET /notifications without a valid orderId → 400 naming the field', async () => {
    expect(await getNotifications()).toEqual({ status: 400, body: { message: 'Invalid request', errors: [{ field: 'orderId', message: 'is required (query string)' }] } });
    expect((await getNotifications({ orderId: 'nope' })).body.errors).toEqual([{ field: 'orderId', message: expect.stringContaining('order id') }]);
  });
});
