import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalCloud, type LocalCloud } from '../../../../libs/local-cloud/src';
import { ReservationsTable } from './reservations-table';
import { StockTable } from './stock-table';

// The conditional writes against real DynamoDB semantics (dynalite), concurrent where the guarantees matter.
let local: LocalCloud;
let db: DynamoDBDocumentClient;
let stock: StockTable;
let reservations: ReservationsTable;

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
  const client = new DynamoDBClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  for (const [TableName, key] of [['stock', 'sku'], ['reservations', 'orderId']] as const) {
    await client.send(new CreateTableCommand({
      TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    }));
  }
  db = DynamoDBDocumentClient.from(client);
  stock = new StockTable(db, 'stock');
  reservations = new ReservationsTable(db, 'reservations');
});
afterAll(async () => {
  db?.destroy();
  await local?.stop();
});

describe('StockTable', () => {
  it('never goes negative: of 20 concurrent orders for 1 unit with 10 available, exactly 10 get one', async () => {
    await stock.setAvailable('RACE', 10);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => stock.reserve(`order-${i}`, { sku: 'RACE', quantity: 1 })));
    expect(outcomes.filter((o) => o.reserved)).toHaveLength(10);
    expect(outcomes.filter((o) => !o.reserved)).toEqual(Array(10).fill(expect.objectContaining({ reason: 'OUT_OF_STOCK', available: 0 })));
    expect(await stock.get('RACE')).toEqual({ sku: 'RACE', available: 0, reserved: 10 });
  });

  it('reserves once per order, however often asked (concurrently too)', async () => {
    await stock.setAvailable('ONCE', 10);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => stock.reserve('order-1', { sku: 'ONCE', quantity: 3 })));
    expect(outcomes.every((o) => o.reserved)).toBe(true);
    expect(await stock.get('ONCE')).toEqual({ sku: 'ONCE', available: 7, reserved: 3 });
  });

  it('refuses to call another quantity of a sku reserved when the order already holds a different one', async () => {
    await stock.setAvailable('TWICE', 10);
    expect(await stock.reserve('order-1', { sku: 'TWICE', quantity: 2 })).toEqual({ sku: 'TWICE', quantity: 2, reserved: true });
    await expect(stock.reserve('order-1', { sku: 'TWICE', quantity: 3 })).rejects.toThrow('order order-1 already holds 2 of TWICE, not the 3 asked for');
    expect(await stock.get('TWICE')).toEqual({ sku: 'TWICE', available: 8, reserved: 2 });
  });

  it('releases once: a repeat (concurrent or later) gives back nothing more', async () => {
    await stock.setAvailable('BACK', 5);
    await stock.reserve('order-1', { sku: 'BACK', quantity: 2 });
    await stock.reserve('order-2', { sku: 'BACK', quantity: 1 });
    const released = await Promise.all([stock.release('order-1', 'BACK'), stock.release('order-1', 'BACK'), stock.release('order-1', 'BACK')]);
    expect(released.map((r) => r.quantity).sort()).toEqual([0, 0, 2]);
    expect(await stock.release('order-1', 'BACK')).toEqual({ sku: 'BACK', quantity: 0 });
    expect(await stock.get('BACK')).toEqual({ sku: 'BACK', available: 4, reserved: 1 });
  });

  it('answers UNKNOWN_SKU for a sku it does not have, and releases nothing for it', async () => {
    expect(await stock.reserve('order-1', { sku: 'NOPE', quantity: 1 })).toEqual({ sku: 'NOPE', quantity: 1, reserved: false, available: 0, reason: 'UNKNOWN_SKU' });
    expect(await stock.release('order-1', 'NOPE')).toEqual({ sku: 'NOPE', quantity: 0 });
    expect(await stock.get('NOPE')).toBeUndefined();
  });

  it('setting the free units keeps what is reserved', async () => {
    await stock.setAvailable('KEEP', 5);
    await stock.reserve('order-1', { sku: 'KEEP', quantity: 2 });
    expect(await stock.setAvailable('KEEP', 10)).toEqual({ sku: 'KEEP', available: 10, reserved: 2 });
    expect(await stock.release('order-1', 'KEEP')).toEqual({ sku: 'KEEP', quantity: 2 });
    expect(await stock.get('KEEP')).toEqual({ sku: 'KEEP', available: 12, reserved: 0 });
  });
});

describe('ReservationsTable', () => {
  const items = [{ sku: 'A', quantity: 1 }];

  it('a cancellation that came first wins over a later begin', async () => {
    expect(await reservations.cancel('early')).toBeUndefined();
    expect(await reservations.begin('early', items)).toMatchObject({ status: 'CANCELLED' });
  });

  it('settles only a RESERVING order; a cancellation in between turns the outcome into CANCELLED', async () => {
    expect(await reservations.begin('mid', items)).toMatchObject({ status: 'RESERVING' });
    expect(await reservations.begin('mid', items)).toMatchObject({ status: 'RESERVING' });
    expect(await reservations.cancel('mid')).toMatchObject({ status: 'RESERVING' });
    expect(await reservations.settle('mid', { outcome: 'RESERVED', reserved: items })).toBe('CANCELLED');
  });

  it('a settled order tells a later cancellation what it holds, until the release is finished', async () => {
    await reservations.begin('late', items);
    expect(await reservations.settle('late', { outcome: 'RESERVED', reserved: items })).toBe('RESERVED');
    expect(await reservations.settle('late', { outcome: 'RESERVED', reserved: items })).toBe('RESERVED');
    expect(await reservations.cancel('late')).toMatchObject({ status: 'RESERVED', reserved: items });
    expect(await reservations.cancel('late')).toMatchObject({ status: 'CANCELLED', reserved: items });
    await reservations.finishRelease('late', items);
    expect(await reservations.cancel('late')).toMatchObject({ status: 'CANCELLED', reserved: [], released: items });
  });

  it('a FAILED settlement keeps its reason and shortages, which a begin run again answers', async () => {
    const unavailable = [{ sku: 'A', requested: 1, available: 0 }];
    await reservations.begin('short', items);
    expect(await reservations.settle('short', { outcome: 'FAILED', reserved: [], reason: 'OUT_OF_STOCK', unavailable })).toBe('FAILED');
    expect(await reservations.begin('short', items)).toMatchObject({ status: 'FAILED', reason: 'OUT_OF_STOCK', unavailable, reserved: [] });
  });

  it('every write stamps updatedAt (what the sweep reads to leave a record a saga may still own)', async () => {
    await reservations.begin('stamped', items, 1000);
    expect(await reservations.get('stamped')).toMatchObject({ updatedAt: 1000 });
    await reservations.settle('stamped', { outcome: 'RESERVED', reserved: items }, 2000);
    expect(await reservations.get('stamped')).toMatchObject({ updatedAt: 2000 });
    await reservations.cancel('stamped', 3000);
    expect(await reservations.get('stamped')).toMatchObject({ updatedAt: 3000 });
    await reservations.finishRelease('stamped', items, 4000);
    expect(await reservations.get('stamped')).toMatchObject({ updatedAt: 4000 });
  });
});
