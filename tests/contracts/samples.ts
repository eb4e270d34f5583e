import { catalog, type DetailType } from '@shop/events';
import { JSONSchemaFaker } from 'json-schema-faker';
import { seededRandom } from '../../scripts/contracts/consumer-samples';

// Seeded, so a failing sample can be reproduced.
JSONSchemaFaker.option({ random: seededRandom(42), alwaysFakeOptionals: false, useExamplesValue: false, failOnInvalidFormat: true });

/** The catalogue examples of a detail-type, then `generated` schema-valid samples (a fresh copy each call). */
export function samples(detailType: DetailType, generated = 10): any[] {
  return [
    ...catalog[detailType].examples.map((e) => structuredClone(e) as any),
    ...Array.from({ length: generated }, () => JSONSchemaFaker.generate(catalog[detailType] as never) as any),
  ];
}

/** A detail as EventBridge delivers it to rules and targets. */
export function asEventBridgeEvent(detailType: string, detail: unknown, id = '6a7b8c9d-0000-4000-8000-000000000000') {
  return {
    version: '0', id, 'detail-type': detailType, source: catalog[detailType as DetailType]?.['x-amazon-events-source'] ?? 'shop.unknown',
    account: '123456789012', time: '2026-11-23T12:00:00Z', region: 'us-east-1', resources: [] as string[], detail,
  };
}
