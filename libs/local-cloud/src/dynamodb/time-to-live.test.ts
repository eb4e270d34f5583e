import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type TimeToLiveSpecification,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudActivity } from '../cloud';
import { startLocalCloud, type LocalCloud } from '../index';
import { TTL_SWEEP_INTERVAL_SECONDS } from './time-to-live';

const run = promisify(execFile);
const clientFor = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const nowSeconds = () => Math.floor(Date.now() / 1000);

let tables = 0;
async function createTable(client: DynamoDBClient, withSortKey = false): Promise<string> {
  const TableName = `ttl-table-${++tables}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(withSortKey ? [{ AttributeName: 'sk', AttributeType: 'S' as const }] : [])],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(withSortKey ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
    }),
  );
  return TableName;
}

const update = (client: DynamoDBClient, TableName: string, spec: TimeToLiveSpecification) =>
  client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: spec }));
const describeTtl = async (client: DynamoDBClient, TableName: string) => (await client.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Time to Live on the emulator endpoint', () => {
  let local: LocalCloud;
  let client: DynamoDBClient;

  beforeAll(async () => {
    // At AWS timings the sweeper waits TTL_SWEEP_INTERVAL_SECONDS: nothing expires during these tests.
    local = await startLocalCloud({ port: 0 });
    client = clientFor(local.url);
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
  });

  it('enables and disables TTL with AWS answers, and DescribeTimeToLive tells which', async () => {
    const table = await createTable(client);
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'DISABLED' });

    const enabled = await update(client, table, { AttributeName: 'expiration', Enabled: true });
    expect(enabled.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });

    const disabled = await update(client, table, { AttributeName: 'expiration', Enabled: false });
    expect(disabled.TimeToLiveSpecification).toEqual({ Enabled: false });
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'DISABLED' });
  });

  it('refuses a change that changes nothing, or another attribute while one is active', async () => {
    const table = await createTable(client);
    await expect(update(client, table, { AttributeName: 'expiration', Enabled: false })).rejects.toMatchObject({ name: 'ValidationException', message: 'TimeToLive is already disabled' });
    await update(client, table, { AttributeName: 'expiration', Enabled: true });
    await expect(update(client, table, { AttributeName: 'expiration', Enabled: true })).rejects.toMatchObject({ name: 'ValidationException', message: 'TimeToLive is already enabled' });
    await expect(update(client, table, { AttributeName: 'ttl', Enabled: true })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'TimeToLive is active on a different AttributeName: current AttributeName is expiration',
    });
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
  });

  it('names the bad field, and the missing table', async () => {
    const table = await createTable(client);
    await expect(update(client, table, { Enabled: true } as TimeToLiveSpecification)).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null",
    });
    await expect(update(client, table, { AttributeName: '', Enabled: true })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'TimeToLiveSpecification.AttributeName must be non empty',
    });
    await expect(client.send(new UpdateTimeToLiveCommand({ TableName: table } as never))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null",
    });
    await expect(describeTtl(client, 'no-such-table')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found: Table: no-such-table not found',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(update(client, 'no-such-table', { AttributeName: 'expiration', Enabled: true })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(describeTtl(client, 'a;')).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('TableName must be at least 3 characters') });
  });

  it('takes the table by its ARN too', async () => {
    const table = await createTable(client);
    await update(client, `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`, { AttributeName: 'expiration', Enabled: true });
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
  });

  it('a deleted table takes its TTL with it', async () => {
    const table = await createTable(client);
    await update(client, table, { AttributeName: 'expiration', Enabled: true });
    await client.send(new DeleteTableCommand({ TableName: table }));
    await expect(describeTtl(client, table)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'DISABLED' });
  });

  it('still reads an expired item that is not deleted yet, as AWS does', async () => {
    const table = await createTable(client);
    await update(client, table, { AttributeName: 'expiration', Enabled: true });
    const documents = DynamoDBDocumentClient.from(client);
    const item = { pk: 'expired', expiration: nowSeconds() - 60 };
    await documents.send(new PutCommand({ TableName: table, Item: item }));
    expect((await documents.send(new GetCommand({ TableName: table, Key: { pk: 'expired' } }))).Item).toEqual(item);
  });

  it('answers the AWS CLI describe-time-to-live', async () => {
    const table = await createTable(client);
    await update(client, table, { AttributeName: 'expiration', Enabled: true });
    const { stdout } = await run('/usr/bin/aws', ['dynamodb', 'describe-time-to-live', '--endpoint-url', local.url, '--region', 'us-east-1', '--output', 'json', '--table-name', table], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' },
    });
    expect(JSON.parse(stdout)).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' } });
  });
});

describe('the TTL sweeper', () => {
  // A sweep every TTL_SWEEP_INTERVAL_SECONDS AWS seconds: every 60 ms at this scale.
  const timeScale = 60 / (TTL_SWEEP_INTERVAL_SECONDS * 1000);
  let local: LocalCloud;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  const activity: CloudActivity[] = [];

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0, timeScale });
    local.cloud.monitor.on('activity', (a: CloudActivity) => activity.push(a));
    client = clientFor(local.url);
    documents = DynamoDBDocumentClient.from(client);
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
  });

  it('deletes the items whose TTL attribute is a Number of epoch seconds in the past, and only those', async () => {
    const table = await createTable(client, true);
    await update(client, table, { AttributeName: 'expiration', Enabled: true });
    const now = nowSeconds();
    const items = [
      { pk: 'order-1', sk: 'expired', expiration: now - 1 },
      { pk: 'order-1', sk: 'expired-long-ago', expiration: now - 30 * 24 * 3600 },
      { pk: 'order-1', sk: 'live', expiration: now + 3600 },
      { pk: 'order-1', sk: 'string-expiry', expiration: String(now - 60) },
      { pk: 'order-1', sk: 'milliseconds', expiration: Date.now() },
      { pk: 'order-1', sk: 'beyond-five-years', expiration: now - 6 * 365 * 24 * 3600 },
      { pk: 'order-1', sk: 'no-expiry' },
      { pk: 'order-1', sk: 'expiry-in-a-set', expiration: new Set([now - 60]) },
    ];
    for (const Item of items) await documents.send(new PutCommand({ TableName: table, Item }));

    const left = async () => ((await documents.send(new ScanCommand({ TableName: table }))).Items ?? []).map((i) => i.sk as string).sort();
    await until(async () => !(await left()).includes('expired') && !(await left()).includes('expired-long-ago'));
    expect(await left()).toEqual(['beyond-five-years', 'expiry-in-a-set', 'live', 'milliseconds', 'no-expiry', 'string-expiry']);
    expect(activity).toContainEqual(expect.objectContaining({ service: 'dynamodb', type: 'ttl.deleted', tableName: table, attributeName: 'expiration' }));
  });

  it('leaves a table whose TTL is disabled alone', async () => {
    const swept = await createTable(client);
    const untouched = await createTable(client);
    await update(client, swept, { AttributeName: 'expiration', Enabled: true });
    const expired = { pk: 'p', expiration: nowSeconds() - 60 };
    await documents.send(new PutCommand({ TableName: untouched, Item: expired }));
    await documents.send(new PutCommand({ TableName: swept, Item: expired }));
    await until(async () => (await documents.send(new GetCommand({ TableName: swept, Key: { pk: 'p' } }))).Item === undefined);
    expect((await documents.send(new GetCommand({ TableName: untouched, Key: { pk: 'p' } }))).Item).toEqual(expired);
  });
});

describe('the TTL sweeper and stop()', () => {
  it('stops with the emulator: no sweep runs after stop', async () => {
    const local = await startLocalCloud({ port: 0, timeScale: 60 / (TTL_SWEEP_INTERVAL_SECONDS * 1000) });
    const seen: CloudActivity[] = [];
    local.cloud.monitor.on('activity', (a: CloudActivity) => seen.push(a));
    const client = clientFor(local.url);
    await update(client, await createTable(client), { AttributeName: 'expiration', Enabled: true });
    client.destroy();
    await local.stop();
    // A sweep after stop would fail to reach dynalite (the SDK retries, then gives up) and record ttl.failed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(seen.filter((a) => a.type.startsWith('ttl.'))).toEqual([]);
  });
});
