import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { Cloud } from '../cloud';
import { AwsError } from '../errors';

/**
 * Time to Live for the local DynamoDB, which dynalite 4 lacks: UpdateTimeToLive and DescribeTimeToLive answered as
 * AWS answers them (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html), and a
 * sweeper that deletes the expired items.
 *
 * A change takes effect at once (AWS takes up to an hour and refuses another change meanwhile), as tables are ACTIVE at
 * once here. The settings live in memory: with a DynamoDB path, the CloudFormation load applies each template's
 * TimeToLiveSpecification again.
 */

/**
 * How often the sweeper looks for expired items, in AWS seconds (scaled by the cloud's timeScale: 0.6 s at 0.001).
 * AWS deletes them "typically within a few days"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html); expired items not yet
 * deleted are still read, queried and scanned, here as there.
 */
export const TTL_SWEEP_INTERVAL_SECONDS = 600;
/** However small the time scale, the sweeper rests this long (real ms) between sweeps. */
const MIN_SWEEP_INTERVAL_MS = 50;
/** TTL ignores values more than five years in the past (time-to-live-ttl-before-you-start.html). */
const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600;

const TABLE_NAME = /^[a-zA-Z0-9_.-]+$/;
const TABLE_ARN = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)$/;

export interface TimeToLiveSpecification {
  AttributeName?: string;
  Enabled: boolean;
}

export interface TimeToLiveDescription {
  TimeToLiveStatus: 'ENABLED' | 'DISABLED';
  AttributeName?: string;
}

const serializationError = (message: string) => new AwsError('SerializationException', message);

/** "N validation error(s) detected: ...", AWS's wording for constraint violations. */
function constraintErrors(violations: string[]): AwsError {
  const count = `${violations.length} validation error${violations.length > 1 ? 's' : ''} detected`;
  return new AwsError('ValidationException', `${count}: ${violations.join('; ')}`);
}

/** The table a request names (a name or, as AWS also accepts, a table ARN), checked as DynamoDB checks it. */
function tableNameOf(input: Record<string, unknown>): string {
  const value = input.TableName;
  if (value === undefined || value === null) throw new AwsError('ValidationException', "The parameter 'TableName' is required but was not present in the request");
  if (typeof value !== 'string') throw serializationError('TableName must be a string');
  const name = TABLE_ARN.exec(value)?.[1] ?? value;
  if (name.length < 3 || name.length > 255) throw new AwsError('ValidationException', 'TableName must be at least 3 characters long and at most 255 characters long');
  if (!TABLE_NAME.test(name)) {
    throw constraintErrors([`Value '${name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`]);
  }
  return name;
}

function specificationOf(input: Record<string, unknown>): Required<TimeToLiveSpecification> {
  const spec = input.TimeToLiveSpecification;
  if (spec === undefined || spec === null) throw constraintErrors(["Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null"]);
  if (typeof spec !== 'object' || Array.isArray(spec)) throw serializationError('TimeToLiveSpecification must be a structure');
  const { AttributeName: attributeName, Enabled: enabled } = spec as Record<string, unknown>;
  const missing: string[] = [];
  if (enabled === undefined || enabled === null) missing.push("Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null");
  if (attributeName === undefined || attributeName === null) missing.push("Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null");
  if (missing.length > 0) throw constraintErrors(missing);
  if (typeof enabled !== 'boolean') throw serializationError('TimeToLiveSpecification.Enabled must be a boolean');
  if (typeof attributeName !== 'string') throw serializationError('TimeToLiveSpecification.AttributeName must be a string');
  if (attributeName.length === 0) throw new AwsError('ValidationException', 'TimeToLiveSpecification.AttributeName must be non empty');
  if (attributeName.length > 255) {
    throw constraintErrors([`Value '${attributeName}' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length less than or equal to 255`]);
  }
  return { AttributeName: attributeName, Enabled: enabled };
}

export class TimeToLive {
  /** Table name → its TTL attribute, for the tables whose TTL is enabled. */
  private readonly attributes = new Map<string, string>();
  /** Talks to dynalite itself, past the endpoint's proxy: the sweeper meets no injected faults. */
  private readonly client: DynamoDBClient;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly cloud: Cloud,
    dynaliteEndpoint: string,
  ) {
    this.client = new DynamoDBClient({ endpoint: dynaliteEndpoint, region: cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  async update(input: Record<string, unknown>): Promise<{ TimeToLiveSpecification: TimeToLiveSpecification }> {
    const tableName = tableNameOf(input);
    const spec = specificationOf(input);
    await this.assertTableExists(tableName);
    const current = this.attributes.get(tableName);
    if (current !== undefined && current !== spec.AttributeName) {
      throw new AwsError('ValidationException', `TimeToLive is active on a different AttributeName: current AttributeName is ${current}`);
    }
    if (spec.Enabled) {
      if (current !== undefined) throw new AwsError('ValidationException', 'TimeToLive is already enabled');
      this.attributes.set(tableName, spec.AttributeName);
      return { TimeToLiveSpecification: spec };
    }
    if (current === undefined) throw new AwsError('ValidationException', 'TimeToLive is already disabled');
    this.attributes.delete(tableName);
    // AWS answers a disable without the attribute name.
    return { TimeToLiveSpecification: { Enabled: false } };
  }

  async describe(input: Record<string, unknown>): Promise<{ TimeToLiveDescription: TimeToLiveDescription }> {
    const tableName = tableNameOf(input);
    await this.assertTableExists(tableName);
    const attributeName = this.attributes.get(tableName);
    return { TimeToLiveDescription: attributeName === undefined ? { TimeToLiveStatus: 'DISABLED' } : { TimeToLiveStatus: 'ENABLED', AttributeName: attributeName } };
  }

  /** A deleted table takes its TTL setting with it (a table created again under its name starts DISABLED). */
  forget(tableName: string): void {
    this.attributes.delete(tableName);
  }

  /** Sweeps every TTL_SWEEP_INTERVAL_SECONDS (scaled) until stop(); one sweep at a time. */
  start(): void {
    if (this.stopped || this.timer) return;
    const intervalMs = Math.max(MIN_SWEEP_INTERVAL_MS, TTL_SWEEP_INTERVAL_SECONDS * 1000 * this.cloud.timeScale);
    const next = () => {
      this.timer = setTimeout(() => {
        this.sweeping = this.sweep().finally(() => {
          this.sweeping = undefined;
          if (!this.stopped) next();
        });
      }, intervalMs);
      // stop() clears it; it never keeps a process alive by itself.
      this.timer.unref();
    };
    next();
  }

  /** Stops the timer and waits for a sweep under way, so that dynalite can close under no request. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
    this.client.destroy();
  }

  private async assertTableExists(tableName: string): Promise<void> {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
      throw error;
    }
  }

  private async sweep(): Promise<void> {
    for (const [tableName, attributeName] of [...this.attributes]) {
      if (this.stopped) return;
      try {
        const deleted = await this.deleteExpired(tableName, attributeName);
        if (deleted > 0) this.cloud.record({ service: 'dynamodb', type: 'ttl.deleted', tableName, attributeName, count: deleted });
      } catch (error) {
        if (error instanceof ResourceNotFoundException) this.forget(tableName);
        else this.cloud.record({ service: 'dynamodb', type: 'ttl.failed', tableName, message: (error as Error).message });
      }
    }
  }

  /**
   * Deletes the items whose TTL attribute is a Number of epoch seconds in the past, but not more than five years past.
   * A String, a set or a missing attribute never matches (DynamoDB compares only values of one type). The delete
   * checks the same condition, so an item whose expiry was moved on meanwhile stays.
   */
  private async deleteExpired(tableName: string, attributeName: string): Promise<number> {
    const { Table } = await this.client.send(new DescribeTableCommand({ TableName: tableName }));
    const keys = (Table?.KeySchema ?? []).map((k) => k.AttributeName!);
    const now = Math.floor(Date.now() / 1000);
    const expired = {
      expression: '#ttl < :now AND #ttl >= :oldest',
      names: { '#ttl': attributeName },
      values: { ':now': { N: String(now) }, ':oldest': { N: String(now - FIVE_YEARS_SECONDS) } },
    };
    const keyNames = Object.fromEntries(keys.map((key, i) => [`#k${i}`, key]));
    let deleted = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: expired.expression,
          ProjectionExpression: Object.keys(keyNames).join(', '),
          ExpressionAttributeNames: { ...expired.names, ...keyNames },
          ExpressionAttributeValues: expired.values,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const key of page.Items ?? []) {
        try {
          await this.client.send(
            new DeleteItemCommand({ TableName: tableName, Key: key, ConditionExpression: expired.expression, ExpressionAttributeNames: expired.names, ExpressionAttributeValues: expired.values }),
          );
          deleted += 1;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && !this.stopped);
    return deleted;
  }
}
