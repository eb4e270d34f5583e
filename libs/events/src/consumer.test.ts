import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { startDynalite } from '../test/dynalite';
import { catalog, type DetailType } from './catalog';
import { createEventHandler, UnsupportedEventError } from './consumer';
import { CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS, IDEMPOTENCY_EXPIRY_ATTRIBUTE } from './idempotency';
import { EventValidationError } from './validation';

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
afterAll(() => db.close());

let seq = 0;
function context(): Context {
  return {
    functionName: 'consumer-test',
    awsRequestId: `req-${++seq}`,
    getRemainingTimeInMillis: () => 30_000,
  } as unknown as Context;
}

/** An EventBridge event as a rule target receives it; every call gets a new envelope id, as PutEvents does. */
function eventBridgeEvent(detailType: DetailType, detail: unknown): EventBridgeEvent<string, unknown> {
  return {
    version: '0', id: `eb-${++seq}`, 'detail-type': detailType, source: catalog[detailType]['x-amazon-events-source'],
    account: '000000000000', time: '2026-11-23T10:00:00Z', region: 'us-east-1', resources: [], detail,
  };
}
const example = (detailType: DetailType) => structuredClone(catalog[detailType].examples[0]) as any;

describe('createEventHandler', () => {
  it('runs the handler once per metadata.id, whatever the EventBridge envelope id', async () => {
    const handle = jest.fn(async () => ({ ok: true }));
    const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], handle, idempotencyTable: 'idempotency' });
    const detail = example('PaymentCompleted.v1');
    detail.metadata.id = '11111111-1111-4111-8111-111111111111';
    const first = await consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context());
    const second = await consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context());
    expect(handle).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    detail.metadata.id = '22222222-2222-4222-8222-222222222222';
    await consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context());
    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('passes the validated, typed event to the handler', async () => {
    const handle = jest.fn(async (_event: unknown) => null);
    const consumer = createEventHandler({ name: 'test-consumer', accepts: ['OrderCancelled.v1'], handle, idempotencyTable: 'idempotency' });
    const detail = example('OrderCancelled.v1');
    detail.metadata.id = '33333333-3333-4333-8333-333333333333';
    await consumer(eventBridgeEvent('OrderCancelled.v1', detail), context());
    expect(handle.mock.calls[0]![0]).toMatchObject({ detailType: 'OrderCancelled.v1', detail, source: 'shop.orders' });
  });

  it('throws on a schema violation, naming the field, and never runs the handler', async () => {
    const handle = jest.fn(async (_event: unknown) => null);
    const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], handle, idempotencyTable: 'idempotency' });
    const detail = example('PaymentCompleted.v1');
    delete detail.data.paymentId;
    const error = await consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as Error).message).toContain('detail.data.paymentId is required');
    expect(handle).not.toHaveBeenCalled();
  });

  it('throws on a detail-type it does not consume', async () => {
    const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], handle: async () => null, idempotencyTable: 'idempotency' });
    await expect(consumer(eventBridgeEvent('PaymentFailed.v1', example('PaymentFailed.v1')), context())).rejects.toThrow(UnsupportedEventError);
  });

  it('lets a handler failure fail, so the retry runs the handler again', async () => {
    let calls = 0;
    const consumer = createEventHandler({
      name: 'test-consumer',
      accepts: ['PaymentCompleted.v1'],
      idempotencyTable: 'idempotency',
      handle: async () => {
        calls += 1;
        if (calls === 1) throw new Error('downstream unavailable');
        return 'done';
      },
    });
    const detail = example('PaymentCompleted.v1');
    detail.metadata.id = '44444444-4444-4444-8444-444444444444';
    await expect(consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context())).rejects.toThrow('downstream unavailable');
    await expect(consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context())).resolves.toBe('done');
    expect(calls).toBe(2);
  });

  describe('a duplicate that finds the same event in progress', () => {
    const slowly = (outcome: () => unknown) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return outcome();
    };
    const twice = async (consumer: ReturnType<typeof createEventHandler>, id: string) => {
      const detail = example('PaymentCompleted.v1');
      detail.metadata.id = id;
      const first = consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context());
      await new Promise((resolve) => setTimeout(resolve, 50));
      return Promise.allSettled([first, consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context())]);
    };

    it('fails at once by default (Lambda retries it)', async () => {
      const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], idempotencyTable: 'idempotency', handle: slowly(() => 'done') });
      const [first, duplicate] = await twice(consumer, '77777777-7777-4777-8777-777777777777');
      expect(first).toEqual({ status: 'fulfilled', value: 'done' });
      expect(duplicate).toMatchObject({ status: 'rejected', reason: { name: 'IdempotencyAlreadyInProgressError' } });
    });

    it('waits for that run with waitWhileInProgress, and answers its result', async () => {
      const handle = jest.fn(slowly(() => 'done'));
      const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], idempotencyTable: 'idempotency', handle, waitWhileInProgress: { pollMs: 50 } });
      expect(await twice(consumer, '88888888-8888-4888-8888-888888888888')).toEqual([{ status: 'fulfilled', value: 'done' }, { status: 'fulfilled', value: 'done' }]);
      expect(handle).toHaveBeenCalledTimes(1);
    });

    it('with a short inProgressLockMs, a run that outlasts its lock no longer blocks the duplicate, which runs the event too', async () => {
      const handle = jest.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return 'done';
      });
      const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], idempotencyTable: 'idempotency', handle, inProgressLockMs: 100 });
      const detail = example('PaymentCompleted.v1');
      detail.metadata.id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
      const first = consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context());
      // Past the first run's 100 ms lock, while it still runs.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await expect(consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context())).resolves.toBe('done');
      await expect(first).resolves.toBe('done');
      expect(handle).toHaveBeenCalledTimes(2);
    });

    it('runs the event itself when the run it waited for failed', async () => {
      let calls = 0;
      const handle = slowly(() => {
        calls += 1;
        if (calls === 1) throw new Error('the saga failed');
        return 'done';
      });
      const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], idempotencyTable: 'idempotency', handle, waitWhileInProgress: { pollMs: 50 } });
      const [first, duplicate] = await twice(consumer, '99999999-9999-4999-8999-999999999999');
      expect(first).toMatchObject({ status: 'rejected', reason: { message: 'the saga failed' } });
      expect(duplicate).toEqual({ status: 'fulfilled', value: 'done' });
      expect(calls).toBe(2);
    });
  });

  it('upcasts OrderPlaced.v1 to v2 when asked', async () => {
    const handle = jest.fn(async (_event: unknown) => null);
    const consumer = createEventHandler({ name: 'test-consumer', accepts: ['OrderPlaced.v1'], upcast: true, handle, idempotencyTable: 'idempotency' });
    await consumer(eventBridgeEvent('OrderPlaced.v1', example('OrderPlaced.v1')), context());
    const received = handle.mock.calls[0]![0] as any;
    expect(received.detailType).toBe('OrderPlaced.v2');
    expect(received.detail.data.total).toEqual({ amount: 2598, currency: 'EUR' });
  });

  it('keeps the records of two consumers of one event apart', async () => {
    const first = jest.fn(async (_event: unknown) => null);
    const second = jest.fn(async (_event: unknown) => null);
    const detail = example('OrderCancelled.v1');
    detail.metadata.id = '55555555-5555-4555-8555-555555555555';
    await createEventHandler({ name: 'payments.order-cancelled', accepts: ['OrderCancelled.v1'], handle: first, idempotencyTable: 'idempotency' })(eventBridgeEvent('OrderCancelled.v1', detail), context());
    await createEventHandler({ name: 'inventory.order-cancelled', accepts: ['OrderCancelled.v1'], handle: second, idempotencyTable: 'idempotency' })(eventBridgeEvent('OrderCancelled.v1', detail), context());
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);
  });

  it('answers a repeat from its record until CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS after, the record expiring by its TTL attribute', async () => {
    const handle = jest.fn(async () => 'handled once');
    const consumer = createEventHandler({ name: 'late-repeats', accepts: ['PaymentCompleted.v1'], handle, idempotencyTable: 'idempotency' });
    const detail = example('PaymentCompleted.v1');
    detail.metadata.id = '66666666-6666-4666-8666-666666666666';
    const handledAt = Math.round(Date.now() / 1000);
    await consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context());

    const { Items = [] } = await db.client.send(new ScanCommand({ TableName: 'idempotency', FilterExpression: 'begins_with(id, :prefix)', ExpressionAttributeValues: { ':prefix': { S: 'late-repeats#' } } }));
    const expiry = Number(Items[0]?.[IDEMPOTENCY_EXPIRY_ATTRIBUTE]?.N);
    expect(expiry - handledAt).toBeGreaterThanOrEqual(CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS - 1);
    expect(expiry - handledAt).toBeLessThanOrEqual(CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS + 2);

    // The same event replayed a minute before the record expires (Powertools reads the clock from Date.now).
    const now = jest.spyOn(Date, 'now').mockReturnValue((expiry - 60) * 1000);
    try {
      await expect(consumer(eventBridgeEvent('PaymentCompleted.v1', detail), context())).resolves.toBe('handled once');
    } finally {
      now.mockRestore();
    }
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('refuses to run without an idempotency table', async () => {
    const consumer = createEventHandler({ name: 'test-consumer', accepts: ['PaymentCompleted.v1'], handle: async () => null });
    const saved = process.env.IDEMPOTENCY_TABLE;
    delete process.env.IDEMPOTENCY_TABLE;
    try {
      await expect(consumer(eventBridgeEvent('PaymentCompleted.v1', example('PaymentCompleted.v1')), context())).rejects.toThrow(/IDEMPOTENCY_TABLE/);
    } finally {
      if (saved !== undefined) process.env.IDEMPOTENCY_TABLE = saved;
    }
  });
});
