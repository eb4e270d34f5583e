/**
 * The bound the system's throughput is measured against: how many conditional writes per second the DynamoDB
 * emulation sustains, through the same endpoint (the emulator's, with its proxy and fault site) and the same SDK
 * client the services use, at the bench's concurrency.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClientConfig } from '../../tests/support/bus-tap';

export interface DynamoDbBound {
  writesPerSecond: number;
  writes: number;
  ms: number;
  /** This process's CPU time per write (what the write costs the emulator, dynalite and the SDK together). */
  cpuMsPerWrite: number;
}

/** `concurrency` writers, each a conditional PutItem of a new item (as an idempotency record's or a claim's), for `durationMs`. */
export async function measureConditionalWrites(aws: AwsClientConfig, options: { concurrency: number; durationMs: number; table: string }): Promise<DynamoDbBound> {
  // A table of its own, so that the bound reads and writes nothing of the system's.
  const dynamodb = new DynamoDBClient(aws);
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const { table } = options;
  await dynamodb.send(
    new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] }),
  );
  try {
    let writes = 0;
    const cpu = process.cpuUsage();
    const started = Date.now();
    const until = started + options.durationMs;
    const writer = async (w: number) => {
      for (let n = 0; Date.now() < until; n++) {
        await documents.send(
          new PutCommand({
            TableName: table,
            Item: { id: `w${w}-${n}`, status: 'INPROGRESS', expiration: Math.floor(Date.now() / 1000) + 3600 },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
        writes++;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, w) => writer(w)));
    const ms = Date.now() - started;
    const used = process.cpuUsage(cpu);
    return { writesPerSecond: (writes * 1000) / ms, writes, ms, cpuMsPerWrite: (used.user + used.system) / 1000 / Math.max(1, writes) };
  } finally {
    await dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    documents.destroy();
    dynamodb.destroy();
  }
}

/** Two measurements taken apart (the machine may be shared): their writes added up, over their time added up. */
export function combinedBound(a: DynamoDbBound, b: DynamoDbBound): DynamoDbBound {
  const writes = a.writes + b.writes;
  const ms = a.ms + b.ms;
  return { writes, ms, writesPerSecond: (writes * 1000) / ms, cpuMsPerWrite: (a.cpuMsPerWrite * a.writes + b.cpuMsPerWrite * b.writes) / Math.max(1, writes) };
}
