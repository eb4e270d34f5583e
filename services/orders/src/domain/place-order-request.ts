import { NUMERIC_MATCH_LIMIT } from '@shop/aws-limits';
import { createAjv, describeErrors, isIsoCurrency } from '@shop/events';
import type { BodyLimits, FieldError } from '@shop/service-kit';
import type { NewOrder } from './order';

export type { FieldError };

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export const MAX_ITEMS = 100;

/**
 * The largest `POST /orders` body: 100 lines of the longest sku and largest numbers with every other field at its
 * bound are about 12 KB. Far below API Gateway's 10 MB and Lambda's 6 MB synchronous payload.
 */
export const PLACE_ORDER_BODY_LIMITS: BodyLimits = { maxBytes: 32 * 1024 };

/**
 * The `POST /orders` body. Every bound is at least as strict as the OrderPlaced v1 / v2 schemas, so that an accepted
 * order can always be published. Unknown fields are refused: a misspelt field must not be silently ignored. The
 * customer is not in it: it is the signed-in caller (the token's subject, a Cognito `sub`, which meets the events'
 * customer id bounds).
 */
const schema = {
  type: 'object',
  required: ['customerEmail', 'currency', 'items', 'paymentToken'],
  additionalProperties: false,
  properties: {
    customerEmail: { type: 'string', format: 'email', maxLength: 254 },
    currency: { type: 'string', maxLength: 3, pattern: '^[A-Z]{3}$' },
    paymentToken: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ITEMS,
      items: {
        type: 'object',
        required: ['sku', 'quantity', 'unitPrice'],
        additionalProperties: false,
        properties: {
          sku: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' },
          quantity: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
          // Integer minor units of the currency.
          unitPrice: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        },
      },
    },
  },
};

let validate: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

/** `items[1].quantity` rather than the validator's `detail.items[1].quantity`. */
const fieldOf = (path: string) => path.replace(/^detail\.?/, '') || 'body';

/** A field that breaks two rules (too long, and not of its pattern) is named once, by the first. */
function firstPerField(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.field) && seen.add(e.field));
}

/**
 * One line per sku: inventory reserves per sku, so a second line of the same sku would be one reservation reported
 * for two quantities.
 */
function repeatedSkuErrors(items: unknown): FieldError[] {
  if (!Array.isArray(items)) return [];
  const firstLine = new Map<string, number>();
  const errors: FieldError[] = [];
  items.forEach((item: unknown, index) => {
    const sku = (item as { sku?: unknown } | null)?.sku;
    if (typeof sku !== 'string') return;
    const first = firstLine.get(sku);
    if (first === undefined) firstLine.set(sku, index);
    else errors.push({ field: `items[${index}].sku`, message: `repeats the sku of items[${first}]: order its whole quantity on one line` });
  });
  return errors;
}

/** A body naming a customer is refused rather than ignored: a client that still sends one must learn it is not used. */
const NAMED_CUSTOMER: FieldError = { field: 'customerId', message: "is not accepted: the customer is the signed-in caller (the token's subject)" };

/**
 * Validates the request body (parsed by readJsonBody, which checked its type, size and depth), naming every offending
 * field, and makes the order the caller's.
 */
export function parsePlaceOrder(parsed: unknown, customerId: string): Parsed<NewOrder> {
  validate ??= createAjv().compile(schema);
  const described = validate(parsed) ? [] : describeErrors(validate.errors).map((v) => ({ field: fieldOf(v.path), message: v.message }));
  const errors: FieldError[] = firstPerField(described.map((e) => (e.field === NAMED_CUSTOMER.field ? NAMED_CUSTOMER : e)));
  const request = parsed as Partial<NewOrder> | null;
  if (typeof request?.currency === 'string' && /^[A-Z]{3}$/.test(request.currency) && !isIsoCurrency(request.currency)) {
    errors.push({ field: 'currency', message: 'is not an ISO 4217 currency code' });
  }
  errors.push(...repeatedSkuErrors(request?.items));
  if (errors.length > 0) return { ok: false, errors };
  const total = request!.items!.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  // Beyond EventBridge's numeric range, an OrderPlaced would match neither payments rule (normal or high value).
  if (total > NUMERIC_MATCH_LIMIT) return { ok: false, errors: [{ field: 'items', message: `the order total is too large: at most ${NUMERIC_MATCH_LIMIT} minor units` }] };
  return { ok: true, value: { customerId, ...(request as Omit<NewOrder, 'customerId'>) } };
}
