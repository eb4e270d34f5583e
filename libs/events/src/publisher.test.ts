import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { catalog } from './catalog';
import { createEvent, type DomainEvent } from './envelope';
import { MAX_PUT_EVENTS_SIZE_BYTES, putEventsEntrySize } from '@shop/aws-limits';
import { batches, EventPublisher, EventTooLargeError, PublishError } from './publisher';
import { EventValidationError } from './validation';

type Entry = { Detail: string; DetailType: string; Source: string; EventBusName: string };
type Answer = (entries: Entry[], call: number) => { ErrorCode?: string; ErrorMessage?: string }[] | Error;

/** A fake EventBridge client (unit test of the publisher adapter): records calls, answers per entry. */
function fakeClient(answer: Answer) {
  const calls: Entry[][] = [];
  return {
    calls,
    async send(command: PutEventsCommand) {
      const entries = command.input.Entries as Entry[];
      calls.push(entries);
      const result = answer(entries, calls.length);
      if (result instanceof Error) throw result;
      const failed = result.filter((r) => r.ErrorCode).length;
      return { FailedEntryCount: failed, Entries: result.map((r, i) => (r.ErrorCode ? r : { EventId: `eb-${calls.length}-${i}` })) };
    },
  };
}

const completed = (n: number): DomainEvent[] =>
  Array.from({ length: n }, () =>
    createEvent('PaymentCompleted.v1', structuredClone((catalog['PaymentCompleted.v1'].examples[0] as any).data), { service: 'payments' }),
  );
const idOf = (entry: Entry) => JSON.parse(entry.Detail).metadata.id as string;
const noSleep = async () => {};

describe('EventPublisher', () => {
  it('puts events in batches of at most 10 entries, on the configured bus', async () => {
    const client = fakeClient((entries) => entries.map(() => ({})));
    const events = completed(23);
    const result = await new EventPublisher({ eventBusName: 'shop-bus', client, sleep: noSleep }).publish(events);
    expect(client.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(client.calls.flat().every((e) => e.EventBusName === 'shop-bus' && e.Source === 'shop.payments' && e.DetailType === 'PaymentCompleted.v1')).toBe(true);
    expect(result.published).toEqual(events.map((e) => e.detail.metadata.id));
  });

  it('retries only the entries that failed, keeping their metadata.id', async () => {
    const events = completed(4);
    const flaky = events[1]!.detail.metadata.id;
    const client = fakeClient((entries, call) =>
      entries.map((e) => (call === 1 && idOf(e) === flaky ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : {})),
    );
    const result = await new EventPublisher({ eventBusName: 'b', client, sleep: noSleep }).publish(events);
    expect(client.calls).toHaveLength(2);
    expect(client.calls[1]!.map(idOf)).toEqual([flaky]);
    expect(result.published.sort()).toEqual(events.map((e) => e.detail.metadata.id).sort());
  });

  it('throws a PublishError naming the events it could not put after its attempts, and which were put', async () => {
    const events = completed(3);
    const stuck = events[2]!.detail.metadata.id;
    const client = fakeClient((entries) => entries.map((e) => (idOf(e) === stuck ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' } : {})));
    const publisher = new EventPublisher({ eventBusName: 'b', client, sleep: noSleep, maxAttempts: 3 });
    const error = (await publisher.publish(events).catch((e: unknown) => e)) as PublishError;
    expect(error).toBeInstanceOf(PublishError);
    expect(error.failed).toEqual([{ id: stuck, detailType: 'PaymentCompleted.v1', errorCode: 'ThrottlingException', errorMessage: 'slow down' }]);
    expect(error.published.sort()).toEqual([events[0]!, events[1]!].map((e) => e.detail.metadata.id).sort());
    expect(error.message).toContain(stuck);
    expect(client.calls.map((c) => c.length)).toEqual([3, 1, 1]);
  });

  it('does not retry entries that cannot succeed', async () => {
    const client = fakeClient((entries) => entries.map(() => ({ ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' })));
    await expect(new EventPublisher({ eventBusName: 'b', client, sleep: noSleep }).publish(completed(2))).rejects.toThrow(PublishError);
    expect(client.calls).toHaveLength(1);
  });

  it('treats a call that throws as a failure of each of its entries, and retries them', async () => {
    const client = fakeClient((entries, call) => (call === 1 ? new Error('socket hang up') : entries.map(() => ({}))));
    const events = completed(2);
    await new EventPublisher({ eventBusName: 'b', client, sleep: noSleep }).publish(events);
    expect(client.calls.map((c) => c.map(idOf))).toEqual([events.map((e) => e.detail.metadata.id), events.map((e) => e.detail.metadata.id)]);
  });

  it('backs off exponentially between attempts', async () => {
    const delays: number[] = [];
    const client = fakeClient((entries, call) => entries.map(() => (call < 4 ? { ErrorCode: 'InternalFailure' } : {})));
    const publisher = new EventPublisher({ eventBusName: 'b', client, baseDelayMs: 100, sleep: async (ms) => void delays.push(ms) });
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999);
    try {
      await publisher.publish(completed(1));
    } finally {
      random.mockRestore();
    }
    expect(delays.map(Math.round)).toEqual([100, 200, 400]);
  });

  it('rejects an invalid event before putting anything', async () => {
    const client = fakeClient((entries) => entries.map(() => ({})));
    const [good] = completed(1);
    const bad = completed(1)[0]!;
    (bad.detail.data as any).amount = 10;
    await expect(new EventPublisher({ eventBusName: 'b', client }).publish([good!, bad])).rejects.toThrow(EventValidationError);
    expect(client.calls).toHaveLength(0);
  });

  it('rejects an event over the entry size limit before putting anything', async () => {
    const client = fakeClient((entries) => entries.map(() => ({})));
    const [big] = completed(1);
    (big!.detail.data as any).note = 'x'.repeat(MAX_PUT_EVENTS_SIZE_BYTES);
    const error = await new EventPublisher({ eventBusName: 'b', client }).publish([big!]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect((error as EventTooLargeError).message).toContain(big!.detail.metadata.id);
    expect(client.calls).toHaveLength(0);
  });
});

describe('PutEvents limits', () => {
  it('computes the entry size as EventBridge documents it', () => {
    expect(putEventsEntrySize({ Source: 'a.b', DetailType: 'X.v1', Detail: '{"é":1}', Resources: ['r1', 'r2'] })).toBe(3 + 4 + 8 + 4);
    expect(putEventsEntrySize({ Source: 'a', Time: new Date() })).toBe(15);
  });

  it('keeps each batch within 10 entries and the size limit', () => {
    const third = Math.floor(MAX_PUT_EVENTS_SIZE_BYTES / 3);
    const sizes = [third, third, third, third, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(batches(sizes.map((size) => ({ size }))).map((b) => b.map((i) => i.size))).toEqual([
      [third, third, third],
      [third, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1],
    ]);
  });
});
