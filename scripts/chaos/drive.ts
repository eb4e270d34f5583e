/**
 * Drives the workload as clients would: stock first, then every scenario with at most `concurrency` at once. An order's
 * client POSTs (retrying with the same Idempotency-Key after a 5xx, a 429 or a 409), then polls GET /orders/{id} until the
 * order is CONFIRMED or CANCELLED; an invalid request is sent once (again only after a 5xx or a 429).
 */
import { randomUUID } from 'node:crypto';
import { createShopUser, findShopPool, type ShopUser } from '../../tests/support/identity';
import { tryJson } from '../redrive-dlq';
import type { InvalidScenario, OrderScenario, Scenario, Workload } from './scenarios';
import type { ChaosTarget, HttpAnswer } from './target';

export interface PostAttempt {
  status: number;
  orderId?: string;
  /** The answer's body, kept when it was not a 202. */
  body?: string;
}

export interface OrderDriven {
  scenario: OrderScenario;
  /** Every POST the client sent, in order (both of a double submit). */
  posts: PostAttempt[];
  /** The order id the client was given (undefined: it gave up, or was refused). */
  orderId?: string;
  /** The status the client last saw, and when it saw it final (ms after its first POST). */
  lastStatus?: string;
  finalAfterMs?: number;
}

export interface InvalidDriven {
  scenario: InvalidScenario;
  status: number;
  body: string;
}

export type Driven = OrderDriven | InvalidDriven;

export interface DriveOptions {
  concurrency: number;
  /** The order saga's state machine name: its end tells a client to look at its order. */
  orderSaga: string;
  /** How long a client polls its order before it stops looking. */
  pollDeadlineMs: number;
  /** Called after each scenario (progress). */
  onDone?: (done: number, total: number) => void;
}

/**
 * A client's patience: 8 tries, backing off from 0.2 s up to 5 s (16 s in all), longer than a request that died keeps
 * its Idempotency-Key locked (409 until the function's 10 s timeout has passed).
 */
const MAX_POSTS = 8;
const backoff = (attempt: number) => Math.min(5_000, 100 * 2 ** attempt);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const jsonOf = (answer: HttpAnswer) => tryJson(answer.text) as { orderId?: string; status?: string } | undefined;

/** "Try again later": a 5xx, or API Gateway's 429 past a route's throttling (the stages' 100/s, bursts of 200). */
const later = (status: number) => status >= 500 || status === 429;

/** PUT /inventory/{sku} for every SKU of the run, as an admin of its own (retried later: the plan may already inject faults). */
export async function stockUp(target: ChaosTarget, workload: Workload): Promise<void> {
  const admin = await createShopUser(target.aws, await findShopPool(target.aws), { username: `stock-admin-${randomUUID()}`, groups: ['admins'] });
  for (const { sku, initial } of workload.stock) {
    let answer: HttpAnswer | undefined;
    for (let attempt = 1; attempt <= MAX_POSTS && (!answer || later(answer.status)); attempt++) {
      if (answer) await sleep(backoff(attempt));
      answer = await target.http('PUT', `/inventory/${sku}`, JSON.stringify({ available: initial }), admin.headers);
    }
    if (answer!.status !== 200) throw new Error(`PUT /inventory/${sku} answered ${answer!.status}: ${answer!.text}`);
  }
}

/**
 * Resolves when an order's saga ends (its execution is named after the order). Clients wait for that rather than
 * poll without pause: in-process, hundreds of polling clients would take the CPU from the system they measure.
 */
class SagaEnds {
  private readonly waiting = new Map<string, () => void>();
  private readonly ended = new Set<string>();
  readonly stop: () => void;

  constructor(target: ChaosTarget, orderSaga: string) {
    this.stop = target.onActivity((entry) => {
      if (entry.service !== 'states' || !entry.type.startsWith('execution.') || entry.type === 'execution.started') return;
      if (!String(entry.stateMachineArn).endsWith(`:${orderSaga}`)) return;
      const orderId = String(entry.executionArn).split(':').pop()!;
      this.ended.add(orderId);
      this.waiting.get(orderId)?.();
    });
  }

  /** Resolves when the order's saga has ended, or after `ms`. */
  wait(orderId: string, ms: number): Promise<void> {
    if (this.ended.has(orderId)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiting = this.waiting;
      function done() {
        clearTimeout(timer);
        waiting.delete(orderId);
        resolve();
      }
      waiting.set(orderId, done);
    });
  }
}

/**
 * Each order scenario is a customer of its own, signed in before the drive: the user is named after the scenario's
 * marker (`customerIdOf`), and the scenario's customerId becomes the user's subject, what the stored order and its
 * events carry. The invalid requests come from one more customer. Answers each client's token.
 */
async function signInCustomers(target: ChaosTarget, workload: Workload, concurrency: number): Promise<{ customers: Map<OrderScenario, ShopUser>; invalid: ShopUser }> {
  const pool = await findShopPool(target.aws);
  const orders = workload.scenarios.filter((s): s is OrderScenario => s.kind === 'order');
  const customers = new Map<OrderScenario, ShopUser>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < orders.length; i = next++) {
      const scenario = orders[i]!;
      const user = await createShopUser(target.aws, pool, { username: scenario.customerId, email: scenario.customerEmail });
      scenario.customerId = user.customerId;
      customers.set(scenario, user);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { customers, invalid: await createShopUser(target.aws, pool, { username: `invalid-requests-${randomUUID()}` }) };
}

export async function drive(target: ChaosTarget, workload: Workload, options: DriveOptions): Promise<Driven[]> {
  const results: Driven[] = new Array(workload.scenarios.length);
  const { customers, invalid } = await signInCustomers(target, workload, options.concurrency);
  const ends = new SagaEnds(target, options.orderSaga);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < workload.scenarios.length; i = next++) {
      const scenario: Scenario = workload.scenarios[i]!;
      results[i] = scenario.kind === 'order' ? await driveOrder(target, scenario, customers.get(scenario)!, options, ends) : await driveInvalid(target, scenario, invalid);
      options.onDone?.(++done, workload.scenarios.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    ends.stop();
  }
  return results;
}

/** Sent again after a 5xx or a 429, as any client would (a faulted function or gateway says nothing of the request itself). */
async function driveInvalid(target: ChaosTarget, scenario: InvalidScenario, customer: ShopUser): Promise<InvalidDriven> {
  const headers = { ...scenario.headers, ...(await customer.freshHeaders()) };
  let answer = await target.http('POST', '/orders', scenario.body, headers);
  for (let attempt = 2; attempt <= MAX_POSTS && later(answer.status); attempt++) {
    await sleep(backoff(attempt));
    answer = await target.http('POST', '/orders', scenario.body, headers);
  }
  return { scenario, status: answer.status, body: answer.text.slice(0, 500) };
}

/** The POST /orders body of a scenario: no customer (the token's subject is the customer). */
export function orderBody(scenario: OrderScenario): string {
  const { customerEmail, currency, items, paymentToken } = scenario;
  return JSON.stringify({ customerEmail, currency, items, paymentToken });
}

/** One client's POST, retried with the same key while the answer says "try again" (5xx, 429, 409 in progress). */
async function postOrder(target: ChaosTarget, scenario: OrderScenario, customer: ShopUser, posts: PostAttempt[]): Promise<string | undefined> {
  const headers: Record<string, string> = { ...(scenario.idempotencyKey && { 'Idempotency-Key': scenario.idempotencyKey }), ...(await customer.freshHeaders()) };
  for (let attempt = 1; attempt <= MAX_POSTS; attempt++) {
    const answer = await target.http('POST', '/orders', orderBody(scenario), headers);
    const orderId = answer.status === 202 ? jsonOf(answer)?.orderId : undefined;
    posts.push({ status: answer.status, ...(orderId ? { orderId } : { body: answer.text.slice(0, 500) }) });
    if (answer.status === 202) return orderId;
    const retriable = later(answer.status) || answer.status === 409;
    // Without an Idempotency-Key a retry could place a second order: such a client gives up.
    if (!retriable || !scenario.idempotencyKey) return undefined;
    await sleep(backoff(attempt));
  }
  return undefined;
}

async function driveOrder(target: ChaosTarget, scenario: OrderScenario, customer: ShopUser, options: DriveOptions, ends: SagaEnds): Promise<OrderDriven> {
  const started = Date.now();
  const posts: PostAttempt[] = [];
  const clients = scenario.doubleSubmit ? [postOrder(target, scenario, customer, posts), postOrder(target, scenario, customer, posts)] : [postOrder(target, scenario, customer, posts)];
  const orderIds = await Promise.all(clients);
  const orderId = orderIds.find((id) => id !== undefined);
  const driven: OrderDriven = { scenario, posts, ...(orderId && { orderId }) };
  if (!orderId) return driven;
  while (Date.now() - started < options.pollDeadlineMs) {
    await ends.wait(orderId, 2_000);
    const answer = await target.http('GET', `/orders/${orderId}`, undefined, await customer.freshHeaders());
    if (answer.status === 200) {
      driven.lastStatus = String(jsonOf(answer)?.status);
      if (driven.lastStatus === 'CONFIRMED' || driven.lastStatus === 'CANCELLED') {
        driven.finalAfterMs = Date.now() - started;
        return driven;
      }
    }
    await sleep(100);
  }
  return driven;
}
