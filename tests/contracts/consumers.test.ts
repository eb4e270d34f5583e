import type { Context } from 'aws-lambda';
import { catalog, createEventHandler, EventValidationError, UnsupportedEventError, detailTypes, type DetailType } from '@shop/events';
import { startDynalite } from '../../libs/events/test/dynalite';
import { contracts } from './services';

// json-schema-faker 0.5 is the CommonJS line (0.6 is ESM only); it has no bundled types for require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSONSchemaFaker } = require('json-schema-faker') as { JSONSchemaFaker: { option(o: object): void; generate(s: object): any } };

/** A seeded generator, so a failing sample can be reproduced. */
function seeded(seed: number) {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}
JSONSchemaFaker.option({ random: seeded(42), alwaysFakeOptionals: false, useExamplesValue: false, failOnInvalidFormat: true });

const SAMPLES = 10;
const samples = (detailType: DetailType) => [
  ...catalog[detailType].examples.map((e) => structuredClone(e) as any),
  ...Array.from({ length: SAMPLES }, () => JSONSchemaFaker.generate(catalog[detailType])),
];

let db: Awaited<ReturnType<typeof startDynalite>>;
beforeAll(async () => {
  db = await startDynalite('contract-idempotency');
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', POWERTOOLS_LOG_LEVEL: 'SILENT' });
});
afterAll(() => db.close());

let seq = 0;
const context = () => ({ functionName: 'contract-test', awsRequestId: `r${++seq}`, getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;
const envelope = (detailType: string, detail: unknown) => ({
  version: '0', id: `eb-${++seq}`, 'detail-type': detailType, source: catalog[detailType as DetailType]?.['x-amazon-events-source'] ?? 'shop.unknown',
  account: '000000000000', time: '2026-11-23T12:00:00Z', region: 'us-east-1', resources: [], detail,
});

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
