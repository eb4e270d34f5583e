import '../src/polyfills';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, iamEnabledBy, startLocalCloud } from '../src/index';

/**
 * Starts the local AWS endpoint: `npx tsx libs/local-cloud/bin/local-cloud.ts [--dynamodb-path DIR]` (PORT, HOST,
 * TIME_SCALE, DYNAMODB_PATH, LOCAL_CLOUD_FAULTS and LOCAL_CLOUD_IAM from the environment). DynamoDB is in memory unless given a folder to keep its data in.
 * Prints one line when ready; Ctrl-C stops it.
 */
async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
  const timeScale = process.env.TIME_SCALE ? Number(process.env.TIME_SCALE) : undefined;
  const { values } = parseArgs({ options: { 'dynamodb-path': { type: 'string', default: process.env.DYNAMODB_PATH } } });
  const local = await startLocalCloud({ port, host: process.env.HOST, timeScale, schedules: 'automatic', dynamodbPath: values['dynamodb-path'], faults: process.env.LOCAL_CLOUD_FAULTS, iam: iamEnabledBy(process.env.LOCAL_CLOUD_IAM) });
  const { plan } = local.faults.snapshot();
  const faults = Object.keys(plan).length > 1 ? `; faults ${JSON.stringify(plan)}` : '';
  console.log(`local-cloud ready at ${local.url} (services: ${local.server.services().join(', ')})${faults}${local.iam.enabled ? '' : '; IAM off (LOCAL_CLOUD_IAM=off)'}`);
  const shutdown = () => {
    local.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`local-cloud: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
