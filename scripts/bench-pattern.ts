/**
 * npx tsx scripts/bench-pattern.ts
 *
 * Throughput of the local EventBridge pattern matcher: compiles 50 realistic rule patterns (every operator,
 * $or, arrays), then matches 100,000 shop events against all of them, as a bus does. Prints events/s of each run
 * and the median of 5 runs. Each run gets freshly built events, so nothing is reused between runs.
 */
import { compilePattern } from '../libs/local-cloud/src/eventbridge/pattern';

const EVENTS = 100_000;
const RUNS = 5;

const SOURCES = ['shop.orders', 'shop.payments', 'shop.inventory', 'shop.shipping', 'aws.events'];
const TYPES = ['OrderPlaced', 'OrderCancelled', 'PaymentAuthorized', 'PaymentFailed', 'StockReserved', 'ShipmentDispatched'];
const COUNTRIES = ['FR', 'DE', 'GB', 'US', 'ES'];

const patterns: Array<Record<string, unknown>> = [
  ...TYPES.map((type) => ({ source: [{ prefix: 'shop.' }], 'detail-type': [type] })),
  ...SOURCES.map((source) => ({ source: [source] })),
  { 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>', 100] }] } },
  { 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>=', 10, '<', 50] }] } },
  { detail: { total: [{ numeric: ['=', 99.99] }] } },
  { detail: { currency: [{ 'anything-but': ['EUR', 'USD'] }] } },
  { detail: { country: [{ 'anything-but': { prefix: 'F' } }] } },
  { detail: { customer: { email: [{ suffix: '@example.com' }] } } },
  { detail: { customer: { email: [{ suffix: { 'equals-ignore-case': '@EXAMPLE.ORG' } }] } } },
  { detail: { customer: { tier: [{ 'equals-ignore-case': 'gold' }] } } },
  { detail: { customer: { ip: [{ cidr: '10.0.0.0/8' }] } } },
  { detail: { customer: { ip: [{ cidr: '2001:db8::/32' }] } } },
  { detail: { items: { sku: [{ prefix: 'SKU-1' }] } } },
  { detail: { items: { sku: ['SKU-42'], quantity: [{ numeric: ['>', 3] }] } } },
  { detail: { items: { giftWrap: [{ exists: true }] } } },
  { detail: { coupon: [{ exists: false }] } },
  { detail: { coupon: [null] } },
  { detail: { note: [''] } },
  { detail: { express: [true] } },
  { detail: { file: [{ wildcard: 'invoices/*/2024-*.pdf' }] } },
  { detail: { file: [{ 'anything-but': { wildcard: '*/drafts/*' } }] } },
  { detail: { file: [{ wildcard: '*.csv' }, { wildcard: '*.json' }] } },
  { $or: [{ detail: { total: [{ numeric: ['>', 500] }] } }, { detail: { customer: { tier: ['platinum'] } } }] },
  {
    source: ['shop.payments'],
    $or: [{ 'detail-type': ['PaymentFailed'] }, { detail: { retries: [{ numeric: ['>=', 2] }] } }],
  },
  { detail: { $or: [{ country: ['FR', 'DE'] }, { currency: ['EUR'] }] } },
  { region: [{ 'anything-but': 'us-east-1' }], detail: { country: ['US'] } },
  { resources: [{ prefix: 'arn:aws:dynamodb' }] },
  { account: ['123456789012'], time: [{ prefix: '2024-05' }] },
  { detail: { shipping: { address: { postcode: [{ prefix: '75' }] } } } },
  { detail: { shipping: { carrier: [{ 'anything-but': { 'equals-ignore-case': ['ups', 'dhl'] } }] } } },
  { detail: { status: [{ 'anything-but': { suffix: 'ED' } }] } },
  { detail: { total: [{ 'anything-but': [0] }], currency: ['EUR'] } },
  { detail: { items: { price: [{ numeric: ['<', 1] }] } } },
  { detail: { items: { tags: ['fragile', 'oversize'] } } },
  { detail: { customer: { id: [{ wildcard: 'cus_*_vip' }] } } },
  { 'detail-type': [{ 'equals-ignore-case': 'orderplaced' }], detail: { country: ['ES'] } },
  { source: ['shop.orders'], 'detail-type': ['OrderCancelled'], detail: { reason: [{ exists: true }] } },
  { detail: { metadata: { 'trace-id': [{ exists: true }] } } },
  { detail: { 'payment.method': ['card'] } },
  { detail: { orderId: [{ prefix: 'ord-1' }], total: [{ numeric: ['<', 20] }] } },
  { source: ['shop.shipping'], detail: { shipping: { carrier: ['colissimo'] }, express: [false] } },
];

function makeEvent(i: number): Record<string, unknown> {
  const items = Array.from({ length: 1 + (i % 4) }, (_, n) => ({
    sku: `SKU-${(i + n) % 100}`,
    quantity: 1 + ((i + n) % 6),
    price: ((i * 7 + n) % 5000) / 100,
    tags: n % 3 === 0 ? ['fragile'] : [],
    ...(n % 5 === 0 ? { giftWrap: true } : {}),
  }));
  return {
    version: '0',
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    'detail-type': TYPES[i % TYPES.length],
    source: SOURCES[i % SOURCES.length],
    account: '123456789012',
    time: `2024-05-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`,
    region: i % 3 === 0 ? 'us-east-1' : 'eu-west-1',
    resources: i % 10 === 0 ? ['arn:aws:dynamodb:eu-west-1:123456789012:table/orders'] : [],
    detail: {
      orderId: `ord-${i}`,
      total: (i % 1000) + 0.99,
      currency: i % 2 ? 'EUR' : 'GBP',
      country: COUNTRIES[i % COUNTRIES.length],
      status: i % 2 ? 'CONFIRMED' : 'pending',
      retries: i % 4,
      express: i % 7 === 0,
      note: i % 9 === 0 ? '' : 'leave at door',
      file: `invoices/${i % 12}/2024-${i % 28}.pdf`,
      customer: {
        id: `cus_${i % 500}_${i % 11 === 0 ? 'vip' : 'std'}`,
        email: `user${i}@example.${i % 2 ? 'com' : 'ORG'}`,
        tier: ['gold', 'silver', 'GOLD', 'platinum'][i % 4],
        ip: i % 2 ? `10.${i % 256}.${(i >> 8) % 256}.1` : `2001:db8::${(i % 65535).toString(16)}`,
      },
      items,
      shipping: { carrier: ['UPS', 'dhl', 'colissimo'][i % 3], address: { postcode: String(75000 + (i % 1000)) } },
      ...(i % 6 === 0 ? { coupon: null } : {}),
      metadata: { 'trace-id': `t-${i}` },
    },
  };
}

const matchers = patterns.map((pattern) => compilePattern(pattern));
const rates: number[] = [];
let matched = 0;
for (let run = 1; run <= RUNS; run++) {
  const events = Array.from({ length: EVENTS }, (_, i) => makeEvent(i));
  matched = 0;
  const start = process.hrtime.bigint();
  for (const event of events) for (const matches of matchers) if (matches(event)) matched++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rates.push(EVENTS / seconds);
  console.log(`run ${run}: ${Math.round(EVENTS / seconds).toLocaleString('en')} events/s (${seconds.toFixed(2)} s)`);
}
const median = [...rates].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
console.log(`${patterns.length} patterns, ${EVENTS.toLocaleString('en')} events, ${matched.toLocaleString('en')} matches per run`);
console.log(`median: ${Math.round(median).toLocaleString('en')} events/s (${Math.round(median * patterns.length).toLocaleString('en')} pattern matches/s)`);
