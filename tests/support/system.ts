import path from 'node:path';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutRuleCommand, PutTargetsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { loadSystem, readPackagedService, startLocalCloud, type FaultPlanInput, type LoadedStack, type LocalCloud } from '../../libs/local-cloud/src';
import { listServices, packageServices, SERVICES_DIR } from '../../scripts/package-services';

/** An event as it crossed the bus (captured by a test rule on `shop.*` into a queue). */
export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: { metadata: { id: string; correlationId: string }; data: Record<string, any> };
}

export interface System {
  local: LocalCloud;
  stacks: LoadedStack[];
  /** A request to the services' HTTP APIs, as a client would send it. */
  http(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Every event that crossed the bus so far, in arrival order. */
  busEvents(): Promise<BusEvent[]>;
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
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, httpApis: local.http },
  );
  const config = { endpoint: local.url, region: local.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const sqs = new SQSClient(config);
  const events = new EventBridgeClient(config);
  const bus = String(stacks.find((s) => s.outputs.EventBusName)?.outputs.EventBusName ?? 'shop-dev');
  const { QueueUrl: tapUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'system-test-bus-tap' }));
  const tapArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: tapUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new PutRuleCommand({ Name: 'system-test-bus-tap', EventBusName: bus, EventPattern: JSON.stringify({ source: [{ prefix: 'shop.' }] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'system-test-bus-tap', EventBusName: bus, Targets: [{ Id: 'tap', Arn: tapArn }] }));
  const seen: BusEvent[] = [];
  // Faults strike once the system is loaded and the test tap is in place.
  local.faults.set(options.faults);

  const settle = async () => {
    await local.events.drain();
    await local.lambda.asyncSettled();
  };

  return {
    local,
    stacks,
    async http(method, url, body, headers = {}) {
      const answer = await local.http.handle({
        method,
        url,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = String(answer.body);
      return { status: answer.status, body: text ? JSON.parse(text) : undefined };
    },
    async busEvents() {
      for (;;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) return [...seen];
        seen.push(...Messages.map((m) => JSON.parse(m.Body!) as BusEvent));
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: tapUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      }
    },
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
      sqs.destroy();
      events.destroy();
      await local.stop();
    },
  };
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
