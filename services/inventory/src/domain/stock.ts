import { catalog } from '@shop/events';

/** A stock item as the API shows it: free units and units held by reservations. */
export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
}

export interface FieldError {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The sku pattern of the event schemas, so that the API accepts exactly the skus events can carry. */
const SKU_PATTERN = new RegExp(
  (catalog['InventoryReleased.v1'] as unknown as { properties: { data: { properties: { items: { items: { properties: { sku: { pattern: string } } } } } } } })
    .properties.data.properties.items.items.properties.sku.pattern,
);

export function skuErrors(sku: string | undefined): FieldError[] {
  return sku !== undefined && SKU_PATTERN.test(sku) ? [] : [{ field: 'sku', message: `must match ${SKU_PATTERN.source}` }];
}

/** `PUT /inventory/{sku}` body: `{ "available": integer >= 0 }`; every problem is named by its field. */
export function parseStockUpdate(sku: string | undefined, body: string | undefined): Parsed<{ sku: string; available: number }> {
  const errors = skuErrors(sku);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { ok: false, errors: [...errors, { field: 'body', message: 'must be a JSON object' }] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, errors: [...errors, { field: 'body', message: 'must be a JSON object' }] };
  }
  const { available } = parsed as { available?: unknown };
  if (!Number.isSafeInteger(available) || (available as number) < 0) errors.push({ field: 'available', message: 'must be an integer >= 0' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { sku: sku!, available: available as number } };
}
