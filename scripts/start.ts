/**
 * npm start: the whole system locally. Packages what is stale, starts the local AWS endpoint (env LOCAL_CLOUD_PORT,
 * default 4566; TIME_SCALE shortens AWS's retry delays), loads every service's packaged CloudFormation into it (the
 * bus, its rules, archive and schema registry, queues, tables, state machines, functions), runs each service's
 * functions under `serverless offline` (ports from OFFLINE_BASE_PORT, default 3100; handler edits are rebuilt and
 * reloaded) with their EMF metric lines forwarded to the emulator's CloudWatch, serves every HTTP route on one base URL
 * (env PORT, default 3000), seeds demo stock and serves the dashboard (bus timeline, sagas, DLQs, orders, alarms).
 * Prints progress, then one line when ready; Ctrl-C stops everything it started.
 */
import '../libs/local-cloud/src/polyfills';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { assertPortFree, DEFAULT_PORT, HttpInvoker, iamEnabledBy, loadSystem, parseFaultPlan, readPackagedService, startLocalCloud, type LocalCloud } from '../libs/local-cloud/src/index';
import { mountDashboard } from './dashboard';
import { seedDemoStock } from './local-stack/demo-stock';
import { createDemoUsers, DEMO_USERS, tokenCommand } from './local-stack/demo-users';
import { EmfForwarder } from './local-stack/emf-forwarder';
import { killOfflineNow, planOfflineServices, startOffline, stopOffline, type OfflineService } from './local-stack/offline-services';
import { listServices, packageServices, SERVICES_DIR } from './package-services';

const log = (line: string) => console.log(`[start] ${line}`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const portSetting = (name: string, fallback: number) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

// Every AWS SDK v3 client warns, on Node < 22, that SDK releases after January 2027 need Node 22: say it once, briefly.
if (Number(process.versions.node.split('.')[0]) < 22 && process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  log(`note: Node ${process.versions.node}; AWS SDK releases after January 2027 need Node >= 22 (Lambda runs nodejs22.x)`);
}

let local: LocalCloud | undefined;
let offline: OfflineService[] = [];
let stopping = false;

async function main(): Promise<void> {
  const started = Date.now();
  const cloudPort = portSetting('LOCAL_CLOUD_PORT', DEFAULT_PORT);
  const httpPort = portSetting('PORT', 3000);
  // npm start -- --dynamodb-path .local-cloud/dynamodb keeps table data across restarts (in memory by default).
  const { values } = parseArgs({ options: { 'dynamodb-path': { type: 'string', default: process.env.DYNAMODB_PATH } } });
  const services = listServices();
  // A bad fault plan stops npm start before anything runs; a good one is put in force once the stack is ready, so
  // packaging, loading and the demo stock are not faulted.
  const faults = parseFaultPlan(process.env.LOCAL_CLOUD_FAULTS);
  const iam = iamEnabledBy(process.env.LOCAL_CLOUD_IAM);

  log(`packaging what changed (${services.join(', ')})`);
  await packageServices(services, { log: (line) => log(`  ${line}`) });
  const packaged = services.map((service) => readPackagedService(path.join(SERVICES_DIR, service)));
  offline = planOfflineServices(packaged.filter((service) => service.sourceHandlers.size > 0).map((service) => service.servicePath), portSetting('OFFLINE_BASE_PORT', 3100));
  if (cloudPort !== 0) await assertPortFree(cloudPort, { setting: 'LOCAL_CLOUD_PORT' });
  if (httpPort !== 0) await assertPortFree(httpPort, { purpose: 'the HTTP API', setting: 'PORT' });
  for (const o of offline) {
    await assertPortFree(o.httpPort, { purpose: `serverless offline HTTP for ${o.service}`, setting: 'OFFLINE_BASE_PORT' });
    await assertPortFree(o.lambdaPort, { purpose: `serverless offline Lambda for ${o.service}`, setting: 'OFFLINE_BASE_PORT' });
  }

  log('starting the local AWS endpoint');
  const byServicePath = new Map(offline.map((o) => [o.servicePath, o.lambdaUrl]));
  local = await startLocalCloud({
    port: cloudPort,
    dynamodbPath: values['dynamodb-path'],
    timeScale: process.env.TIME_SCALE ? Number(process.env.TIME_SCALE) : undefined,
    // Schedules run on their own, as on AWS (scaled by TIME_SCALE); the dashboard also fires them by hand.
    schedules: 'automatic',
    iam,
    invoker: new HttpInvoker({ baseUrlFor: (fn) => byServicePath.get(fn.servicePath) ?? `no serverless offline runs ${fn.servicePath}` }),
  });
  const stacks = await loadSystem(packaged, {
    endpoint: local.url,
    functions: local.lambda,
    region: local.cloud.region,
    accountId: local.cloud.accountId,
    log: (line) => log(`  ${line}`),
    httpApis: local.http,
    iam: local.iam.policies,
  });

  const offlineStarted = Date.now();
  log(`starting serverless offline for ${offline.map((o) => o.service).join(', ')}`);
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: local.url,
    AWS_REGION: local.cloud.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    SLS_TELEMETRY_DISABLED: '1',
  };
  const emf = new EmfForwarder(local.url, (line) => log(`  ${line}`));
  await Promise.all(offline.map((o) => startOffline(o, env, (line) => log(`  ${line}`), (line) => emf.offer(line))));
  log(`serverless offline ready in ${seconds(offlineStarted)}`);

  const { port: servedPort } = await local.http.listen(httpPort);
  const apiBaseUrl = `http://localhost:${servedPort}`;
  const demo = await createDemoUsers({ endpoint: local.url, region: local.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const seeded = await seedDemoStock(apiBaseUrl, await demo.admin.freshHeaders());
  if (seeded.length > 0) log(`demo stock: ${seeded.join(', ')}`);
  const dashboard = await mountDashboard(local, { apiBaseUrl, callers: demo });
  log(`users (user pool ${demo.pool.poolId}, client ${demo.pool.clientId}): ${DEMO_USERS.customer.username} / ${DEMO_USERS.customer.password} (a customer), ${DEMO_USERS.admin.username} / ${DEMO_USERS.admin.password} (admins)`);
  log(`a token: TOKEN=$(${tokenCommand(local.url, demo.pool, DEMO_USERS.customer)})`);
  local.faults.set(process.env.LOCAL_CLOUD_FAULTS);
  if (Object.keys(faults.rules).length > 0 || faults.delay) log(`faults on (LOCAL_CLOUD_FAULTS): ${JSON.stringify(local.faults.snapshot().plan)}; GET ${local.url}/_local/faults counts them`);
  if (!iam) log('IAM off (LOCAL_CLOUD_IAM=off): every call is allowed');
  const bus = stacks.find((s) => s.outputs.EventBusName)?.outputs.EventBusName;
  log(`HTTP routes: ${local.http.routeKeys().join(', ')}`);
  log(`ready in ${seconds(started)}: HTTP ${apiBaseUrl}, dashboard ${dashboard.url}, AWS endpoint ${local.url} (AWS_ENDPOINT_URL), bus ${String(bus)}, ${stacks.length} stacks loaded; Ctrl-C stops`);
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await Promise.all(offline.map((o) => stopOffline(o)));
  await local?.stop();
  local = undefined;
}

// Ctrl-C in a terminal signals the whole foreground group: npm and tsx relay it too, so it may arrive twice. The
// first starts the shutdown; the others must not end this process before its serverless offline children are down.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
// However this process ends, no serverless offline outlives it.
process.once('exit', () => killOfflineNow(offline));

main().catch(async (error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown('failure').catch(() => undefined);
  process.exit(1);
});
