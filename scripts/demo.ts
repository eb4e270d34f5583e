/**
 * npm run demo: against the running stack (`npm start`; BASE_URL, default http://localhost:3000; the emulator at
 * AWS_ENDPOINT_URL, default http://localhost:4566), signs in as npm start's demo customer and admin, stocks as the
 * admin, places one order down each path (confirmed, payment declined, out of stock, partial stock, high value with
 * fraud review) as the customer and prints how each ended in every context: order, payment, stock, e-mail.
 */
import { findShopPool, signIn } from '../tests/support/identity';
import { DEMO_USERS } from './local-stack/demo-users';

const base = process.env.BASE_URL ?? 'http://localhost:3000';
const aws = { endpoint: process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const run = Date.now().toString(36);
/** The callers' headers, once signed in. */
const as: Record<'customer' | 'admin', { authorization: string }> = { customer: { authorization: '' }, admin: { authorization: '' } };

async function call(method: string, path: string, body?: unknown, caller: keyof typeof as = 'customer'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...as[caller] },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

interface Path {
  name: string;
  items: Array<{ sku: string; quantity: number; unitPrice: number }>;
  paymentToken: string;
}

const sku = (name: string) => `DEMO-${name}-${run}`;
const paths: Path[] = [
  { name: 'confirmed', items: [{ sku: sku('MUG'), quantity: 2, unitPrice: 1299 }], paymentToken: 'tok_visa' },
  { name: 'payment declined', items: [{ sku: sku('MUG'), quantity: 1, unitPrice: 1299 }], paymentToken: 'tok_declined' },
  { name: 'out of stock', items: [{ sku: sku('TEA'), quantity: 5, unitPrice: 450 }], paymentToken: 'tok_visa' },
  { name: 'partial stock', items: [{ sku: sku('MUG'), quantity: 1, unitPrice: 1299 }, { sku: sku('TEA'), quantity: 2, unitPrice: 450 }], paymentToken: 'tok_visa' },
  { name: 'high value (fraud review)', items: [{ sku: sku('WATCH'), quantity: 1, unitPrice: 250_000 }], paymentToken: 'tok_visa' },
];

async function until<T>(check: () => Promise<T | undefined>, ms = 60_000): Promise<T | undefined> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const value = await check();
    if (value !== undefined) return value;
  }
  return undefined;
}

async function main(): Promise<void> {
  const alive = await fetch(base).catch(() => undefined);
  if (!alive) throw new Error(`nothing answers at ${base}: start the stack with \`npm start\` first`);
  const pool = await findShopPool(aws);
  for (const caller of ['customer', 'admin'] as const) as[caller] = (await signIn(aws, pool, DEMO_USERS[caller].username, DEMO_USERS[caller].password)).headers;
  for (const [name, available] of [['MUG', 10], ['TEA', 1], ['WATCH', 1]] as const) {
    const answer = await call('PUT', `/inventory/${sku(name)}`, { available }, 'admin');
    if (answer.status !== 200) throw new Error(`could not stock ${sku(name)}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  console.log(`stocked ${sku('MUG')}=10, ${sku('TEA')}=1, ${sku('WATCH')}=1; placing ${paths.length} orders`);
  let undecided = 0;
  // One at a time: the orders share the stock, so the outcome of each path does not depend on timing.
  for (const path of paths) {
    const placed = await call('POST', '/orders', { customerEmail: `demo-${run}@example.com`, currency: 'EUR', items: path.items, paymentToken: path.paymentToken });
    if (placed.status !== 202) throw new Error(`${path.name}: POST /orders answered ${placed.status} ${JSON.stringify(placed.body)}`);
    const orderId = placed.body.orderId as string;
    const order = await until(async () => {
      const answer = await call('GET', `/orders/${orderId}`);
      return answer.body?.status !== 'PENDING' ? answer.body : undefined;
    });
    if (!order) undecided += 1;
    // Compensations (refund, release) and the e-mail follow the decision: wait for them (bounded) before reading. A
    // payment still moving, or money still held for a cancelled order, is not settled.
    const read = async () => ({ payment: (await call('GET', `/payments/${orderId}`)).body, notifications: (await call('GET', `/notifications?orderId=${orderId}`)).body ?? [] });
    const settled = (seen: Awaited<ReturnType<typeof read>>) =>
      !['AUTHORIZING', 'AUTHORIZED'].includes(seen.payment?.status) && !(order?.status === 'CANCELLED' && seen.payment?.status === 'CAPTURED') && seen.notifications.length > 0;
    const { payment, notifications } = (await until(async () => {
      const seen = await read();
      return settled(seen) ? seen : undefined;
    }, 30_000)) ?? (await read());
    console.log(
      `${path.name.padEnd(26)} ${orderId.slice(0, 8)}  order ${order ? `${order.status}${order.reason ? ` (${order.reason})` : ''}` : 'still PENDING'}` +
        `  payment ${payment?.status ?? 'none'} captured ${payment?.captured ?? 0} refunded ${payment?.refunded ?? 0}` +
        `  e-mail ${notifications.map((n: { template: string }) => n.template).join(', ') || 'none'}`,
    );
  }
  const stock = await Promise.all(['MUG', 'TEA', 'WATCH'].map(async (name) => `${sku(name)} ${JSON.stringify((await call('GET', `/inventory/${sku(name)}`)).body)}`));
  console.log(`stock now: ${stock.join('; ')}`);
  if (undecided > 0) throw new Error(`${undecided} orders were still PENDING after 60 s`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
