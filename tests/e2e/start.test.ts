import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { repoPath } from '../contracts/services';
import { launchBrowser } from '../support/browser';
import { freePortRun, isFree } from '../support/ports';
import { expectSagaStates, placeFromForm, UI_WAIT } from '../support/dashboard-page';

interface Ports {
  cloud: number;
  http: number;
  offlineBase: number;
}

/** Runs scripts/start.ts as `npm start` does, on the given ports, collecting its output. */
function start(ports: Ports): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = '';
  const env = { ...process.env, LOCAL_CLOUD_PORT: String(ports.cloud), PORT: String(ports.http), OFFLINE_BASE_PORT: String(ports.offlineBase) };
  // Its own process group, as a terminal gives `npm start`: Ctrl-C there signals the whole group (see ctrlC).
  const child = spawn(repoPath('node_modules/.bin/tsx'), [repoPath('scripts/start.ts')], { env, cwd: repoPath(), detached: true });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  running.add(child);
  return { child, output: () => output, exited };
}

/** What Ctrl-C in a terminal does: SIGINT to every process of the foreground group (tsx and the script under it). */
function ctrlC(child: ChildProcess): void {
  process.kill(-child.pid!, 'SIGINT');
}

/** Free ports for the emulator, the HTTP API and eight in a row for four serverless offline processes. */
async function freePorts(): Promise<Ports> {
  const base = await freePortRun(10);
  return { cloud: base + 8, http: base + 9, offlineBase: base };
}

async function until<T>(check: () => T | Promise<T>, what: string, ms = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a stack a failed test left running (SIGINT, so that it stops its serverless offline processes too). */
const running = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...running].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), ctrlC(child))))));
  running.clear();
});

const GET_STOCK = repoPath('services/inventory/src/functions/http/get-stock.ts');
const getStockSource = fs.readFileSync(GET_STOCK, 'utf8');
afterAll(() => fs.writeFileSync(GET_STOCK, getStockSource));

describe('npm start', () => {
  it('runs every service under serverless offline on the emulator, reloads edited handlers, and stops everything on Ctrl-C', async () => {
    const ports = await freePorts();
    const run = start(ports);
    await until(() => run.output().includes('[start] ready'), 'the ready line', 150_000);
    expect(run.output()).toContain(`AWS endpoint http://localhost:${ports.cloud}`);
    for (const service of ['inventory', 'notifications', 'orders', 'payments']) expect(run.output()).toMatch(new RegExp(`\\[${service}\\] Server ready: `));
    const base = `http://localhost:${ports.http}`;
    expect((await fetch(`${base}/no/such/route`)).status).toBe(404);
    // Every route wants a token; the one it printed the AWS CLI command for is the demo customer's (the README's way).
    expect(await fetch(`${base}/inventory/SKU-RED-MUG`)).toMatchObject({ status: 401 });
    const tokenCommand = /a token: TOKEN=\$\((.+)\)$/m.exec(run.output())![1]!;
    const { stdout: token } = await promisify(execFile)('/bin/sh', ['-c', tokenCommand], { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' }, encoding: 'utf8' });
    const headers = { authorization: `Bearer ${token.trim()}` };
    // Demo stock is there at once.
    expect(await (await fetch(`${base}/inventory/SKU-RED-MUG`, { headers })).json()).toEqual({ sku: 'SKU-RED-MUG', available: 100, reserved: 0 });
    // A customer may not set stock.
    expect(await fetch(`${base}/inventory/SKU-RED-MUG`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: '{"available":1}' })).toMatchObject({ status: 403 });

    // npm run demo against it: one order down each path, each ending as it should in every context.
    const demo = await promisify(execFile)(repoPath('node_modules/.bin/tsx'), [repoPath('scripts/demo.ts')], { env: { ...process.env, BASE_URL: base, AWS_ENDPOINT_URL: `http://localhost:${ports.cloud}` }, encoding: 'utf8' });
    expect(demo.stderr).toBe('');
    for (const line of [
      /confirmed +\w+ +order CONFIRMED +payment CAPTURED captured 2598 refunded 0 +e-mail ORDER_CONFIRMED/,
      /payment declined +\w+ +order CANCELLED \(PAYMENT_FAILED\) +payment FAILED captured 0 refunded 0 +e-mail PAYMENT_FAILED/,
      /out of stock +\w+ +order CANCELLED \(OUT_OF_STOCK\)/,
      /partial stock +\w+ +order CANCELLED \(OUT_OF_STOCK\)/,
      /high value \(fraud review\) +\w+ +order CONFIRMED/,
    ]) {
      expect(demo.stdout).toMatch(line);
    }

    // tok_flaky: the provider fails twice with ProviderUnavailable, which the payment saga retries by that name. It can
    // only match if serverless offline's Invoke answers the error's name (patches/serverless-offline+*.patch).
    const placed = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'e2e-flaky-provider', ...headers },
      body: JSON.stringify({ customerEmail: 'ada@example.com', currency: 'EUR', items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 1299 }], paymentToken: 'tok_flaky' }),
    });
    expect(placed.status).toBe(202);
    const { orderId: flakyOrder } = (await placed.json()) as { orderId: string };
    const settled = await until(async () => {
      const order = (await (await fetch(`${base}/orders/${flakyOrder}`, { headers })).json()) as { status: string };
      return order.status !== 'PENDING' && order;
    }, 'the tok_flaky order to settle');
    expect(settled).toMatchObject({ status: 'CONFIRMED' });
    expect(await (await fetch(`${base}/payments/${flakyOrder}`, { headers })).json()).toMatchObject({ status: 'CAPTURED', captured: 1299, refunded: 0 });

    // The functions ran in serverless offline (its per-invocation report lines), not in this stack's process.
    for (const fn of ['orders] (λ: placeOrder)', 'payments] (λ: authorize)', 'inventory] (λ: reserveItem)', 'notifications] (λ: sendEmail)']) {
      await until(() => run.output().includes(`[${fn}`), `a serverless offline report of ${fn}`, 10_000);
    }

    // The dashboard link it printed: an order placed from its form is confirmed, and its saga is drawn with the path taken.
    const dashboardUrl = /dashboard (http:\/\/\S+),/.exec(run.output())![1]!;
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(dashboardUrl);
      const orderId = await placeFromForm(page, 'SKU-RED-MUG', 'tok_visa');
      await page.locator(`tr[data-order-id="${orderId}"]`, { hasText: 'CONFIRMED' }).waitFor(UI_WAIT);
      await expectSagaStates(page, orderId, ['PublishOrderPlaced', 'WaitForPayment', 'WaitForInventory', 'Confirm', 'PublishOrderConfirmed']);
    } finally {
      await browser.close();
    }

    // A handler edit is rebuilt and served without a restart; so is its undoing.
    fs.writeFileSync(GET_STOCK, getStockSource.replace('`no stock item ${sku}`', '`no stock item ${sku} (edited)`'));
    await until(async () => (await (await fetch(`${base}/inventory/NOPE`, { headers })).json()).message === 'no stock item NOPE (edited)', 'the edited handler', 30_000);
    fs.writeFileSync(GET_STOCK, getStockSource);
    await until(async () => (await (await fetch(`${base}/inventory/NOPE`, { headers })).json()).message === 'no stock item NOPE', 'the restored handler', 30_000);

    ctrlC(run.child);
    expect(await run.exited).toBe(0);
    await expect(fetch(`http://localhost:${ports.cloud}/_local/health`)).rejects.toThrow();
    // Every port the stack and its serverless offline processes held is free again.
    for (let port = ports.offlineBase; port < ports.offlineBase + 10; port += 1) expect(await isFree(port)).toBe(true);
  }, 240_000);

  it.each([
    ['a serverless offline port', (ports: Ports) => ports.offlineBase + 3, /\[start\] failed: port \d+ \(serverless offline Lambda for notifications\) is already in use: stop the process using it or set OFFLINE_BASE_PORT/],
    ['the emulator port', (ports: Ports) => ports.cloud, /\[start\] failed: port \d+ is already in use: stop the process using it or set LOCAL_CLOUD_PORT/],
  ])('says clearly when %s is taken, without a stack trace, and leaves nothing running', async (_, taken, message) => {
    const ports = await freePorts();
    const blocker = net.createServer().listen(taken(ports), '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const run = start(ports);
    try {
      expect(await run.exited).toBe(1);
    } finally {
      blocker.close();
    }
    expect(run.output()).toMatch(message);
    expect(run.output()).not.toMatch(/^\s+at /m);
    for (const port of [ports.cloud, ports.http, ports.offlineBase]) if (port !== taken(ports)) expect(await isFree(port)).toBe(true);
  });
});
