import { schemaDocuments } from './generated/schemas';
import type { DetailType, EventDetailMap } from './generated/types';

export type { DetailType, EventDetailMap } from './generated/types';
export type * from './generated/types';

export interface EventSchema {
  title: string;
  'x-amazon-events-source': string;
  'x-amazon-events-detail-type': string;
  examples: ReadonlyArray<unknown>;
  [keyword: string]: unknown;
}

/** The event catalogue, read from schemas/ (via the generated imports). */
export const catalog = schemaDocuments as unknown as Record<DetailType, EventSchema>;

export const detailTypes = Object.keys(catalog).sort() as DetailType[];

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(catalog, value);
}

export function schemaOf(detailType: DetailType): EventSchema {
  return catalog[detailType];
}

/** The EventBridge `source` of a detail-type, as its schema declares it (`x-amazon-events-source`). */
export function sourceOf(detailType: DetailType): string {
  return catalog[detailType]['x-amazon-events-source'];
}

/** `OrderPlaced.v2` → `{ name: 'OrderPlaced', version: 'v2' }`. */
export function parseDetailType(detailType: string): { name: string; version: string } {
  const match = /^([A-Za-z][A-Za-z0-9]*)\.(v[1-9][0-9]*)$/.exec(detailType);
  if (!match) throw new Error(`"${detailType}" is not a versioned detail-type (expected Name.vN)`);
  return { name: match[1]!, version: match[2]! };
}

export type DetailOf<T extends DetailType> = EventDetailMap[T];
