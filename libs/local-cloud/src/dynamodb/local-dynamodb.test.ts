import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  TransactWriteItemsCommand,
  TransactGetItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Cloud, type CloudActivity } from '../cloud';
import { readBody } from '../protocol';
import { createDynamoDb, type LocalDynamoDb } from './local-dynamodb';

const clientFor = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** Stands in for the emulator's shared endpoint: hands every request to the raw handler. */
async function serveRaw(dynamodb: LocalDynamoDb): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => dynamodb.handle(req, res, await readBody(req)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

const ordersTable = (TableName: string) =>
  new CreateTableCommand({
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  });

describe('DynamoDB (dynalite) behind the endpoint proxy', () => {
  const cloud = new Cloud();
  const activity: CloudActivity[] = [];
  cloud.monitor.on('activity', (a: CloudActivity) => activity.push(a));
  let dynamodb: LocalDynamoDb;
  let proxy: Awaited<ReturnType<typeof serveRaw>>;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamodb = await createDynamoDb(cloud);
    proxy = await serveRaw(dynamodb);
    client = clientFor(proxy.endpoint);
    documents = DynamoDBDocumentClient.from(client);
  });

  afterAll(async () => {
    client.destroy();
    await proxy.close();
    await dynamodb.close();
  });

  it('publishes the dynalite URL on the cloud', () => {
    expect(dynamodb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cloud.dynamodbEndpoint).toBe(dynamodb.endpoint);
  });

  it('creates a table that is ACTIVE at once', async () => {
    await client.send(ordersTable('orders'));
    const described = await client.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(described.Table?.TableStatus).toBe('ACTIVE');
  });

  it('fails a conditional put with ConditionalCheckFailedException', async () => {
    const put = () =>
      documents.send(new PutCommand({ TableName: 'orders', Item: { pk: 'order#1', sk: 'v1', total: 10 }, ConditionExpression: 'attribute_not_exists(pk)' }));
    await put();
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const item = await documents.send(new GetCommand({ TableName: 'orders', Key: { pk: 'order#1', sk: 'v1' } }));
    expect(item.Item).toEqual({ pk: 'order#1', sk: 'v1', total: 10 });
  });

  it('answers the item as it was with the failure when asked (ReturnValuesOnConditionCheckFailure ALL_OLD)', async () => {
    // Powertools idempotency reads the existing record from this answer; without it, it reads the record again, and a
    // record deleted in between (a failed run's) surfaced as IdempotencyItemNotFoundError.
    const put = (ReturnValuesOnConditionCheckFailure?: 'ALL_OLD') =>
      documents.send(new PutCommand({ TableName: 'orders', Item: { pk: 'order#2', sk: 'v1', total: 20 }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure }));
    await put();
    const asked = await put('ALL_OLD').catch((error: unknown) => error);
    expect(asked).toBeInstanceOf(ConditionalCheckFailedException);
    expect((asked as ConditionalCheckFailedException).Item).toEqual({ pk: { S: 'order#2' }, sk: { S: 'v1' }, total: { N: '20' } });
    const unasked = await put().catch((error: unknown) => error);
    expect((unasked as ConditionalCheckFailedException).Item).toBeUndefined();
  });

  describe('request units for the usage meter', () => {
    const units = (table: string) => cloud.usage.snapshot().dynamodb[table] ?? { writeUnits: 0, readUnits: 0, byOperation: {} };
    const kb = (n: number) => 'x'.repeat(n * 1024 - 200);

    beforeAll(async () => {
      await client.send(ordersTable('metered'));
      cloud.usage.reset();
    });

    it('counts a write by the KB of the item and a read by 4 KB, halved when eventually consistent', async () => {
      await documents.send(new PutCommand({ TableName: 'metered', Item: { pk: 'big', sk: 's', text: kb(3) } }));
      expect(units('metered').writeUnits).toBe(3);
      await documents.send(new GetCommand({ TableName: 'metered', Key: { pk: 'big', sk: 's' }, ConsistentRead: true }));
      await documents.send(new GetCommand({ TableName: 'metered', Key: { pk: 'big', sk: 's' } }));
      expect(units('metered').readUnits).toBe(1.5);
      expect(units('metered').byOperation).toEqual({ PutItem: 1, GetItem: 2 });
    });

    it('counts a failed conditional write by the size of the item already there, or 1 when none is', async () => {
      const before = units('metered').writeUnits;
      const put = (pk: string) => documents.send(new PutCommand({ TableName: 'metered', Item: { pk, sk: 's', text: kb(5) }, ConditionExpression: 'attribute_exists(pk)' }));
      await expect(put('big')).resolves.toBeDefined();
      expect(units('metered').writeUnits - before).toBe(5);
      await expect(put('absent')).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      expect(units('metered').writeUnits - before).toBe(6);
      await expect(
        documents.send(new PutCommand({ TableName: 'metered', Item: { pk: 'big', sk: 's', text: 'small' }, ConditionExpression: 'attribute_not_exists(pk)' })),
      ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      expect(units('metered').writeUnits - before).toBe(11);
    });

    it('answers ConsumedCapacity only to a caller that asked for it', async () => {
      const quiet = await documents.send(new GetCommand({ TableName: 'metered', Key: { pk: 'big', sk: 's' } }));
      expect(quiet.ConsumedCapacity).toBeUndefined();
      const asked = await documents.send(new GetCommand({ TableName: 'metered', Key: { pk: 'big', sk: 's' }, ReturnConsumedCapacity: 'TOTAL' }));
      expect(asked.ConsumedCapacity).toEqual({ TableName: 'metered', CapacityUnits: 1 });
    });
  });

  it('queries a partition by key condition', async () => {
    for (const sk of ['v2', 'v3', 'x1']) {
      await documents.send(new PutCommand({ TableName: 'orders', Item: { pk: 'order#1', sk, total: 20 } }));
    }
    await documents.send(new PutCommand({ TableName: 'orders', Item: { pk: 'order#2', sk: 'v1', total: 5 } }));
    const result = await documents.send(
      new QueryCommand({
        TableName: 'orders',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': 'order#1', ':v': 'v' },
      }),
    );
    expect(result.Items?.map((i) => i.sk)).toEqual(['v1', 'v2', 'v3']);
    expect(activity).toContainEqual(expect.objectContaining({ service: 'dynamodb', type: 'operation', operation: 'Query', statusCode: 200 }));
  });

  it('answers the operations dynalite lacks with a clear UnknownOperationException', async () => {
    const cases = [
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'orders', Item: { pk: { S: 'a' }, sk: { S: 'b' } } } }] }),
      new ExecuteStatementCommand({ Statement: 'SELECT * FROM orders' }),
      new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'orders', Key: { pk: { S: 'a' }, sk: { S: 'b' } } } }] }),
    ];
    for (const command of cases) {
      const operation = command.constructor.name.replace(/Command$/, '');
      await expect(client.send(command as any)).rejects.toMatchObject({
        name: 'UnknownOperationException',
        message: expect.stringContaining(`${operation} is not supported by the local DynamoDB (dynalite)`),
        $metadata: { httpStatusCode: 400 },
      });
    }
    // Nothing of the refused transaction was written.
    const item = await documents.send(new GetCommand({ TableName: 'orders', Key: { pk: 'a', sk: 'b' } }));
    expect(item.Item).toBeUndefined();
  });
});

describe('DynamoDB on disk', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'local-dynamodb-'));
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps tables and items across restarts', async () => {
    const first = await createDynamoDb(new Cloud(), { path: directory });
    const client = clientFor(first.endpoint);
    const writer = DynamoDBDocumentClient.from(client);
    await writer.send(ordersTable('kept'));
    // CREATING until dynalite has written the table's status to disk: a client waits for ACTIVE, as on AWS.
    await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }, { TableName: 'kept' });
    await writer.send(new PutCommand({ TableName: 'kept', Item: { pk: 'p', sk: 's', n: 1 } }));
    writer.destroy();
    await first.close();

    const second = await createDynamoDb(new Cloud(), { path: directory });
    const reader = DynamoDBDocumentClient.from(clientFor(second.endpoint));
    try {
      const item = await reader.send(new GetCommand({ TableName: 'kept', Key: { pk: 'p', sk: 's' } }));
      expect(item.Item).toEqual({ pk: 'p', sk: 's', n: 1 });
    } finally {
      reader.destroy();
      await second.close();
    }
  });
});
