import http from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { crc32 } from 'node:zlib';
import type { Cloud } from '../cloud';
import { AwsError } from '../errors';
import { askingCapacity, ConditionFailureUnits, consumesCapacity, unitsOf, type TableUnits } from './consumed-capacity';
import { dynaliteDispatcher, type DynaliteAnswer } from './dynalite-dispatch';
import { TimeToLive } from './time-to-live';

/**
 * DynamoDB for the emulator: a dynalite server on 127.0.0.1 (random port) and a byte-for-byte proxy
 * that the shared endpoint hands every `DynamoDB_20120810.*` request to. The proxy itself serves Time to Live
 * (time-to-live.ts), which dynalite lacks.
 */

export interface DynamoDbOptions {
  /** LevelDB directory to keep the tables on disk; in memory when absent. */
  path?: string;
  /** Throws the AwsError to answer when the caller may not make this request (iam/request-guard.ts). */
  authorize?: (operation: string, input: Record<string, unknown>) => void;
}

export interface LocalDynamoDb {
  /** The dynalite server's own URL (also set as `cloud.dynamodbEndpoint`). */
  endpoint: string;
  targetPrefix: 'DynamoDB_20120810';
  signingName: 'dynamodb';
  /** Proxies one DynamoDB JSON request (its body read by the endpoint) to dynalite, with the fault plan's DynamoDB faults. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** The operations dynalite 4.0.0 implements (`validOperations` in its index.js). */
export const DYNALITE_OPERATIONS = new Set([
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
]);

/** Served by the proxy, not dynalite (whose DescribeTimeToLive always answers DISABLED). */
export const TTL_OPERATIONS = new Set(['UpdateTimeToLive', 'DescribeTimeToLive']);

/**
 * dynalite answers an operation it lacks (TransactWriteItems, PartiQL...) with a bare
 * UnknownOperationException that the SDK shows as "UnknownError": say instead what is missing.
 */
function rejectUnsupported(operation: string, res: http.ServerResponse): void {
  const body = JSON.stringify({
    __type: 'com.amazon.coral.service#UnknownOperationException',
    message: `${operation} is not supported by the local DynamoDB (dynalite). Supported: ${[...new Set([...DYNALITE_OPERATIONS, ...TTL_OPERATIONS])].join(', ')}.`,
  });
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const THROTTLED_MESSAGE = 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';

function answerError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message });
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function answerJson(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A JSON request body; anything else is answered as AWS does, with a SerializationException. */
function parseInput(body: Buffer): Record<string, unknown> {
  try {
    const input = JSON.parse(body.toString('utf8')) as unknown;
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AwsError('SerializationException', 'the request body is not a JSON object');
}

/** The request body as a JSON object; undefined for anything else (dynalite answers it). */
function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    return parseInput(body);
  } catch {
    return undefined;
  }
}

/** The tables a request names: `TableName`, or the keys of a batch's `RequestItems`. */
function tablesOf(input: Record<string, unknown> | undefined): string[] {
  if (typeof input?.TableName === 'string') return [input.TableName];
  const items = input?.RequestItems;
  return items !== null && typeof items === 'object' ? Object.keys(items) : [];
}

/** The request with the consumed capacity asked for. */
function meteredRequest(body: Buffer, input: Record<string, unknown>): { body: Buffer; input: Record<string, unknown>; callerAsked: boolean } {
  const asking = askingCapacity(input);
  return { body: asking.callerAsked ? body : Buffer.from(JSON.stringify(asking.input)), input, callerAsked: asking.callerAsked };
}

/**
 * dynalite's answer once `read` has seen it: as it came, or as `read` rewrote it (with its length and the x-amz-crc32
 * the SDK checks made anew). An answer that is not JSON, or a `read` that fails, stays as it came.
 */
async function meteredAnswer(
  answer: DynaliteAnswer,
  read: (status: number, output: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>,
): Promise<DynaliteAnswer> {
  try {
    const rewritten = await read(answer.statusCode, JSON.parse(answer.body) as Record<string, unknown>);
    if (!rewritten) return answer;
    const body = JSON.stringify(rewritten);
    return { ...answer, body, headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(body)), 'x-amz-crc32': String(crc32(body)) } };
  } catch {
    return answer;
  }
}

export async function createDynamoDb(cloud: Cloud, options: DynamoDbOptions = {}): Promise<LocalDynamoDb> {
  // Tables are ACTIVE at once: no CREATING/DELETING/UPDATING delay to wait out locally.
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const dispatch = dynaliteDispatcher(server);
  cloud.dynamodbEndpoint = endpoint;
  const timeToLive = new TimeToLive(cloud, endpoint);
  timeToLive.start();
  const conditionFailures = new ConditionFailureUnits(endpoint, cloud.region);

  async function serveTimeToLive(operation: string, body: Buffer, res: http.ServerResponse): Promise<void> {
    let statusCode = 200;
    try {
      const input = parseInput(body);
      answerJson(res, operation === 'UpdateTimeToLive' ? await timeToLive.update(input) : await timeToLive.describe(input));
    } catch (error) {
      const failure = error instanceof AwsError ? error : new AwsError('InternalServerError', (error as Error).message, 500);
      statusCode = failure.statusCode;
      answerError(res, failure.statusCode, failure.code, failure.message);
    }
    cloud.record({ service: 'dynamodb', type: 'operation', operation, statusCode });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    // Parsed once: for IAM, the fault plan's scope (table names) and the usage meter.
    if (operation && !DYNALITE_OPERATIONS.has(operation) && !TTL_OPERATIONS.has(operation)) {
      cloud.record({ service: 'dynamodb', type: 'operation.unsupported', operation });
      return rejectUnsupported(operation, res);
    }
    const input = jsonObject(body);
    try {
      options.authorize?.(operation, input ?? {});
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      cloud.record({ service: 'dynamodb', type: 'operation', operation, statusCode: error.statusCode });
      return answerError(res, error.statusCode, error.code, error.message);
    }
    if (TTL_OPERATIONS.has(operation)) return serveTimeToLive(operation, body, res);
    const tables = tablesOf(input);
    const site = { names: tables, context: { operation, tableName: tables.join(',') } };
    if (cloud.faults.strikes('dynamodb.throttle', site, 'ProvisionedThroughputExceededException')) {
      return answerError(res, 400, 'ProvisionedThroughputExceededException', THROTTLED_MESSAGE);
    }
    // Every request that consumes capacity asks dynalite what it consumed, for the usage meter (consumed-capacity.ts).
    const metered = input && consumesCapacity(operation) ? meteredRequest(body, input) : undefined;
    const meter = (units: TableUnits | undefined) => units && cloud.usage.dynamodbRequest(units.table, operation, units);
    const forwarded = metered?.body ?? body;
    let answer: DynaliteAnswer;
    try {
      answer = await dispatch({ method: req.method ?? 'POST', url: req.url ?? '/', headers: { ...req.headers, 'content-length': String(forwarded.length) }, body: forwarded });
    } catch (error) {
      cloud.record({ service: 'dynamodb', type: 'operation', operation, statusCode: 500 });
      return answerError(res, 500, 'InternalServerError', `local DynamoDB failed: ${(error as Error).message}`);
    }
    cloud.record({ service: 'dynamodb', type: 'operation', operation, statusCode: answer.statusCode });
    if (operation === 'DeleteTable' && answer.statusCode === 200) {
      for (const table of site.names) {
        timeToLive.forget(table);
        conditionFailures.forget(table);
      }
    }
    // The write was applied, but the client hears InternalServerError (HTTP 500, retryable:
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html) and its SDK sends
    // the write again, so a conditional write can then fail its own condition.
    // Only an applied write can lose its answer (a refused one changed nothing), so only those are drawn.
    if (answer.statusCode === 200 && WRITE_OPERATIONS.has(operation) && cloud.faults.strikes('dynamodb.lostResponse', site, 'InternalServerError')) {
      // Applied, so its units were consumed.
      if (metered) {
        await meteredAnswer(answer, async (_status, output) => {
          unitsOf(operation, output).forEach(meter);
          return undefined;
        });
      }
      return answerError(res, 500, 'InternalServerError', 'Internal server error');
    }
    if (metered) {
      answer = await meteredAnswer(answer, async (status, output) => {
        if (status === 200) {
          unitsOf(operation, output).forEach(meter);
          if (metered.callerAsked) return undefined;
          const { ConsumedCapacity: _asked, ...answered } = output;
          return answered;
        }
        if (String(output.__type).endsWith('#ConditionalCheckFailedException')) meter(await conditionFailures.of(operation, metered.input));
        return undefined;
      });
    }
    // dynalite's headers as it set them (x-amz-crc32, which the SDK checks, included).
    res.writeHead(answer.statusCode, answer.headers);
    res.end(answer.body);
  }

  async function close(): Promise<void> {
    await timeToLive.stop();
    conditionFailures.destroy();
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    // Clients calling dynalite directly may hold keep-alive sockets: do not wait for them to time out.
    server.closeAllConnections();
    await closed;
    if (cloud.dynamodbEndpoint === endpoint) cloud.dynamodbEndpoint = undefined;
  }

  return { endpoint, targetPrefix: 'DynamoDB_20120810', signingName: 'dynamodb', handle, close };
}
