/**
 * npm start: the whole system locally. Packages what is stale, starts the local AWS endpoint (env LOCAL_CLOUD_PORT,
 * default 4566; TIME_SCALE shortens AWS's retry delays), serves every service's HTTP routes on one base URL (env PORT,
 * default 3000) and loads every service's packaged CloudFormation into it: the bus, its rules, archive and schema
 * registry, queues, tables, state machines and functions. Prints progress, then one line when ready; Ctrl-C stops
 * everything it started.
 */
import '../libs/local-cloud/src/polyfills';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, loadSystem, readPackagedService, startLocalCloud, type LocalCloud } from '../libs/local-cloud/src/index';
import { listServices, packageServices, SERVICES_DIR } from './package-services';

const log = (line: string) => console.log(`[start] ${line}`);

// Every AWS SDK v3 client warns, on Node < 22, that SDK releases after January 2027 need Node 22: say it once, briefly.
if (Number(process.versions.node.split('.')[0]) < 22 && process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  log(`note: Node ${process.versions.node}; AWS SDK releases after January 2027 need Node >= 22 (Lambda runs nodejs22.x)`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const port = process.env.LOCAL_CLOUD_PORT === undefined ? DEFAULT_PORT : Number(process.env.LOCAL_CLOUD_PORT);
  const services = listServices();
  // npm start -- --dynamodb-path .local-cloud/dynamodb keeps table data across restarts (in memory by default).
  const { values } = parseArgs({ options: { 'dynamodb-path': { type: 'string', default: process.env.DYNAMODB_PATH } } });

  log(`packaging what changed (${services.join(', ')})`);
  await packageServices(services, { log: (line) => log(`  ${line}`) });

  log('starting the local AWS endpoint');
  let local: LocalCloud | undefined = await startLocalCloud({ port, dynamodbPath: values['dynamodb-path'], timeScale: process.env.TIME_SCALE ? Number(process.env.TIME_SCALE) : undefined });
  const shutdown = (signal: string) => {
    log(`${signal}: stopping`);
    const stopping = local?.stop() ?? Promise.resolve();
    local = undefined;
    stopping.then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  const stacks = await loadSystem(services.map((s) => readPackagedService(path.join(SERVICES_DIR, s))), {
    endpoint: local.url,
    functions: local.lambda,
    region: local.cloud.region,
    accountId: local.cloud.accountId,
    log: (line) => log(`  ${line}`),
    httpApis: local.http,
  });
  const httpPort = process.env.PORT === undefined ? 3000 : Number(process.env.PORT);
  const { port: servedPort } = await local.http.listen(httpPort);
  const routes = local.http.routeKeys();
  const bus = stacks.find((s) => s.outputs.EventBusName)?.outputs.EventBusName;
  log(`HTTP routes: ${routes.length > 0 ? routes.join(', ') : 'none yet'}`);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: HTTP http://localhost:${servedPort}, AWS endpoint ${local.url} (AWS_ENDPOINT_URL), bus ${String(bus)}, ${stacks.length} stacks loaded; Ctrl-C stops`);
}

main().catch((error: unknown) => {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
