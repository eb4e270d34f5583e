import path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { EventPublisher, type DomainEvent } from '@shop/events';
import { loadSystem, readPackagedService, type LoadedStack } from '../../libs/local-cloud/src/cloudformation/loader';
import { startLocalCloud, type FaultPlanInput, type LocalCloud } from '../../libs/local-cloud/src';
import type { CloudActivity } from '../../libs/local-cloud/src/cloud';
import { SERVICES_DIR } from '../../scripts/package-services';
import { redriveQueue } from '../../scripts/redrive-dlq';
import { ruleToQueue } from '../support/rule-queue';
import { orderCancelledEvent, orderConfirmedEvent } from '../../services/orders/src/domain/events';
import type { CancelReason, Order } from '../../services/orders/src/domain/order';
import { paymentFailedEvent } from '../../services/payments/src/domain/events';
import { renderEmail } from '../../services/notifications/src/domain/render';
import { executionName, notificationRequestOf } from '../../services/notifications/src/domain/notification-request';
import type { Outcome } from '../../services/notifications/src/domain/events';
import { CLAIM_LEASE_SECONDS, newClaim } from '../../services/notifications/src/domain/claim';

/**
 * The notifications service as packaged (`sls package`), loaded with the event bus into the local emulator: events
 * go in through the bus, e-mails come out of the emulator's SES, NotificationSent comes back on the bus. The saga is
 * an Express workflow, which Step Functions neither lists nor describes: its runs are followed through the emulator's
 * activity (each state entered, each task failed) and its kept execution graphs (status, error, input).
 */

const config = () => ({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
// StartSyncExecution goes to a `sync-` host on AWS; the emulator is one host.
const sfnConfig = () => ({ ...config(), disableHostPrefix: true });
// Generous for a noisy shared machine; nothing here waits on time, only on the emulator settling.
jest.setTimeout(30_000);

let local: LocalCloud;
let stack: LoadedStack;
let events: EventBridgeClient;
let sfn: SFNClient;
let sqs: SQSClient;
let lambda: LambdaClient;
let dynamodb: DynamoDBClient;
let publisher: EventPublisher;
let sentEventsQueue: string;

const FUNCTION = (name: string) => `shop-notifications-dev-${name}`;

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  const stacks = await loadSystem(
    ['event-bus', 'identity', 'notifications'].map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, iam: local.iam.policies },
  );
  stack = stacks.find((s) => s.stackName === 'shop-notifications-dev')!;
  events = new EventBridgeClient(config());
  sfn = new SFNClient(sfnConfig());
  sqs = new SQSClient(config());
  lambda = new LambdaClient(config());
  dynamodb = new DynamoDBClient(config());
  publisher = new EventPublisher({ eventBusName: 'shop-dev', client: events });

  // What notifications publishes, captured by a test rule → queue.
  ({ queueUrl: sentEventsQueue } = await ruleToQueue({ events, sqs }, { name: 'test-notification-sent', eventBusName: 'shop-dev', eventPattern: { source: ['shop.notifications'] } }));
  local.cloud.monitor.on('activity', (activity: CloudActivity) => {
    if (activity.type === 'fault.injected') injected.push(activity);
    if (activity.service !== 'states' || typeof activity.executionArn !== 'string' || !activity.executionArn.includes(':express:shop-notifications-dev-notification:')) return;
    const run = runs.get(activity.executionArn) ?? { executionArn: activity.executionArn, states: [], taskFailures: [], sendAttempts: 0 };
    runs.set(activity.executionArn, run);
    const { event } = activity as CloudActivity & { event?: { taskFailedEventDetails?: { error?: string } } };
    if (activity.type === 'state.entered') run.states.push(String(activity.stateName));
    if (activity.type === 'task.scheduled' && activity.stateName === 'SendEmail') run.sendAttempts++;
    if (activity.type === 'task.failed') run.taskFailures.push(String(event?.taskFailedEventDetails?.error));
  });
});
afterAll(async () => {
  for (const client of [events, sfn, sqs, lambda, dynamodb]) client.destroy();
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
  for (;;) {
    await local.events.drain();
    await local.lambda.asyncSettled();
    if (![...runs.keys()].some((arn) => local.states.getExecutionGraph(arn).status === 'RUNNING')) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await local.events.drain();
}

/** Every run of the saga (an Express execution), with what it went through. */
interface Run {
  executionArn: string;
  /** The states it entered, in order. */
  states: string[];
  /** The errors of the task attempts that failed (retried or caught), in order. */
  taskFailures: string[];
  /** How many times SendEmail's task was scheduled (its first attempt and each retry). */
  sendAttempts: number;
}
const runs = new Map<string, Run>();

/** The runs of an outcome's saga, in start order, with how each ended. */
function outcomeRuns(order: Order, outcome: Outcome) {
  const name = `:${executionName(order.orderId, outcome)}:`;
  return [...runs.values()].filter((run) => run.executionArn.includes(name)).map((run) => ({ ...local.states.getExecutionGraph(run.executionArn), ...run }));
}
/** The one run of an outcome's saga. */
function outcomeRun(order: Order, outcome: Outcome) {
  const all = outcomeRuns(order, outcome);
  expect(all).toHaveLength(1);
  return all[0]!;
}

const machineArn = () => local.cloud.arn('states', 'stateMachine:shop-notifications-dev-notification');

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

/** What a queue holds now (up to 10 messages), left in it. */
async function peekQueue(url: string): Promise<any[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }));
  return Messages.map((m) => JSON.parse(m.Body!));
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

    const run = outcomeRun(order, 'CONFIRMED');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states).toEqual(['Render', 'Claim', 'AlreadySent', 'SendEmail', 'Publish', 'Notified']);
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
    // The second event's run found the outcome SENT: it sent nothing and published the same NotificationSent again.
    const [told, again] = outcomeRuns(order, 'CANCELLED');
    expect([told!.status, again!.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(again!.states).toEqual(['Render', 'Claim', 'AlreadySent', 'Publish', 'Notified']);
    expect(await notificationItem(order, 'CANCELLED')).toMatchObject({ template: { S: 'PAYMENT_FAILED' }, status: { S: 'SENT' } });
    const sent = await notificationSentEvents(order.orderId);
    expect(new Set(sent.map((e) => JSON.stringify([e.detail.metadata.id, e.detail.data.template, e.detail.metadata.causationId])))).toEqual(new Set([JSON.stringify([sent[0]!.detail.metadata.id, 'PAYMENT_FAILED', first!.detail.metadata.id])]));
    expect(await poisonRecords(order.orderId)).toEqual([]);
  });

  it('a run again from its start, for a told outcome, answers the SENT claim: no second e-mail, the same NotificationSent again', async () => {
    const order = newOrder();
    await deliver(confirmed(order));
    const first = outcomeRun(order, 'CONFIRMED');

    // What the consumer's retry does (StartSyncExecution: the same input, and Express keeps no name unique).
    const second = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: machineArn(), name: executionName(order.orderId, 'CONFIRMED'), input: first.input }));
    await settle();

    expect(second.status).toBe('SUCCEEDED');
    expect(runs.get(second.executionArn!)!.states).toEqual(['Render', 'Claim', 'AlreadySent', 'Publish', 'Notified']);
    expect(local.ses.listSentEmails({ to: order.customerEmail })).toHaveLength(1);
    const sent = await notificationSentEvents(order.orderId);
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((e) => e.detail.metadata.id)).size).toBe(1);
  });

  describe('a claim another run holds', () => {
    /** The outcome claimed by a run that is not this test's, with its lease ending `leaseLeftSeconds` from now. */
    async function claimedByAnother(order: Order, leaseLeftSeconds: number) {
      const request = notificationRequestOf({ detailType: 'OrderConfirmed.v1', detail: confirmed(order).detail } as never);
      const claimedAt = new Date(Date.now() + (leaseLeftSeconds - CLAIM_LEASE_SECONDS) * 1000);
      const item = newClaim(request, 'Your order', `${machineArn().replace(':stateMachine:', ':express:')}:gone:run`, claimedAt, CLAIM_LEASE_SECONDS);
      await dynamodb.send(new PutItemCommand({ TableName: 'shop-notifications-dev-notifications', Item: marshall(item, { removeUndefinedValues: true }) }));
    }

    it('past its lease (that run cannot be alive): taken over, one e-mail', async () => {
      const order = newOrder();
      await claimedByAnother(order, -1);
      await deliver(confirmed(order));

      const run = outcomeRun(order, 'CONFIRMED');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.states).toEqual(['Render', 'Claim', 'AlreadySent', 'SendEmail', 'Publish', 'Notified']);
      expect(local.ses.listSentEmails({ to: order.customerEmail })).toHaveLength(1);
      expect(await notificationItem(order, 'CONFIRMED')).toMatchObject({ status: { S: 'SENT' }, claimedBy: { S: run.executionArn } });
      expect(await notificationSentEvents(order.orderId)).toHaveLength(1);
    });

    it('within its lease: each run fails Notification.ClaimHeld after its retries, the consumer\'s too, and the event is kept in PoisonEventsQueue; redriven once the holder has sent, it publishes without an e-mail', async () => {
      const order = newOrder();
      await claimedByAnother(order, 60);
      await deliver(confirmed(order));

      const held = outcomeRuns(order, 'CONFIRMED');
      expect(held.map((run) => [run.status, run.error])).toEqual([['FAILED', 'Notification.ClaimHeld'], ['FAILED', 'Notification.ClaimHeld'], ['FAILED', 'Notification.ClaimHeld']]);
      expect(held[0]!.taskFailures).toEqual(Array(7).fill('Notification.ClaimHeld')); // the first attempt and 6 retries
      expect(local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);
      const poison = (await peekQueue(stack.outputs.PoisonEventsQueueUrl as string)).filter((r) => r.requestPayload?.detail?.data?.orderId === order.orderId);
      expect(poison).toHaveLength(1);
      expect(poison[0].responsePayload).toMatchObject({ errorType: 'SagaFailedError', errorMessage: expect.stringContaining('FAILED: Notification.ClaimHeld') });

      // The holder sends and records it; then `npm run redrive` of the poison queue invokes the consumer again.
      await dynamodb.send(new PutItemCommand({ TableName: 'shop-notifications-dev-notifications', Item: { ...(await notificationItem(order, 'CONFIRMED'))!, status: { S: 'SENT' }, providerMessageId: { S: 'msg-holder' }, sentAt: { S: new Date().toISOString() } } }));
      await redriveQueue({ queueUrl: stack.outputs.PoisonEventsQueueUrl as string, clients: { sqs, lambda } });
      await settle();

      expect(outcomeRuns(order, 'CONFIRMED').at(-1)).toMatchObject({ status: 'SUCCEEDED', states: ['Render', 'Claim', 'AlreadySent', 'Publish', 'Notified'] });
      expect(local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);
      expect((await notificationSentEvents(order.orderId)).map((e) => e.detail.data.providerMessageId)).toEqual(['msg-holder']);
      expect(await poisonRecords(order.orderId)).toEqual([]);
    });
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
      // A From the function's role may not send from (its ses:FromAddress condition): refused with AccessDeniedException,
      // as AWS refuses it before SES reads the request.
      sendEmail().environment.NOTIFICATIONS_FROM = 'not-an-address';
    });
    afterEach(() => {
      sendEmail().environment.NOTIFICATIONS_FROM = from!;
    });

    it('each run fails after its retries with the refusal and gives its claim back; the event is kept in PoisonEventsQueue with the reason; once SES is fixed, a redrive sends the one e-mail', async () => {
      const order = newOrder();
      await deliver(paymentFailed(order));

      // The consumer's first run and Lambda's two retries of it, each run to its end.
      const failed = outcomeRuns(order, 'CANCELLED');
      expect(failed).toHaveLength(3);
      for (const run of failed) {
        expect(run.status).toBe('FAILED');
        expect(run.error).toBe('EmailRejected');
        expect(run.cause).toContain('AccessDeniedException');
        expect(run.cause).toContain('is not authorized to perform: ses:SendEmail');
        expect(run.states).toEqual(['Render', 'Claim', 'AlreadySent', 'SendEmail', 'ReleaseClaim', 'SendFailed']);
        expect(run.sendAttempts).toBe(4); // the first and 3 spaced retries
      }
      expect(await notificationItem(order, 'CANCELLED')).toBeUndefined();
      expect(local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);
      expect(await notificationSentEvents(order.orderId)).toEqual([]);
      const poison = (await peekQueue(stack.outputs.PoisonEventsQueueUrl as string)).filter((r) => r.requestPayload?.detail?.data?.orderId === order.orderId);
      expect(poison.map((r) => r.responsePayload.errorMessage)).toEqual([expect.stringMatching(/FAILED: EmailRejected: .*AccessDeniedException/)]);

      // The order's own cancellation arrives while SES still refuses: kept in PoisonEventsQueue as well.
      await deliver(cancelled(order, 'PAYMENT_FAILED'));
      expect(local.ses.listSentEmails({ to: order.customerEmail })).toEqual([]);
      expect((await peekQueue(stack.outputs.PoisonEventsQueueUrl as string)).filter((r) => r.requestPayload?.detail?.data?.orderId === order.orderId)).toHaveLength(2);

      // SES fixed: `npm run redrive` of the poison queue invokes the consumer again with each event: one e-mail.
      sendEmail().environment.NOTIFICATIONS_FROM = from!;
      await redriveQueue({ queueUrl: stack.outputs.PoisonEventsQueueUrl as string, clients: { sqs, lambda } });
      await settle();
      expect(local.ses.listSentEmails({ to: order.customerEmail }).map((e) => e.subject)).toEqual([expect.stringContaining('did not go through')]);
      expect(await notificationItem(order, 'CANCELLED')).toMatchObject({ status: { S: 'SENT' } });
      expect(new Set((await notificationSentEvents(order.orderId)).map((e) => e.detail.metadata.id)).size).toBe(1);
      // Three runs of each event failed; the redrive ran one of each.
      expect(outcomeRuns(order, 'CANCELLED').map((run) => run.status)).toEqual([...Array(6).fill('FAILED'), 'SUCCEEDED', 'SUCCEEDED']);
      expect(await poisonRecords(order.orderId)).toEqual([]);
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

      const run = outcomeRun(order, 'CONFIRMED');
      expect(run.status).toBe('SUCCEEDED');
      expect(variantsOf('lambda.after')).toHaveLength(1);
      expect(run.sendAttempts).toBe(2);
      expect(run.states).toEqual(['Render', 'Claim', 'AlreadySent', 'SendEmail', 'Publish', 'Notified']);
      await expectToldOnce(order, 'CONFIRMED');
    });

    it('every attempt of SendEmail lost its outcome: the run fails, SENT recorded; the consumer\'s retry runs the saga again, which publishes without a second e-mail', async () => {
      useFaults({ 'lambda.after': { rate: 1, scope: FUNCTION('sendEmail') } });
      const order = newOrder();
      await deliver(confirmed(order));

      const [lost, again] = outcomeRuns(order, 'CONFIRMED');
      expect(lost).toMatchObject({ status: 'FAILED', states: ['Render', 'Claim', 'AlreadySent', 'SendEmail', 'ReleaseClaim', 'SendFailed'], sendAttempts: 6 });
      expect(again).toMatchObject({ status: 'SUCCEEDED', states: ['Render', 'Claim', 'AlreadySent', 'Publish', 'Notified'] });
      useFaults(undefined);
      await expectToldOnce(order, 'CONFIRMED');
      expect(await poisonRecords(order.orderId)).toEqual([]);
    });

    it('the claim\'s put and the SENT record were applied but answered InternalServerError (dynamodb.lostResponse): our own claim goes on to send, once', async () => {
      useFaults({ 'dynamodb.lostResponse': { rate: 1, scope: TABLE } });
      const order = newOrder();
      await deliver(cancelled(order, 'OUT_OF_STOCK'));

      // The claim's put (one SDK attempt) failed the step; retried by the saga, it failed its own condition and the claim
      // read was this run's. The SENT record, retried by the SDK, failed its condition too and found its own record.
      const run = outcomeRun(order, 'CANCELLED');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.states).toEqual(['Render', 'Claim', 'AlreadySent', 'SendEmail', 'Publish', 'Notified']);
      expect(run.taskFailures).toEqual(['InternalServerError']);
      expect(variantsOf('dynamodb.lostResponse').length).toBeGreaterThanOrEqual(2);
      useFaults(undefined);
      await expectToldOnce(order, 'CANCELLED');
    });

    it('Lambda refused SendEmail before it ran (lambda.before, Lambda.ServiceException): retried, one e-mail', async () => {
      // Seed 6 at rate 0.5: the first invoke is refused, the second runs.
      useFaults({ seed: 6, 'lambda.before': { rate: 0.5, scope: FUNCTION('sendEmail') } });
      const order = newOrder();
      await deliver(confirmed(order));

      expect(variantsOf('lambda.before')).toEqual(['ServiceException']);
      const run = outcomeRun(order, 'CONFIRMED');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.states).toEqual(['Render', 'Claim', 'AlreadySent', 'SendEmail', 'Publish', 'Notified']);
      useFaults(undefined);
      await expectToldOnce(order, 'CONFIRMED');
    });

    it('SES throttled the send (ses, TooManyRequestsException): retried with backoff, the claim kept, one e-mail', async () => {
      const order = newOrder();
      // Seed 257 at rate 0.6: throttled twice, then accepted.
      useFaults({ seed: 257, ses: { rate: 0.6, scope: order.customerEmail } });
      await deliver(confirmed(order));

      expect(variantsOf('ses')).toEqual(['TooManyRequestsException', 'TooManyRequestsException']);
      const run = outcomeRun(order, 'CONFIRMED');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.states).toEqual(['Render', 'Claim', 'AlreadySent', 'SendEmail', 'Publish', 'Notified']);
      useFaults(undefined);
      await expectToldOnce(order, 'CONFIRMED');
    });

    it('every fault at once, outcome events twice and out of order: each outcome told once; what failed past its retries is kept and redriven, nothing lost', async () => {
      const sagaFunctions = ['render', 'claim', 'sendEmail', 'publish'].map(FUNCTION);
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
      // At these rates a run can fail past its retries (a throttled or lost Claim five times, or Notification.ClaimHeld
      // while another run holds the outcome), and its consumer's two retries too: the event is then kept in
      // PoisonEventsQueue. A redrive with the faults gone finishes it.
      await redriveQueue({ queueUrl: stack.outputs.PoisonEventsQueueUrl as string, clients: { sqs, lambda } });
      await settle();
      for (const [order, outcome] of [...confirmedOrders.map((o) => [o, 'CONFIRMED'] as const), ...declinedOrders.map((o) => [o, 'CANCELLED'] as const)]) {
        // The last run succeeded: the one that sent, or one that found the outcome SENT and published it again.
        expect(outcomeRuns(order, outcome).at(-1)?.status).toBe('SUCCEEDED');
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
