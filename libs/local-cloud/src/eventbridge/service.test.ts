import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceNotFoundException,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../index';
import { LocalCloudServer } from '../server';
import { EventBridgeService } from './service';
import { putEventsEntrySize, MAX_PUT_EVENTS_SIZE_BYTES } from './limits';
import { awsErrorOf, testEventBridge } from './test-cloud';

const ORDER_PATTERN = JSON.stringify({ source: ['shop.orders'], 'detail-type': ['OrderPlaced.v1'] });
const orderPlaced = (detail: Record<string, unknown> = { orderId: 'o-1' }, extra: Record<string, unknown> = {}) => ({
  Source: 'shop.orders',
  DetailType: 'OrderPlaced.v1',
  Detail: JSON.stringify(detail),
  ...extra,
});

describe('EventBridgeService: event buses', () => {
  it('always has the default bus and creates, lists, describes and deletes custom ones', async () => {
    const { events, cloud } = testEventBridge();
    expect(await events.dispatch('DescribeEventBus', {})).toMatchObject({ Name: 'default', Arn: cloud.arn('events', 'event-bus/default') });
    expect(await events.dispatch('CreateEventBus', { Name: 'shop', Description: 'the shop bus' })).toEqual({
      EventBusArn: cloud.arn('events', 'event-bus/shop'),
      Description: 'the shop bus',
    });
    const listed = (await events.dispatch('ListEventBuses', {})) as { EventBuses: Array<{ Name: string }> };
    expect(listed.EventBuses.map((bus) => bus.Name)).toEqual(['default', 'shop']);
    expect(await events.dispatch('DescribeEventBus', { Name: cloud.arn('events', 'event-bus/shop') })).toMatchObject({ Name: 'shop' });
    await events.dispatch('DeleteEventBus', { Name: 'shop' });
    expect((await awsErrorOf(events.dispatch('DescribeEventBus', { Name: 'shop' }))).code).toBe('ResourceNotFoundException');
  });

  it('refuses a duplicate bus, a name with a slash and deleting the default bus', async () => {
    const { events } = testEventBridge();
    await events.dispatch('CreateEventBus', { Name: 'shop' });
    expect((await awsErrorOf(events.dispatch('CreateEventBus', { Name: 'shop' }))).code).toBe('ResourceAlreadyExistsException');
    expect((await awsErrorOf(events.dispatch('CreateEventBus', { Name: 'default' }))).code).toBe('ResourceAlreadyExistsException');
    expect((await awsErrorOf(events.dispatch('CreateEventBus', { Name: 'a/b' }))).code).toBe('ValidationException');
    expect((await awsErrorOf(events.dispatch('DeleteEventBus', { Name: 'default' }))).code).toBe('ValidationException');
  });

  it('deleting a bus deletes its rules', async () => {
    const { events } = testEventBridge();
    await events.dispatch('CreateEventBus', { Name: 'shop' });
    await events.dispatch('PutRule', { Name: 'r', EventBusName: 'shop', EventPattern: ORDER_PATTERN });
    await events.dispatch('DeleteEventBus', { Name: 'shop' });
    await events.dispatch('CreateEventBus', { Name: 'shop' });
    expect(await events.dispatch('ListRules', { EventBusName: 'shop' })).toMatchObject({ Rules: [] });
  });

  it('stores the bus policy of PutPermission and removes statements by id', async () => {
    const { events, cloud } = testEventBridge();
    await events.dispatch('PutPermission', { StatementId: 'partner', Action: 'events:PutEvents', Principal: '111122223333' });
    const policy = JSON.parse(((await events.dispatch('DescribeEventBus', {})) as { Policy: string }).Policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'partner',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'events:PutEvents',
        Resource: cloud.arn('events', 'event-bus/default'),
      },
    ]);
    expect((await awsErrorOf(events.dispatch('RemovePermission', { StatementId: 'other' }))).code).toBe('ResourceNotFoundException');
    await events.dispatch('RemovePermission', { StatementId: 'partner' });
    expect(await events.dispatch('DescribeEventBus', {})).not.toHaveProperty('Policy', expect.anything());
  });
});

describe('EventBridgeService: rules', () => {
  it('names rule ARNs after their bus, describes and lists them by prefix, bus and page', async () => {
    const { events, cloud } = testEventBridge();
    await events.dispatch('CreateEventBus', { Name: 'shop' });
    expect(await events.dispatch('PutRule', { Name: 'on-default', EventPattern: ORDER_PATTERN })).toEqual({
      RuleArn: cloud.arn('events', 'rule/on-default'),
    });
    for (const name of ['orders-a', 'orders-b', 'payments']) {
      await events.dispatch('PutRule', { Name: name, EventBusName: 'shop', EventPattern: ORDER_PATTERN, Description: name });
    }
    expect(await events.dispatch('DescribeRule', { Name: 'orders-b', EventBusName: 'shop' })).toMatchObject({
      Name: 'orders-b',
      Arn: cloud.arn('events', 'rule/shop/orders-b'),
      EventPattern: ORDER_PATTERN,
      State: 'ENABLED',
      EventBusName: 'shop',
      Description: 'orders-b',
    });
    const byPrefix = (await events.dispatch('ListRules', { EventBusName: 'shop', NamePrefix: 'orders' })) as { Rules: Array<{ Name: string }> };
    expect(byPrefix.Rules.map((rule) => rule.Name)).toEqual(['orders-a', 'orders-b']);
    const first = (await events.dispatch('ListRules', { EventBusName: 'shop', Limit: 2 })) as { Rules: Array<{ Name: string }>; NextToken?: string };
    expect(first.Rules.map((rule) => rule.Name)).toEqual(['orders-a', 'orders-b']);
    const second = (await events.dispatch('ListRules', { EventBusName: 'shop', Limit: 2, NextToken: first.NextToken })) as {
      Rules: Array<{ Name: string }>;
      NextToken?: string;
    };
    expect(second).toEqual({ Rules: [expect.objectContaining({ Name: 'payments' })], NextToken: undefined });
  });

  it('rejects an invalid pattern, a missing pattern, bad states and unknown buses or rules', async () => {
    const { events } = testEventBridge();
    expect((await awsErrorOf(events.dispatch('PutRule', { Name: 'r', EventPattern: '{"source": "not-an-array"}' }))).code).toBe(
      'InvalidEventPatternException',
    );
    expect((await awsErrorOf(events.dispatch('PutRule', { Name: 'r' }))).code).toBe('ValidationException');
    expect((await awsErrorOf(events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN, State: 'ON' }))).code).toBe('ValidationException');
    expect((await awsErrorOf(events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN, EventBusName: 'nope' }))).code).toBe(
      'ResourceNotFoundException',
    );
    expect((await awsErrorOf(events.dispatch('DescribeRule', { Name: 'missing' }))).message).toBe('Rule missing does not exist on EventBus default.');
  });

  it('keeps the targets of a rule that PutRule updates', async () => {
    const { events, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'r', Targets: [{ Id: 'q', Arn: queue('q') }] });
    await events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN, State: 'DISABLED' });
    expect(await events.dispatch('ListTargetsByRule', { Rule: 'r' })).toMatchObject({ Targets: [{ Id: 'q' }] });
    expect(await events.dispatch('DescribeRule', { Name: 'r' })).toMatchObject({ State: 'DISABLED' });
  });

  it("refuses to delete a rule that still has targets, as AWS does, and deletes it once they're removed", async () => {
    const { events, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'r', Targets: [{ Id: 'q', Arn: queue('q') }] });
    const error = await awsErrorOf(events.dispatch('DeleteRule', { Name: 'r' }));
    expect([error.code, error.message]).toEqual(['ValidationException', "Rule can't be deleted since it has targets."]);
    await events.dispatch('RemoveTargets', { Rule: 'r', Ids: ['q'] });
    await events.dispatch('DeleteRule', { Name: 'r' });
    expect((await awsErrorOf(events.dispatch('DescribeRule', { Name: 'r' }))).code).toBe('ResourceNotFoundException');
  });

  it('answers TestEventPattern and checks the event has the mandatory fields', async () => {
    const { events } = testEventBridge();
    const event = { id: '1', account: '000000000000', source: 'shop.orders', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], 'detail-type': 'OrderPlaced.v1', detail: {} };
    expect(await events.dispatch('TestEventPattern', { EventPattern: ORDER_PATTERN, Event: JSON.stringify(event) })).toEqual({ Result: true });
    expect(await events.dispatch('TestEventPattern', { EventPattern: ORDER_PATTERN, Event: JSON.stringify({ ...event, source: 'x' }) })).toEqual({
      Result: false,
    });
    const { id: _id, ...withoutId } = event;
    expect((await awsErrorOf(events.dispatch('TestEventPattern', { EventPattern: ORDER_PATTERN, Event: JSON.stringify(withoutId) }))).code).toBe(
      'ValidationException',
    );
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const { events } = testEventBridge();
    expect((await awsErrorOf(events.dispatch('CreateConnection', {}))).code).toBe('UnknownOperationException');
  });
});

describe('EventBridgeService: targets', () => {
  it('allows at most 5 targets per rule (LimitExceededException for the whole call)', async () => {
    const { events, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN });
    const targets = (ids: number[]) => ids.map((n) => ({ Id: `t${n}`, Arn: queue(`q${n}`) }));
    await events.dispatch('PutTargets', { Rule: 'r', Targets: targets([1, 2, 3, 4]) });
    expect(await events.dispatch('PutTargets', { Rule: 'r', Targets: targets([1, 5]) })).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    const error = await awsErrorOf(events.dispatch('PutTargets', { Rule: 'r', Targets: targets([6]) }));
    expect([error.code, error.message]).toEqual(['LimitExceededException', 'The requested resource exceeds the maximum number allowed.']);
    expect(((await events.dispatch('ListTargetsByRule', { Rule: 'r' })) as { Targets: unknown[] }).Targets).toHaveLength(5);
  });

  it('rejects out-of-range retry policies and bad ids for the whole call', async () => {
    const { events, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN });
    for (const RetryPolicy of [{ MaximumRetryAttempts: 186 }, { MaximumRetryAttempts: -1 }, { MaximumEventAgeInSeconds: 59 }, { MaximumEventAgeInSeconds: 86_401 }]) {
      const error = await awsErrorOf(events.dispatch('PutTargets', { Rule: 'r', Targets: [{ Id: 'ok', Arn: queue('q'), RetryPolicy }] }));
      expect(error.code).toBe('ValidationException');
    }
    expect((await awsErrorOf(events.dispatch('PutTargets', { Rule: 'r', Targets: [{ Id: 'bad id', Arn: queue('q') }] }))).code).toBe(
      'ValidationException',
    );
    expect(await events.dispatch('ListTargetsByRule', { Rule: 'r' })).toEqual({ Targets: [], NextToken: undefined });
  });

  it('reports targets it cannot deliver to, non-SQS DLQs and invalid input configurations in FailedEntries', async () => {
    const { events, queue, cloud } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'r', EventPattern: ORDER_PATTERN });
    const result = (await events.dispatch('PutTargets', {
      Rule: 'r',
      Targets: [
        { Id: 'sns', Arn: cloud.arn('sns', 'topic') },
        { Id: 'dlq', Arn: queue('q'), DeadLetterConfig: { Arn: cloud.arn('sns', 'topic') } },
        { Id: 'input', Arn: queue('q'), Input: 'not json' },
        { Id: 'good', Arn: queue('q'), RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: queue('dlq') } },
      ],
    })) as { FailedEntryCount: number; FailedEntries: Array<{ TargetId: string; ErrorCode: string }> };
    expect(result.FailedEntryCount).toBe(3);
    expect(result.FailedEntries.map((entry) => [entry.TargetId, entry.ErrorCode])).toEqual([
      ['sns', 'ValidationException'],
      ['dlq', 'ValidationException'],
      ['input', 'ValidationException'],
    ]);
    expect(await events.dispatch('ListTargetsByRule', { Rule: 'r' })).toEqual({
      Targets: [{ Id: 'good', Arn: queue('q'), RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: queue('dlq') } }],
      NextToken: undefined,
    });
  });
});

describe('EventBridgeService: PutEvents', () => {
  it('delivers a matching event to every target of every enabled matching rule, and nothing else', async () => {
    const { events, targets, queue, cloud } = testEventBridge();
    const fn = cloud.arn('lambda', 'function:reserve');
    const machine = cloud.arn('states', 'stateMachine:order-saga');
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', {
      Rule: 'orders',
      Targets: [
        { Id: 'queue', Arn: queue('orders') },
        { Id: 'fn', Arn: fn },
        { Id: 'saga', Arn: machine },
      ],
    });
    await events.dispatch('PutRule', { Name: 'payments', EventPattern: JSON.stringify({ source: ['shop.payments'] }) });
    await events.dispatch('PutTargets', { Rule: 'payments', Targets: [{ Id: 'queue', Arn: queue('payments') }] });

    const { Entries } = await events.putEvents([orderPlaced({ orderId: 'o-1' })]);
    await events.drain();

    const [delivered] = targets.bodiesTo(queue('orders')) as Array<Record<string, unknown>>;
    expect(delivered).toMatchObject({ id: Entries[0]!.EventId, source: 'shop.orders', 'detail-type': 'OrderPlaced.v1', detail: { orderId: 'o-1' } });
    expect(targets.invocations.map((call) => [call.functionArn, JSON.parse(call.payload).id])).toEqual([[fn, Entries[0]!.EventId]]);
    expect(targets.executions.map((run) => [run.stateMachineArn, JSON.parse(run.input!).id])).toEqual([[machine, Entries[0]!.EventId]]);
    expect(targets.messagesTo(queue('payments'))).toEqual([]);
  });

  it('skips disabled rules and delivers again once they are re-enabled', async () => {
    const { events, targets, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN, State: 'DISABLED' });
    await events.dispatch('PutTargets', { Rule: 'orders', Targets: [{ Id: 'queue', Arn: queue('orders') }] });
    await events.putEvents([orderPlaced({ n: 1 })]);
    await events.drain();
    expect(targets.messagesTo(queue('orders'))).toEqual([]);
    await events.dispatch('EnableRule', { Name: 'orders' });
    await events.putEvents([orderPlaced({ n: 2 })]);
    await events.dispatch('DisableRule', { Name: 'orders' });
    await events.putEvents([orderPlaced({ n: 3 })]);
    await events.drain();
    expect(targets.bodiesTo(queue('orders'))).toEqual([expect.objectContaining({ detail: { n: 2 } })]);
  });

  it('builds the AWS event envelope: account, region, second-precision time, resources', async () => {
    const { events, targets, queue, cloud } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'orders', Targets: [{ Id: 'queue', Arn: queue('orders') }] });
    // The JSON protocol carries Time as epoch seconds.
    await events.dispatch('PutEvents', { Entries: [orderPlaced({ a: 1 }, { Time: 1767225600.789, Resources: ['arn:aws:shop:order/o-1'] })] });
    await events.putEvents([orderPlaced({ a: 2 })]);
    await events.drain();
    const [first, second] = targets.bodiesTo(queue('orders')) as Array<Record<string, unknown>>;
    expect(Object.keys(first!).sort()).toEqual(['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
    expect(first).toMatchObject({
      version: '0',
      account: cloud.accountId,
      region: cloud.region,
      time: '2026-01-01T00:00:00Z',
      resources: ['arn:aws:shop:order/o-1'],
    });
    expect(second!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(second!.resources).toEqual([]);
  });

  it('gives every PutEvents call a new event id, even for the same entry', async () => {
    const { events, targets, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'orders', Targets: [{ Id: 'queue', Arn: queue('orders') }] });
    const entry = orderPlaced({ metadata: { id: 'same-producer-id' } });
    const first = await events.putEvents([entry]);
    const second = await events.putEvents([entry]);
    await events.drain();
    expect(first.Entries[0]!.EventId).not.toBe(second.Entries[0]!.EventId);
    expect((targets.bodiesTo(queue('orders')) as Array<{ id: string }>).map((event) => event.id)).toEqual([
      first.Entries[0]!.EventId,
      second.Entries[0]!.EventId,
    ]);
  });

  it('fails invalid entries one by one and still puts the valid ones', async () => {
    const { events, targets, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'orders', Targets: [{ Id: 'queue', Arn: queue('orders') }] });
    const result = await events.putEvents([
      orderPlaced({ ok: 1 }),
      { DetailType: 'OrderPlaced.v1', Detail: '{}' },
      { Source: 'shop.orders', Detail: '{}' },
      { Source: 'shop.orders', DetailType: 'OrderPlaced.v1' },
      { Source: 'shop.orders', DetailType: 'OrderPlaced.v1', Detail: '{not json' },
      { Source: 'shop.orders', DetailType: 'OrderPlaced.v1', Detail: '[1, 2]' },
      orderPlaced({}, { EventBusName: 'no-such-bus' }),
      orderPlaced({ ok: 2 }),
    ]);
    expect(result.FailedEntryCount).toBe(6);
    expect(result.Entries.map((entry) => entry.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'ok',
    ]);
    expect(result.Entries[1]!.ErrorMessage).toMatch(/Source/);
    expect(result.Entries[6]!.ErrorMessage).toMatch(/no-such-bus/);
    expect(result.Entries[7]!.EventId).toEqual(expect.any(String));
    await events.drain();
    expect(targets.bodiesTo(queue('orders'))).toEqual([expect.objectContaining({ detail: { ok: 1 } }), expect.objectContaining({ detail: { ok: 2 } })]);
  });

  it('refuses a caller an aws. source (NotAuthorizedForSourceException), but not an AWS service, and faults strike only callers', async () => {
    const { events, cloud, targets, queue } = testEventBridge();
    const pattern = JSON.stringify({ source: ['aws.states'] });
    await events.dispatch('PutRule', { Name: 'states', EventPattern: pattern });
    await events.dispatch('PutTargets', { Rule: 'states', Targets: [{ Id: 'queue', Arn: queue('states') }] });
    const statusChange = { Source: 'aws.states', DetailType: 'Step Functions Execution Status Change', Detail: '{"status":"FAILED"}' };

    const byCaller = await events.putEvents([statusChange, { ...statusChange, Source: 'aws-like.states' }]);
    expect(byCaller.Entries[0]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
    expect(byCaller.Entries[1]!.EventId).toEqual(expect.any(String));

    cloud.faults.set({ putEvents: 1 });
    expect((await events.putEvents([orderPlaced()])).FailedEntryCount).toBe(1);
    expect(await events.putEvents([statusChange], { awsService: true })).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    await events.drain();
    expect(targets.bodiesTo(queue('states'))).toEqual([expect.objectContaining({ source: 'aws.states', detail: { status: 'FAILED' } })]);
  });

  it('rejects the whole call for more than 10 entries or entries over the size limit, putting nothing', async () => {
    const { events, ofType } = testEventBridge();
    const eleven = Array.from({ length: 11 }, (_, n) => orderPlaced({ n }));
    expect((await awsErrorOf(events.putEvents(eleven))).code).toBe('ValidationException');
    expect((await events.putEvents(eleven.slice(0, 10))).FailedEntryCount).toBe(0);

    const fixed = putEventsEntrySize(orderPlaced({ pad: '' }));
    const exactly = orderPlaced({ pad: 'x'.repeat(MAX_PUT_EVENTS_SIZE_BYTES - fixed) });
    expect(putEventsEntrySize(exactly)).toBe(MAX_PUT_EVENTS_SIZE_BYTES);
    expect((await events.putEvents([exactly])).FailedEntryCount).toBe(0);
    const over = orderPlaced({ pad: 'x'.repeat(MAX_PUT_EVENTS_SIZE_BYTES - fixed + 1) });
    const error = await awsErrorOf(events.putEvents([over]));
    expect([error.code, error.message]).toEqual(['ValidationException', 'Total size of the entries in the request is over the limit.']);
    expect((await awsErrorOf(events.putEvents([orderPlaced({ pad: 'x'.repeat(MAX_PUT_EVENTS_SIZE_BYTES / 2) }), orderPlaced({ pad: 'x'.repeat(MAX_PUT_EVENTS_SIZE_BYTES / 2) })]))).code).toBe(
      'ValidationException',
    );
    expect(ofType('event.received')).toHaveLength(11);
  });

  it('computes entry sizes as AWS documents: Time 14 bytes, UTF-8 bytes of the text members', () => {
    expect(putEventsEntrySize({ Source: 'é', DetailType: 'ab', Detail: '{}', Resources: ['r1', '€'] })).toBe(2 + 2 + 2 + 2 + 3);
    expect(putEventsEntrySize({ Source: 'a', DetailType: 'b', Detail: '{}', Time: new Date() })).toBe(14 + 1 + 1 + 2);
  });

  it('accepts the bus as a name or an ARN, and events on one bus never reach another bus rules', async () => {
    const { events, targets, queue, cloud } = testEventBridge();
    await events.dispatch('CreateEventBus', { Name: 'shop' });
    await events.dispatch('PutRule', { Name: 'shop-orders', EventBusName: cloud.arn('events', 'event-bus/shop'), EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'shop-orders', EventBusName: 'shop', Targets: [{ Id: 'queue', Arn: queue('shop') }] });
    await events.dispatch('PutRule', { Name: 'default-orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'default-orders', Targets: [{ Id: 'queue', Arn: queue('default') }] });
    await events.putEvents([orderPlaced({ via: 'name' }, { EventBusName: 'shop' }), orderPlaced({ via: 'arn' }, { EventBusName: cloud.arn('events', 'event-bus/shop') })]);
    await events.drain();
    expect((targets.bodiesTo(queue('shop')) as Array<{ detail: unknown }>).map((event) => event.detail)).toEqual([{ via: 'name' }, { via: 'arn' }]);
    expect(targets.messagesTo(queue('default'))).toEqual([]);
  });

  it('delivers the text an InputTransformer renders, and Input / InputPath as configured', async () => {
    const { events, targets, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', {
      Rule: 'orders',
      Targets: [
        {
          Id: 'transformed',
          Arn: queue('transformed'),
          InputTransformer: { InputPathsMap: { order: '$.detail.orderId', type: '$.detail-type' }, InputTemplate: '{"order": <order>, "kind": "<type>"}' },
        },
        { Id: 'constant', Arn: queue('constant'), Input: '{"fixed": true}' },
        { Id: 'path', Arn: queue('path'), InputPath: '$.detail' },
      ],
    });
    await events.putEvents([orderPlaced({ orderId: 'o-7' })]);
    await events.drain();
    expect(targets.bodiesTo(queue('transformed'))).toEqual([{ order: 'o-7', kind: 'OrderPlaced.v1' }]);
    expect(targets.bodiesTo(queue('constant'))).toEqual([{ fixed: true }]);
    expect(targets.bodiesTo(queue('path'))).toEqual([{ orderId: 'o-7' }]);
  });

  it('puts the event on another bus when the target is an event bus', async () => {
    const { events, targets, queue, cloud } = testEventBridge();
    await events.dispatch('CreateEventBus', { Name: 'audit' });
    await events.dispatch('PutRule', { Name: 'to-audit', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'to-audit', Targets: [{ Id: 'bus', Arn: cloud.arn('events', 'event-bus/audit') }] });
    await events.dispatch('PutRule', { Name: 'audit-all', EventBusName: 'audit', EventPattern: JSON.stringify({ source: ['shop.orders'] }) });
    await events.dispatch('PutTargets', { Rule: 'audit-all', EventBusName: 'audit', Targets: [{ Id: 'q', Arn: queue('audit') }] });
    await events.putEvents([orderPlaced({ orderId: 'o-9' }, { Resources: ['r-1'] })]);
    await events.drain();
    expect(targets.bodiesTo(queue('audit'))).toEqual([
      expect.objectContaining({ source: 'shop.orders', 'detail-type': 'OrderPlaced.v1', detail: { orderId: 'o-9' }, resources: ['r-1'] }),
    ]);
  });

  it('records what happened to each event for observability', async () => {
    const { events, queue, activity } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'orders', Targets: [{ Id: 'queue', Arn: queue('orders') }] });
    const { Entries } = await events.putEvents([orderPlaced()]);
    await events.drain();
    expect(activity.map((entry) => [entry.service, entry.type, entry.eventId])).toEqual([
      ['events', 'event.received', Entries[0]!.EventId],
      ['events', 'rule.matched', Entries[0]!.EventId],
      ['events', 'delivery.succeeded', Entries[0]!.EventId],
    ]);
  });

  it('answers PutEvents before any target is called', async () => {
    const { events, targets, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'orders', EventPattern: ORDER_PATTERN });
    await events.dispatch('PutTargets', { Rule: 'orders', Targets: [{ Id: 'queue', Arn: queue('orders') }] });
    await events.putEvents([orderPlaced()]);
    expect(targets.messages).toHaveLength(0);
    await events.drain();
    expect(targets.messages).toHaveLength(1);
  });
});

describe('EventBridgeService through @aws-sdk/client-eventbridge', () => {
  const bridge = testEventBridge();
  const server = new LocalCloudServer();
  let client: EventBridgeClient;

  beforeAll(async () => {
    server.registerJsonService({
      targetPrefix: 'AWSEvents',
      signingName: 'events',
      contentType: 'application/x-amz-json-1.1',
      dispatch: (operation, input) => bridge.events.dispatch(operation, input),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    client = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: bridge.cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('creates a bus, rule and target, puts an event and replays it, with AWS shapes on the wire', async () => {
    const { EventBusArn } = await client.send(new CreateEventBusCommand({ Name: 'sdk' }));
    await client.send(new PutRuleCommand({ Name: 'orders', EventBusName: 'sdk', EventPattern: ORDER_PATTERN }));
    const put = await client.send(
      new PutTargetsCommand({ Rule: 'orders', EventBusName: 'sdk', Targets: [{ Id: 'q', Arn: bridge.queue('sdk'), RetryPolicy: { MaximumRetryAttempts: 3 } }] }),
    );
    expect(put.FailedEntryCount).toBe(0);
    expect(await client.send(new DescribeRuleCommand({ Name: 'orders', EventBusName: EventBusArn }))).toMatchObject({
      Name: 'orders',
      State: 'ENABLED',
      EventBusName: 'sdk',
    });
    const { ArchiveArn } = await client.send(new CreateArchiveCommand({ ArchiveName: 'sdk-archive', EventSourceArn: EventBusArn }));

    const time = new Date('2026-02-01T10:00:00Z');
    const result = await client.send(
      new PutEventsCommand({ Entries: [{ ...orderPlaced({ orderId: 'o-sdk' }), EventBusName: 'sdk', Time: time }, { Source: 'shop.orders', EventBusName: 'sdk' }] }),
    );
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    await bridge.events.drain();
    expect(bridge.targets.bodiesTo(bridge.queue('sdk'))).toEqual([
      expect.objectContaining({ id: result.Entries?.[0]?.EventId, time: '2026-02-01T10:00:00Z', detail: { orderId: 'o-sdk' } }),
    ]);

    await client.send(
      new StartReplayCommand({
        ReplayName: 'sdk-replay',
        EventSourceArn: ArchiveArn,
        EventStartTime: new Date('2026-02-01T09:00:00Z'),
        EventEndTime: new Date('2026-02-01T11:00:00Z'),
        Destination: { Arn: EventBusArn },
      }),
    );
    await bridge.events.drain();
    const replay = await client.send(new DescribeReplayCommand({ ReplayName: 'sdk-replay' }));
    expect(replay.State).toBe('COMPLETED');
    expect(replay.EventLastReplayedTime).toEqual(time);
    expect(bridge.targets.bodiesTo(bridge.queue('sdk'))).toHaveLength(2);
  });

  it('answers errors the SDK maps to its exception classes', async () => {
    await expect(client.send(new DescribeRuleCommand({ Name: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('EventBridge in startLocalCloud: SDK clients end to end', () => {
  let local: LocalCloud;
  const config = () => ({ endpoint: local.url, region: local.cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

  beforeAll(async () => {
    // The fixture declares no roles or policies: IAM is off here; its checks between services are tested in iam/.
    local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
  });

  afterAll(async () => {
    await local.stop();
  });

  it('delivers a PutEvents event to a real emulated SQS queue', async () => {
    const events = new EventBridgeClient(config());
    const sqs = new SQSClient(config());
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'eb-orders' }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await events.send(new PutRuleCommand({ Name: 'orders', EventPattern: ORDER_PATTERN }));
      await events.send(new PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'q', Arn: Attributes!.QueueArn! }] }));
      const { Entries } = await events.send(new PutEventsCommand({ Entries: [orderPlaced({ orderId: 'o-e2e' })] }));
      expect(local.cloud.events).toBeInstanceOf(EventBridgeService);
      await (local.cloud.events as EventBridgeService).drain();
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(Messages?.map((message) => JSON.parse(message.Body!))).toEqual([
        expect.objectContaining({ id: Entries?.[0]?.EventId, detail: { orderId: 'o-e2e' } }),
      ]);
    } finally {
      events.destroy();
      sqs.destroy();
    }
  });
});
