import { catalog } from '@shop/events';
import type { BodyLimits, FieldError } from '@shop/service-kit';

/** A stock item as the API shows it: free units and units held by reservations. */
export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
}

export type { FieldError };

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The sku pattern of the event schemas, so that the API accepts exactly the skus events can carry. */
const SKU_PATTERN = new RegExp(
  (catalog['InventoryReleased.v1'] as unknown as { properties: { data: { properties: { items: { items: { properties: { sku: { pattern: string } } } } } } } })
    .properties.data.properties.items.items.properties.sku.pattern,
);

export function skuErrors(sku: string | undefined): FieldError[] {
  return sku !== undefined && SKU_PATTERN.test(sku) ? [] : [{ field: 'sku', message: `must match ${SKU_PATTERN.source}` }];
}

/** `{"available": 9007199254740991}` is 30 bytes: 1 KiB leaves room for whitespace and nothing else of note. */
export const STOCK_UPDATE_BODY_LIMITS: BodyLimits = { maxBytes: 1024 };

/**
 * `PUT /inventory/{sku}` body (parsed by readJsonBody, which checked its type, size and depth):
 * `{ "available": integer >= 0 }`; every problem is named by its field.
 */
export function parseStockUpdate(sku: string | undefined, parsed: unknown): Parsed<{ sku: string; available: number }> {
  const errors = skuErrors(sku);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, errors: [...errors, { field: 'body', message: 'must be a JSON object' }] };
  }
  const { available } = parsed as { available?: unknown };
  if (!Number.isSafeInteger(available) || (available as number) < 0) errors.push({ field: 'available', message: 'must be an integer >= 0' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { sku: sku!, available: available as number } };
}
