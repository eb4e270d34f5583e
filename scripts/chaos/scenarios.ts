/**
 * The chaos run's workload, generated from a seed: the same seed gives the same orders, stock and invalid requests
 * (only the run id in the names differs, so that runs against one long-lived stack never share state).
 */
import prand from 'pure-rand';

export const PAYMENT_TOKENS = ['tok_visa', 'tok_declined', 'tok_flaky', 'tok_fraud', 'tok_capture_unavailable'] as const;
export type PaymentToken = (typeof PAYMENT_TOKENS)[number];

/** Orders above this total (minor units) go through fraud review (services/payments/serverless.yml highValueThreshold). */
export const HIGH_VALUE_THRESHOLD = 100_000;

export interface Line {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface OrderScenario {
  kind: 'order';
  index: number;
  /** Unique per scenario: how its orders, events and e-mails are found again. */
  customerId: string;
  customerEmail: string;
  currency: string;
  items: Line[];
  paymentToken: PaymentToken;
  /** Absent: the client sends no Idempotency-Key (and so cannot retry safely). */
  idempotencyKey?: string;
  /** The client sends the POST twice at once with the same key (a double click). */
  doubleSubmit: boolean;
  /** Two lines of one SKU: POST /orders may refuse it (400), which then counts as an invalid request. */
  repeatedSku: boolean;
  total: number;
}

export interface InvalidScenario {
  kind: 'invalid';
  index: number;
  /** In the body (or the customer id) of the request: nothing stored or published may mention it. */
  marker: string;
  /** Which kind of bad request. */
  fuzz: string;
  body: string;
  headers: Record<string, string>;
}

export type Scenario = OrderScenario | InvalidScenario;

export interface StockPlan {
  sku: string;
  initial: number;
  /** Less stock than the orders ask for: these orders race for it. */
  scarce: boolean;
}

export interface Workload {
  runId: string;
  seed: number;
  stock: StockPlan[];
  scenarios: Scenario[];
}

/** A seeded source of choices. */
export class Choices {
  private readonly rng: prand.RandomGenerator;

  constructor(seed: number) {
    this.rng = prand.xoroshiro128plus(seed);
  }

  /** An integer in [from, to]. */
  int(from: number, to: number): number {
    return prand.unsafeUniformIntDistribution(from, to, this.rng);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.int(0, 999_999) < p * 1_000_000;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(0, values.length - 1)]!;
  }

  /** One of the keys, with probability proportional to its weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    let roll = this.int(0, entries.reduce((sum, [, w]) => sum + w, 0) - 1);
    for (const [key, weight] of entries) {
      if (roll < weight) return key;
      roll -= weight;
    }
    return entries.at(-1)![0];
  }
}

/** The mix, in parts per hundred of the scenarios / orders. */
const MIX = {
  invalidRequests: 0.08,
  tokens: { tok_visa: 55, tok_declined: 12, tok_flaky: 13, tok_fraud: 10, tok_capture_unavailable: 10 } satisfies Record<PaymentToken, number>,
  highValue: 0.12,
  multiLine: 0.3,
  repeatedSkuOfMultiLine: 0.2,
  withoutIdempotencyKey: 0.1,
  doubleSubmit: 0.08,
  scarceSkus: 0.25,
};
const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'GBP', 'JPY'];

/** Fixed-width indexes: one marker is never the prefix of another (…-o00001 vs …-o000010 cannot happen). */
const pad = (index: number) => String(index).padStart(6, '0');
export const customerIdOf = (runId: string, index: number) => `chaos-${runId}-o${pad(index)}`;
export const invalidMarkerOf = (runId: string, index: number) => `chaos-${runId}-x${pad(index)}`;
/** Every marker of a run starts with this. */
export const runMarker = (runId: string) => `chaos-${runId}-`;

export function generateWorkload(options: { seed: number; orders: number; runId: string }): Workload {
  const choose = new Choices(options.seed);
  const { runId } = options;
  const skuCount = Math.max(6, Math.ceil(options.orders / 20));
  const skus = Array.from({ length: skuCount }, (_, k) => `CH-${runId}-${pad(k)}`);
  const scarce = new Set(skus.filter(() => choose.chance(MIX.scarceSkus)));
  if (scarce.size === 0) scarce.add(skus[0]!);

  const scenarios: Scenario[] = [];
  for (let index = 0; index < options.orders; index++) {
    scenarios.push(choose.chance(MIX.invalidRequests) ? invalidScenario(choose, runId, index, skus) : orderScenario(choose, runId, index, skus));
  }

  // Plentiful SKUs have stock for every order that asks (so their outcome depends only on the payment); scarce ones
  // for a third to two thirds of the demand.
  const demand = new Map<string, number>();
  for (const scenario of scenarios) {
    if (scenario.kind !== 'order') continue;
    for (const line of scenario.items) demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
  }
  const stock = skus.map((sku): StockPlan => {
    const wanted = demand.get(sku) ?? 0;
    const isScarce = scarce.has(sku);
    return { sku, scarce: isScarce, initial: isScarce ? Math.floor((wanted * choose.int(33, 66)) / 100) : wanted + choose.int(0, 5) };
  });
  return { runId, seed: options.seed, stock, scenarios };
}

function orderScenario(choose: Choices, runId: string, index: number, skus: string[]): OrderScenario {
  const highValue = choose.chance(MIX.highValue);
  const lineCount = choose.chance(MIX.multiLine) ? choose.int(2, 4) : 1;
  const repeatedSku = lineCount > 1 && choose.chance(MIX.repeatedSkuOfMultiLine);
  const items: Line[] = [];
  for (let n = 0; n < lineCount; n++) {
    const sku = repeatedSku && n === 1 ? items[0]!.sku : pickUnused(choose, skus, items);
    items.push({ sku, quantity: choose.int(1, 3), unitPrice: choose.int(100, 9_999) });
  }
  // One expensive line lifts the total over the review threshold (and stays far below EventBridge's 5e9 limit).
  if (highValue) items[0] = { ...items[0]!, quantity: 1, unitPrice: choose.int(HIGH_VALUE_THRESHOLD + 1, 4 * HIGH_VALUE_THRESHOLD) };
  const customerId = customerIdOf(runId, index);
  const keyed = !choose.chance(MIX.withoutIdempotencyKey);
  return {
    kind: 'order',
    index,
    customerId,
    customerEmail: `${customerId}@example.com`,
    currency: choose.pick(CURRENCIES),
    items,
    paymentToken: choose.weighted(MIX.tokens),
    ...(keyed && { idempotencyKey: `${customerId}-key` }),
    doubleSubmit: keyed && choose.chance(MIX.doubleSubmit),
    repeatedSku,
    total: items.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
  };
}

/** A SKU no line of the order has yet (orders have at most 4 lines and there are at least 6 SKUs). */
function pickUnused(choose: Choices, skus: string[], items: Line[]): string {
  for (;;) {
    const sku = choose.pick(skus);
    if (!items.some((line) => line.sku === sku)) return sku;
  }
}

/** Each fuzzer makes one kind of bad request around a marker that must never be stored or published. */
const FUZZERS: Record<string, (marker: string, valid: Record<string, unknown>, choose: Choices) => { body: string; headers?: Record<string, string> }> = {
  'bad JSON': (marker) => ({ body: `{"customerId": "${marker}", "items": [{"sku": ` }),
  'not an object': (marker) => ({ body: JSON.stringify([marker]) }),
  'quantity as a string': (_, valid) => ({ body: JSON.stringify({ ...valid, items: [{ ...(valid.items as Line[])[0], quantity: '2' }] }) }),
  'fractional price': (_, valid) => ({ body: JSON.stringify({ ...valid, items: [{ ...(valid.items as Line[])[0], unitPrice: 12.5 }] }) }),
  'items not a list': (_, valid) => ({ body: JSON.stringify({ ...valid, items: (valid.items as Line[])[0] }) }),
  'huge customer id': (marker, valid, choose) => ({ body: JSON.stringify({ ...valid, customerId: marker + 'x'.repeat(choose.int(1_000, 200_000)) }) }),
  'huge sku': (_, valid, choose) => ({ body: JSON.stringify({ ...valid, items: [{ sku: 'S'.repeat(choose.int(65, 50_000)), quantity: 1, unitPrice: 100 }] }) }),
  'missing payment token': (_, valid) => ({ body: JSON.stringify({ ...valid, paymentToken: undefined }) }),
  'no items': (_, valid) => ({ body: JSON.stringify({ ...valid, items: [] }) }),
  'unknown field': (_, valid) => ({ body: JSON.stringify({ ...valid, coupon: 'FREE' }) }),
  'negative quantity': (_, valid) => ({ body: JSON.stringify({ ...valid, items: [{ ...(valid.items as Line[])[0], quantity: -1 }] }) }),
  'zero price': (_, valid) => ({ body: JSON.stringify({ ...valid, items: [{ ...(valid.items as Line[])[0], unitPrice: 0 }] }) }),
  'unsafe integer quantity': (_, valid) => ({ body: JSON.stringify({ ...valid, items: [{ ...(valid.items as Line[])[0], quantity: 1e20 }] }) }),
  'invalid e-mail': (marker, valid) => ({ body: JSON.stringify({ ...valid, customerEmail: `${marker} at example dot com` }) }),
  'unknown currency': (_, valid) => ({ body: JSON.stringify({ ...valid, currency: 'XYZ' }) }),
  'lower-case currency': (_, valid) => ({ body: JSON.stringify({ ...valid, currency: 'eur' }) }),
  'total beyond EventBridge range': (_, valid) => ({ body: JSON.stringify({ ...valid, items: [{ ...(valid.items as Line[])[0], quantity: 1_000_000, unitPrice: 1_000_000 }] }) }),
  'too many lines': (_, valid) => ({ body: JSON.stringify({ ...valid, items: Array.from({ length: 101 }, (_, k) => ({ sku: `SKU-${k}`, quantity: 1, unitPrice: 100 })) }) }),
  'null customer': (_, valid) => ({ body: JSON.stringify({ ...valid, customerId: null }) }),
  'sku with spaces': (marker, valid) => ({ body: JSON.stringify({ ...valid, items: [{ sku: `${marker} mug`, quantity: 1, unitPrice: 100 }] }) }),
  'Idempotency-Key too long': (_, valid) => ({ body: JSON.stringify(valid), headers: { 'Idempotency-Key': 'k'.repeat(256) } }),
};
export const FUZZ_KINDS = Object.keys(FUZZERS);

function invalidScenario(choose: Choices, runId: string, index: number, skus: string[]): InvalidScenario {
  const marker = invalidMarkerOf(runId, index);
  // An otherwise valid order with the marker's e-mail: whatever the fuzzer leaves of it names the marker. It names no
  // customer (the customer is the token's subject): the fuzzers that add one test that the body may not.
  const valid = {
    customerEmail: `${marker}@example.com`,
    currency: 'EUR',
    items: [{ sku: choose.pick(skus), quantity: 1, unitPrice: 1_000 }],
    paymentToken: 'tok_visa',
  };
  const fuzz = choose.pick(FUZZ_KINDS);
  const made = FUZZERS[fuzz]!(marker, valid, choose);
  return { kind: 'invalid', index, marker, fuzz, body: made.body, headers: made.headers ?? {} };
}
