import type { Context } from 'aws-lambda';
import { catalog, createEventHandler, EventValidationError, UnsupportedEventError, detailTypes } from '@shop/events';
import { startDynalite } from '../../libs/events/test/dynalite';
import { asEventBridgeEvent, samples } from './samples';
import { contracts } from './services';

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite('contract-idempotency');
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', POWERTOOLS_LOG_LEVEL: 'SILENT' });
});
afterAll(() => db.close());

let seq = 0;
const context = () => ({ functionName: 'contract-test', awsRequestId: `r${++seq}`, getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;
const envelope = (detailType: string, detail: unknown) => asEventBridgeEvent(detailType, detail, `eb-${++seq}`);

const subscriptions = contracts.flatMap((c) => Object.entries(c.subscriptions).map(([rule, accepts]) => [`${c.service} ${rule}`, accepts] as const));

describe.each(subscriptions)('consumer %s', (name, accepts) => {
  const handled: unknown[] = [];
  const consumer = createEventHandler({ name, accepts, idempotencyTable: 'contract-idempotency', handle: async (event) => void handled.push(event.detail) });

  it.each(accepts.map((t) => [t] as const))('accepts the examples and generated samples of %s', async (detailType) => {
    for (const detail of samples(detailType)) {
      handled.length = 0;
      await consumer(envelope(detailType, detail), context());
      expect(handled).toEqual([detail]);
    }
  });

  it.each(accepts.map((t) => [t] as const))('rejects an invalid %s with an error naming the field', async (detailType) => {
    for (const detail of samples(detailType)) {
      const field = (catalog[detailType] as any).properties.data.required[0] as string;
      delete detail.data[field];
      const error = await consumer(envelope(detailType, detail), context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventValidationError);
      expect((error as Error).message).toContain(`detail.data.${field} is required`);
    }
  });

  it('rejects every detail-type it did not subscribe to', async () => {
    for (const other of detailTypes.filter((t) => !accepts.includes(t))) {
      const error = await consumer(envelope(other, catalog[other].examples[0]), context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedEventError);
    }
  });
});

describe('subscription declarations', () => {
  it('no consumer subscribes to two versions of one event (it would handle one fact twice)', () => {
    for (const [name, accepts] of subscriptions) {
      const names = accepts.map((t) => t.split('.')[0]);
      expect({ name, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({ name, duplicates: [] });
    }
  });
});
