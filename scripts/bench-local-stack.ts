/**
 * npm run bench:local-stack: starts `npm start` (scripts/start.ts) on its default ports, reports how long it took to be
 * ready, then POSTs 20 orders (tok_visa, stocked demo SKU) one after another and reports the time from each POST to
 * the order reading CONFIRMED (GET /orders/{id} polled every 10 ms): median, p90, min, max. Stops the stack.
 * Run it in a fresh clone (after npm ci) for the first-start figure: it then includes packaging every service.
 */
import { findShopPool, signIn } from '../tests/support/identity';
import { startNpmStart } from './bench/npm-start';
import { DEMO_STOCK } from './local-stack/demo-stock';
import { DEMO_USERS } from './local-stack/demo-users';

const ORDERS = 20;
const SKU = 'SKU-RED-MUG';

async function main(): Promise<void> {
  const stack = await startNpmStart();
  try {
    if ((DEMO_STOCK[SKU] ?? 0) < ORDERS) throw new Error(`${SKU} has too little demo stock for ${ORDERS} orders`);
    // As npm start's demo customer, signed in as the shop's clients do.
    const aws = { endpoint: stack.emulatorUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const { headers } = await signIn(aws, await findShopPool(aws), DEMO_USERS.customer.username, DEMO_USERS.customer.password);
    const latencies: number[] = [];
    for (let i = 0; i < ORDERS; i += 1) latencies.push(await postToConfirmed(stack.apiUrl, headers));
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    console.log(`time to ready: ${stack.readySeconds.toFixed(1)} s (npm start until its ready line)`);
    console.log(`POST /orders -> CONFIRMED over ${ORDERS} orders: median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${latencies[0]} ms, max ${latencies.at(-1)} ms`);
  } finally {
    await stack.stop();
  }
}

async function postToConfirmed(base: string, headers: { authorization: string }): Promise<number> {
  const body = { customerEmail: 'bench@example.com', currency: 'EUR', items: [{ sku: SKU, quantity: 1, unitPrice: 1299 }], paymentToken: 'tok_visa' };
  const posted = Date.now();
  const response = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
  const { orderId } = (await response.json()) as { orderId: string };
  for (const deadline = posted + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
    const { status, reason } = (await (await fetch(`${base}/orders/${orderId}`, { headers })).json()) as { status: string; reason?: string };
    if (status === 'CONFIRMED') return Date.now() - posted;
    if (status === 'CANCELLED') throw new Error(`order ${orderId} was cancelled (${reason})`);
  }
  throw new Error(`order ${orderId} not CONFIRMED within 60 s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
