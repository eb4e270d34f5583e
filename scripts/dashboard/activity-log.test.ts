import type { CloudActivity } from '../../libs/local-cloud/src/cloud';
import { ActivityLog, eventKeys, isTimelineActivity } from './activity-log';
import { OrderIndex } from './orders';

const at = (service: CloudActivity['service'], type: string, extra: Record<string, unknown> = {}): CloudActivity => ({ service, type, time: '2026-01-01T00:00:00.000Z', ...extra });
const received = (eventId: string, detailType: string, orderId: string) =>
  at('events', 'event.received', { eventId, source: 'shop.orders', detailType, detail: { metadata: { id: `m-${eventId}`, correlationId: `c-${orderId}` }, data: { orderId } } });

describe('the activity log', () => {
  it('keeps what the timeline shows: the bus, Lambda retries and destinations, DLQ moves, executions opening and closing', () => {
    const kept = [
      at('events', 'delivery.failed'),
      at('lambda', 'async.retry-scheduled'),
      at('lambda', 'destination.sent'),
      at('sqs', 'message.dead-lettered'),
      at('states', 'execution.started'),
    ];
    const dropped = [at('dynamodb', 'operation'), at('sqs', 'message.sent'), at('states', 'state.entered'), at('lambda', 'invocation.started'), at('schemas', 'schema.created')];
    expect(kept.map(isTimelineActivity)).toEqual(kept.map(() => true));
    expect(dropped.map(isTimelineActivity)).toEqual(dropped.map(() => false));
  });

  it('numbers entries and answers what came after a sequence number, oldest first', () => {
    const log = new ActivityLog(10);
    expect(log.add(at('dynamodb', 'operation'))).toBeUndefined();
    for (const id of ['a', 'b', 'c']) log.add(at('events', 'rule.matched', { eventId: id }));
    expect(log.lastSeq).toBe(3);
    expect(log.after(0).map((a) => [a.seq, a.eventId])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(log.after(2).map((a) => a.eventId)).toEqual(['c']);
    expect(log.after(3)).toEqual([]);
    expect(log.after(0, 2).map((a) => a.seq)).toEqual([1, 2]);
  });

  it('is bounded: past its capacity the oldest entries go, and a late poller resumes from the oldest held', () => {
    const log = new ActivityLog(3);
    for (let i = 1; i <= 7; i++) log.add(at('events', 'rule.matched', { eventId: `e${i}` }));
    expect(log.firstSeq).toBe(5);
    expect(log.after(0).map((a) => a.eventId)).toEqual(['e5', 'e6', 'e7']);
    expect(log.after(5).map((a) => a.eventId)).toEqual(['e6', 'e7']);
    expect(() => new ActivityLog(0)).toThrow('capacity');
  });

  it('names the order and correlation of a bus event from its detail', () => {
    const log = new ActivityLog();
    expect(log.add(received('e1', 'OrderPlaced.v2', 'o-1'))).toMatchObject({ seq: 1, orderId: 'o-1', correlationId: 'c-o-1' });
    expect(eventKeys({ data: { orderId: 42 } })).toEqual({});
    expect(eventKeys(undefined)).toEqual({});
  });
});

describe('the order index', () => {
  it('lists the orders placed on the bus newest first, and finds every event about one with its deliveries', () => {
    const log = new ActivityLog();
    const orders = new OrderIndex();
    const feed = (activity: CloudActivity) => {
      const logged = log.add(activity);
      if (logged) orders.observe(logged);
    };
    feed(received('e1', 'OrderPlaced.v1', 'o-1'));
    feed(received('e2', 'OrderPlaced.v2', 'o-1'));
    feed(at('events', 'delivery.succeeded', { eventId: 'e2', targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:pay' }));
    feed(received('e3', 'PaymentCompleted.v1', 'o-1'));
    feed(received('e4', 'OrderPlaced.v2', 'o-2'));
    feed(received('e5', 'PaymentCompleted.v1', 'o-3')); // never placed on this bus: not listed

    expect(orders.list(10).map((o) => o.orderId)).toEqual(['o-2', 'o-1']);
    expect(orders.list(1).map((o) => o.orderId)).toEqual(['o-2']);
    expect(orders.list(10)[1]).toEqual({ orderId: 'o-1', placedAt: '2026-01-01T00:00:00.000Z', correlationId: 'c-o-1' });
    expect(orders.has('o-3')).toBe(false);
    expect(orders.activity(log, 'o-1').map((a) => [a.type, a.eventId])).toEqual([
      ['event.received', 'e1'],
      ['event.received', 'e2'],
      ['delivery.succeeded', 'e2'],
      ['event.received', 'e3'],
    ]);
  });
});
