import { DescribeTableCommand, DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { capacityUnits } from 'dynalite/db';

/**
 * The request units each DynamoDB request consumes, for the usage meter, as on-demand mode bills them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html): a write is 1 WRU per
 * KB of the larger of the item before and after, a strongly consistent read 1 RRU per 4 KB, an eventually consistent
 * one half that, Query and Scan by the size of what they read. dynalite computes these itself when a request asks for
 * `ReturnConsumedCapacity`, so the proxy asks on every request and hides the answer from a caller that did not.
 */

type Input = Record<string, unknown>;

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface TableUnits {
  table: string;
  readUnits?: number;
  writeUnits?: number;
}

/** Whether the operation consumes capacity (and can report it). */
export function consumesCapacity(operation: string): boolean {
  return READS.has(operation) || WRITES.has(operation);
}

/** The request as sent to dynalite: asking for the consumed capacity, unless the caller already did. */
export function askingCapacity(input: Input): { input: Input; callerAsked: boolean } {
  const asked = input.ReturnConsumedCapacity;
  const callerAsked = asked === 'TOTAL' || asked === 'INDEXES';
  return { input: callerAsked ? input : { ...input, ReturnConsumedCapacity: 'TOTAL' }, callerAsked };
}

/** The units a successful answer reports (ConsumedCapacity is one object, or one per table for a batch). */
export function unitsOf(operation: string, output: Input): TableUnits[] {
  const consumed = output.ConsumedCapacity;
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Array<{ TableName?: string; CapacityUnits?: number }>;
  const kind = READS.has(operation) ? 'readUnits' : 'writeUnits';
  return list.filter((c) => typeof c.TableName === 'string').map((c) => ({ table: c.TableName!, [kind]: c.CapacityUnits ?? 0 }));
}

/**
 * A write whose condition failed still consumes write units: as many as the existing item's size needs, or 1 when
 * there is none (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html,
 * "Conditional writes"). dynalite reports nothing for it, so the existing item is read from dynalite directly (a read
 * no caller made, so not metered).
 */
export class ConditionFailureUnits {
  private readonly client: DynamoDBClient;
  private readonly keyNames = new Map<string, Promise<string[]>>();

  constructor(dynaliteEndpoint: string, region: string) {
    this.client = new DynamoDBClient({ endpoint: dynaliteEndpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  async of(operation: string, input: Input): Promise<TableUnits | undefined> {
    const table = input.TableName;
    if (typeof table !== 'string' || !['PutItem', 'UpdateItem', 'DeleteItem'].includes(operation)) return undefined;
    const key = operation === 'PutItem' ? await this.keyOf(table, input.Item as Record<string, AttributeValue>) : (input.Key as Record<string, AttributeValue>);
    const { Item } = await this.client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return { table, writeUnits: Item ? capacityUnits(Item, false, true) : 1 };
  }

  /** A deleted table's key schema is asked again if the table comes back. */
  forget(table: string): void {
    this.keyNames.delete(table);
  }

  destroy(): void {
    this.client.destroy();
  }

  private async keyOf(table: string, item: Record<string, AttributeValue>): Promise<Record<string, AttributeValue>> {
    let names = this.keyNames.get(table);
    if (!names) {
      names = this.client.send(new DescribeTableCommand({ TableName: table })).then(({ Table }) => (Table?.KeySchema ?? []).map((k) => k.AttributeName!));
      this.keyNames.set(table, names);
    }
    return Object.fromEntries((await names).map((name) => [name, item[name]!]));
  }
}
