import { AwsError } from '../errors';
import { targetServiceOf } from './delivery';
import { RETRY_BACKOFF_CAP_MS } from './limits';
import { missing, testEventBridge, throttled } from './test-cloud';

const PATTERN = JSON.stringify({ source: ['shop.orders'] });
const entry = (detail: Record<string, unknown> = { orderId: 'o-1' }) => ({ Source: 'shop.orders', DetailType: 'OrderPlaced.v1', Detail: JSON.stringify(detail) });

/** A rule `orders` on the default bus; the backoff jitter is fixed at its maximum. */
async function setup(options: { timeScale?: number } = {}) {
  const bridge = testEventBridge({ random: () => 1, ...options });
  await bridge.events.dispatch('PutRule', { Name: 'orders', EventPattern: PATTERN });
  /** Puts the rule's target `target`. */
  const putTarget = async (target: Record<string, unknown>) => {
    const result = (await bridge.events.dispatch('PutTargets', { Rule: 'orders', Targets: [{ Id: 'target', ...target }] })) as { FailedEntryCount: number };
    expect(result.FailedEntryCount).toBe(0);
  };
  return { ...bridge, putTarget, ruleArn: bridge.cloud.arn('events', 'rule/orders') };
}

const attributesOf = (message: { attributes?: Record<string, { StringValue?: string }> }) =>
  Object.fromEntries(Object.entries(message.attributes ?? {}).map(([name, value]) => [name, value.StringValue]));

describe('TargetDeliveries: retries', () => {
  it('retries a failed delivery with growing backoff and delivers once the target recovers', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    await bridge.putTarget({ Arn: queueArn });
    bridge.targets.failNext(queueArn, throttled(), new AwsError('InternalError', 'boom', 500));
    const sleep = jest.spyOn(bridge.cloud, 'sleep');
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();

    expect(bridge.targets.bodiesTo(queueArn)).toEqual([expect.objectContaining({ detail: { orderId: 'o-1' } })]);
    expect(bridge.ofType('delivery.failed').map((a) => [a.attempt, a.errorCode])).toEqual([
      [1, 'THROTTLING'],
      [2, 'ERROR_FROM_TARGET'],
    ]);
    expect(bridge.ofType('delivery.succeeded').map((a) => a.attempt)).toEqual([3]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000, 2000]);
  });

  it('caps the backoff delay', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    await bridge.putTarget({ Arn: queueArn, RetryPolicy: { MaximumRetryAttempts: 12, MaximumEventAgeInSeconds: 86_400 } });
    bridge.targets.failAlways(queueArn, throttled());
    const sleep = jest.spyOn(bridge.cloud, 'sleep');
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    const delays = sleep.mock.calls.map(([ms]) => ms);
    expect(delays).toHaveLength(12);
    expect(delays.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(Math.max(...delays)).toBe(RETRY_BACKOFF_CAP_MS);
  });

  it('after MaximumRetryAttempts sends the ORIGINAL event to the DLQ with the attributes EventBridge adds', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    const dlqArn = bridge.queue('orders-dlq');
    await bridge.events.dispatch('PutTargets', {
      Rule: 'orders',
      Targets: [
        {
          Id: 'target',
          Arn: queueArn,
          // The DLQ gets the event, not the transformed input.
          InputTransformer: { InputPathsMap: { id: '$.detail.orderId' }, InputTemplate: '"order <id>"' },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: dlqArn },
        },
      ],
    });
    bridge.targets.failAlways(queueArn, throttled());
    const { Entries } = await bridge.events.putEvents([entry({ orderId: 'o-2' })]);
    await bridge.events.drain();

    expect(bridge.ofType('delivery.failed')).toHaveLength(3);
    const [message, ...others] = bridge.targets.messagesTo(dlqArn);
    expect(others).toEqual([]);
    expect(JSON.parse(message!.body)).toMatchObject({ id: Entries[0]!.EventId, source: 'shop.orders', detail: { orderId: 'o-2' } });
    expect(attributesOf(message!)).toEqual({
      RULE_ARN: bridge.ruleArn,
      TARGET_ARN: queueArn,
      ERROR_CODE: 'THROTTLING',
      ERROR_MESSAGE: 'Rate exceeded',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
    });
    expect(bridge.ofType('delivery.dead-lettered')).toEqual([expect.objectContaining({ eventId: Entries[0]!.EventId, deadLetterQueueArn: dlqArn })]);
  });

  it('stops retrying when the next retry would pass MaximumEventAgeInSeconds', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    const dlqArn = bridge.queue('orders-dlq');
    await bridge.putTarget({ Arn: queueArn, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: dlqArn } });
    bridge.targets.failAlways(queueArn, throttled());
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    // Backoff 1+2+4+8+16 s = 31 s waited; the next 32 s would make the event 63 s old.
    expect(bridge.ofType('delivery.failed')).toHaveLength(6);
    expect(attributesOf(bridge.targets.messagesTo(dlqArn)[0]!)).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
      RETRY_ATTEMPTS: '5',
    });
  });

  it('with MaximumRetryAttempts 0 tries once', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    await bridge.putTarget({ Arn: queueArn, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: bridge.queue('dlq') } });
    bridge.targets.failAlways(queueArn, throttled());
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.ofType('delivery.failed')).toHaveLength(1);
    expect(attributesOf(bridge.targets.messagesTo(bridge.queue('dlq'))[0]!)).toMatchObject({ RETRY_ATTEMPTS: '0', EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts' });
  });

  it('does not retry a target that does not exist: straight to the DLQ as NO_RESOURCE', async () => {
    const bridge = await setup();
    const fn = bridge.cloud.arn('lambda', 'function:gone');
    const dlqArn = bridge.queue('dlq');
    await bridge.putTarget({ Arn: fn, DeadLetterConfig: { Arn: dlqArn } });
    bridge.targets.failAlways(fn, missing('Function gone'));
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.ofType('delivery.failed')).toHaveLength(1);
    const attributes = attributesOf(bridge.targets.messagesTo(dlqArn)[0]!);
    expect(attributes).toMatchObject({ ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '0', ERROR_MESSAGE: 'Function gone does not exist' });
    expect(attributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
  });

  it('does not retry a target that refuses the request (4xx): straight to the DLQ as SDK_CLIENT_ERROR', async () => {
    const bridge = await setup();
    const machine = bridge.cloud.arn('states', 'stateMachine:saga');
    const dlqArn = bridge.queue('dlq');
    await bridge.putTarget({ Arn: machine, DeadLetterConfig: { Arn: dlqArn } });
    bridge.targets.failAlways(machine, new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input'));
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.ofType('delivery.failed')).toHaveLength(1);
    const attributes = attributesOf(bridge.targets.messagesTo(dlqArn)[0]!);
    expect(attributes).toMatchObject({ ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: 'Invalid State Machine Execution Input', RETRY_ATTEMPTS: '0' });
    expect(attributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
  });

  it('retries any 429 as throttling and any 5xx as an error from the target', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    await bridge.putTarget({ Arn: queueArn });
    bridge.targets.failNext(queueArn, new AwsError('SlowDown', 'Please slow down', 429), new AwsError('ServiceUnavailable', 'Try later', 503));
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.ofType('delivery.failed').map((a) => a.errorCode)).toEqual(['THROTTLING', 'ERROR_FROM_TARGET']);
    expect(bridge.ofType('delivery.succeeded').map((a) => a.attempt)).toEqual([3]);
  });

  it('drops the event when retries are exhausted and the target has no DLQ', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    await bridge.putTarget({ Arn: queueArn, RetryPolicy: { MaximumRetryAttempts: 1 } });
    bridge.targets.failAlways(queueArn, throttled());
    const { Entries } = await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.targets.messages).toEqual([]);
    expect(bridge.ofType('event.dropped')).toEqual([
      expect.objectContaining({ eventId: Entries[0]!.EventId, errorCode: 'THROTTLING', exhaustedRetryCondition: 'MaximumRetryAttempts' }),
    ]);
  });

  it('drops the event when even the DLQ refuses it', async () => {
    const bridge = await setup();
    const queueArn = bridge.queue('orders');
    const dlqArn = bridge.queue('dlq');
    await bridge.putTarget({ Arn: queueArn, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: dlqArn } });
    bridge.targets.failAlways(queueArn, throttled());
    bridge.targets.failAlways(dlqArn, new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.'));
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.ofType('delivery.dead-lettered')).toEqual([]);
    expect(bridge.ofType('event.dropped')).toEqual([expect.objectContaining({ reason: expect.stringContaining('dead-letter queue') })]);
  });
});

describe('TargetDeliveries: targets', () => {
  it('counts an accepted asynchronous Lambda invoke as delivered: a function error never reaches the rule DLQ', async () => {
    const bridge = await setup();
    const fn = bridge.cloud.arn('lambda', 'function:reserve');
    const dlqArn = bridge.queue('rule-dlq');
    await bridge.putTarget({ Arn: fn, DeadLetterConfig: { Arn: dlqArn } });
    bridge.targets.failFunction(fn);
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.targets.functionFailures).toHaveLength(1);
    expect(bridge.targets.messagesTo(dlqArn)).toEqual([]);
    expect(bridge.ofType('delivery.succeeded')).toHaveLength(1);
  });

  it('a refused Lambda invoke (throttled) is a delivery failure that is retried', async () => {
    const bridge = await setup();
    const fn = bridge.cloud.arn('lambda', 'function:reserve');
    await bridge.putTarget({ Arn: fn });
    bridge.targets.failNext(fn, new AwsError('TooManyRequestsException', 'Rate Exceeded.'));
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.ofType('delivery.failed').map((a) => a.errorCode)).toEqual(['THROTTLING']);
    expect(bridge.targets.invocations).toHaveLength(1);
  });

  it('passes the FIFO message group of SqsParameters and starts executions with the rendered input', async () => {
    const bridge = await setup();
    const fifo = bridge.queue('orders.fifo');
    const machine = bridge.cloud.arn('states', 'stateMachine:saga');
    await bridge.events.dispatch('PutTargets', {
      Rule: 'orders',
      Targets: [
        { Id: 'target', Arn: fifo, SqsParameters: { MessageGroupId: 'orders' } },
        { Id: 'saga', Arn: machine, InputPath: '$.detail' },
      ],
    });
    await bridge.events.putEvents([entry({ orderId: 'o-3' })]);
    await bridge.events.drain();
    expect(bridge.targets.messagesTo(fifo).map((message) => message.messageGroupId)).toEqual(['orders']);
    expect(bridge.targets.executions).toEqual([{ stateMachineArn: machine, input: JSON.stringify({ orderId: 'o-3' }) }]);
  });

  it('knows which target ARNs it can deliver to', () => {
    expect(targetServiceOf('arn:aws:sqs:us-east-1:000000000000:q')).toBe('sqs');
    expect(targetServiceOf('arn:aws:lambda:us-east-1:000000000000:function:f:live')).toBe('lambda');
    expect(targetServiceOf('arn:aws:states:us-east-1:000000000000:stateMachine:m')).toBe('states');
    expect(targetServiceOf('arn:aws:events:us-east-1:000000000000:event-bus/b')).toBe('events');
    expect(targetServiceOf('arn:aws:events:us-east-1:000000000000:rule/r')).toBeUndefined();
    expect(targetServiceOf('arn:aws:sns:us-east-1:000000000000:topic')).toBeUndefined();
    expect(targetServiceOf('my-queue')).toBeUndefined();
  });
});

describe('TargetDeliveries: drain and stop', () => {
  it('drain waits for deliveries started by other deliveries (bus to bus)', async () => {
    const bridge = await setup();
    await bridge.events.dispatch('CreateEventBus', { Name: 'audit' });
    await bridge.putTarget({ Arn: bridge.cloud.arn('events', 'event-bus/audit') });
    await bridge.events.dispatch('PutRule', { Name: 'all', EventBusName: 'audit', EventPattern: PATTERN });
    await bridge.events.dispatch('PutTargets', { Rule: 'all', EventBusName: 'audit', Targets: [{ Id: 'q', Arn: bridge.queue('audit') }] });
    bridge.targets.failNext(bridge.queue('audit'), throttled());
    await bridge.events.putEvents([entry()]);
    await bridge.events.drain();
    expect(bridge.targets.messagesTo(bridge.queue('audit'))).toHaveLength(1);
  });

  it('stop cancels pending retries: drain returns at once and the event is recorded as dropped', async () => {
    // Real AWS timings: the first retry would wait a whole second, the rest far longer.
    const bridge = await setup({ timeScale: 1 });
    const queueArn = bridge.queue('orders');
    await bridge.putTarget({ Arn: queueArn });
    bridge.targets.failAlways(queueArn, throttled());
    await bridge.events.putEvents([entry()]);
    while (bridge.ofType('delivery.failed').length === 0) await new Promise((resolve) => setImmediate(resolve));
    bridge.events.stop();
    await bridge.events.drain();
    expect(bridge.ofType('delivery.failed')).toHaveLength(1);
    expect(bridge.ofType('event.dropped')).toEqual([expect.objectContaining({ reason: expect.stringContaining('stopped') })]);
  });
});
