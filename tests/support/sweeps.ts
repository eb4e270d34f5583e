import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { System } from './system';

/** One SweepFound datum as the sweep published it (CloudWatch embedded metric format on the function's output). */
export interface SweepFound {
  service: string;
  sweep: string;
  value: number;
}

/**
 * Fires a schedule by hand, as the dashboard does, and waits for the sweep it invokes (asynchronously) to finish.
 * Answers the SweepFound metrics it printed (Powertools writes EMF to stdout, read here and kept out of the report).
 */
export async function fireSweep(system: System, scheduleName: string): Promise<SweepFound[]> {
  const printed: string[] = [];
  // The tests turn metrics off (tests/setup-env.ts): these are the ones under test.
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    system.local.schedules.fire({ name: scheduleName });
    await system.local.events.drain();
    await system.local.lambda.asyncSettled();
  } finally {
    process.stdout.write = write;
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
  return printed
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.includes('"SweepFound"'))
    .map((line) => JSON.parse(line) as { service: string; sweep: string; SweepFound: number })
    .map(({ service, sweep, SweepFound }) => ({ service, sweep, value: SweepFound }));
}

/** SDK clients on the system's endpoint, for writing broken rows by hand and reading the repair. */
export function sweepClients(system: System) {
  const config = { endpoint: system.local.url, region: system.local.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
  const sfn = new SFNClient(config);
  return { documents, sfn, destroy: () => [documents, sfn].forEach((client) => client.destroy()) };
}
