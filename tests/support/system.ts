import path from 'node:path';
import { loadSystem, readPackagedService, startLocalCloud, type FaultPlanInput, type LoadedStack, type LocalCloud } from '../../libs/local-cloud/src';
import { listServices, packageServices, SERVICES_DIR } from '../../scripts/package-services';
import { createBusTap, type AwsClientConfig, type BusEvent } from './bus-tap';
import { createShopUser, findShopPool, type ShopPool, type ShopUser } from './identity';

export type { BusEvent } from './bus-tap';
export type { ShopUser } from './identity';

export interface System {
  local: LocalCloud;
  stacks: LoadedStack[];
  /** SDK client settings for the emulator's endpoint. */
  aws: AwsClientConfig;
  /** The user pool of the identity stack, for tests that make users of their own (`createShopUser`). */
  pool: ShopPool;
  /** A customer signed in at start-up: `http` calls as them unless the headers carry another `authorization`. */
  customer: ShopUser;
  /** A member of the `admins` group (sets stock): `system.http('PUT', ..., body, system.admin.headers)`. */
  admin: ShopUser;
  /**
   * A request to the services' HTTP APIs, as a client would send it, with `customer`'s token unless `headers` has an
   * `authorization` of its own (`''` sends none); a body that is not JSON comes back as text.
   */
  http(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Every event that crossed the bus so far, in arrival order. */
  busEvents(): Promise<BusEvent[]>;
  /** Waits until no delivery, retry or asynchronous invocation is under way (work they start is waited for too). */
  settle(): Promise<void>;
  /** Polls `check` (letting deliveries, retries and async invokes settle in between) until it returns something truthy. */
  waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The whole system on the emulator, in-process: every service packaged (what is stale) and its CloudFormation loaded,
 * HTTP routes included. AWS delays are scaled by `timeScale` (Lambda's async retries, EventBridge backoff, Wait states);
 * `faults` is the fault plan (libs/local-cloud/src/faults/plan.ts), in force from the end of the start-up.
 */
export async function startSystem(options: { timeScale?: number; services?: string[]; faults?: FaultPlanInput } = {}): Promise<System> {
  const services = options.services ?? listServices();
  await packageServices(services);
  const local = await startLocalCloud({ port: 0, timeScale: options.timeScale ?? 0.001 });
  const stacks = await loadSystem(
    services.map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, httpApis: local.http, iam: local.iam.policies },
  );
  const aws = { endpoint: local.url, region: local.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const bus = String(stacks.find((s) => s.outputs.EventBusName)?.outputs.EventBusName ?? 'shop-dev');
  const tap = await createBusTap(aws, bus, 'system-test-bus-tap');
  const pool = await findShopPool(aws);
  const [customer, admin] = await Promise.all([createShopUser(aws, pool, { username: 'system-customer' }), createShopUser(aws, pool, { username: 'system-admin', groups: ['admins'] })]);
  // Faults strike once the system is loaded and the test tap is in place.
  local.faults.set(options.faults);

  const settle = async () => {
    await local.events.drain();
    await local.lambda.asyncSettled();
  };

  return {
    local,
    stacks,
    aws,
    pool,
    customer,
    admin,
    async http(method, url, body, headers = {}) {
      const { authorization = customer.headers.authorization, ...rest } = headers;
      const answer = await local.http.handle({
        method,
        url,
        headers: { 'content-type': 'application/json', ...(authorization && { authorization }), ...rest },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: answer.status, body: jsonOrText(String(answer.body)) };
    },
    busEvents: () => tap.events(),
    settle,
    async waitFor(check, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await settle();
        const result = await check();
        if (result) return result as never;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      tap.destroy();
      await local.stop();
    },
  };
}

function jsonOrText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The order saga's outcome timeout (300 s packaged) is 0.3 s at a test time scale: give the flows room, as
 * `aws lambda update-function-configuration` of placeOrder's OUTCOME_TIMEOUT_SECONDS would (the emulator serves no
 * such API, so the function is registered again with the new environment).
 */
export function setOutcomeTimeout(local: LocalCloud, seconds: number): void {
  const fn = local.lambda.getFunction('shop-orders-dev-placeOrder');
  local.lambda.registerFunction({ ...fn, environment: { ...fn.environment, OUTCOME_TIMEOUT_SECONDS: String(seconds) } });
}
