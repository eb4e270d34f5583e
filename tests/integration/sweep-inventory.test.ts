import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startSystem, type System } from '../support/system';
import { fireSweep, sweepClients } from '../support/sweeps';

/**
 * The inventory sweep on the emulator: stock held for an order whose reservation record says CANCELLED (as the
 * release saga leaves it when it fails part-way), written by hand; the schedule fired by hand gives it back.
 */
const SCHEDULE = 'shop-inventory-dev-cancelled-holds';
const STOCK = 'shop-inventory-dev-stock';
const RESERVATIONS = 'shop-inventory-dev-reservations';
let system: System;
let clients: ReturnType<typeof sweepClients>;

beforeAll(async () => {
  system = await startSystem({ services: ['event-bus', 'identity', 'inventory'] });
  clients = sweepClients(system);
});
afterAll(async () => {
  clients?.destroy();
  await system?.stop();
});

const get = async (TableName: string, Key: Record<string, string>) => (await clients.documents.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;

it('releases the stock held for a cancelled order, keeps what live orders hold, and finds nothing the second time', async () => {
  const cancelled = randomUUID();
  const live = randomUUID();
  await clients.documents.send(new PutCommand({ TableName: STOCK, Item: { sku: 'SKU-SWEEP-A', available: 5, reserved: 4, reservations: { [cancelled]: 3, [live]: 1 } } }));
  await clients.documents.send(new PutCommand({ TableName: STOCK, Item: { sku: 'SKU-SWEEP-B', available: 0, reserved: 2, reservations: { [cancelled]: 2 } } }));
  const lines = [{ sku: 'SKU-SWEEP-A', quantity: 3 }, { sku: 'SKU-SWEEP-B', quantity: 2 }];
  await clients.documents.send(new PutCommand({ TableName: RESERVATIONS, Item: { orderId: cancelled, status: 'CANCELLED', items: lines, reserved: lines } }));
  await clients.documents.send(new PutCommand({ TableName: RESERVATIONS, Item: { orderId: live, status: 'RESERVED', items: [{ sku: 'SKU-SWEEP-A', quantity: 1 }], reserved: [{ sku: 'SKU-SWEEP-A', quantity: 1 }] } }));

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'inventory', sweep: 'cancelled-holds', value: 1 }]);
  expect(await get(STOCK, { sku: 'SKU-SWEEP-A' })).toEqual({ sku: 'SKU-SWEEP-A', available: 8, reserved: 1, reservations: { [live]: 1 } });
  expect(await get(STOCK, { sku: 'SKU-SWEEP-B' })).toEqual({ sku: 'SKU-SWEEP-B', available: 2, reserved: 0, reservations: {} });
  expect(await get(RESERVATIONS, { orderId: cancelled })).toMatchObject({ status: 'CANCELLED', reserved: [], released: expect.arrayContaining(lines) });
  expect(await get(RESERVATIONS, { orderId: live })).toMatchObject({ status: 'RESERVED' });

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'inventory', sweep: 'cancelled-holds', value: 0 }]);
  expect(await get(STOCK, { sku: 'SKU-SWEEP-A' })).toMatchObject({ available: 8, reserved: 1 });
});

it('leaves a cancelled order whose record was written in the last five minutes: an Express saga may still release it', async () => {
  const recent = randomUUID();
  await clients.documents.send(new PutCommand({ TableName: STOCK, Item: { sku: 'SKU-SWEEP-C', available: 1, reserved: 2, reservations: { [recent]: 2 } } }));
  const lines = [{ sku: 'SKU-SWEEP-C', quantity: 2 }];
  await clients.documents.send(new PutCommand({ TableName: RESERVATIONS, Item: { orderId: recent, status: 'CANCELLED', items: lines, reserved: lines, updatedAt: Date.now() - 60_000 } }));

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'inventory', sweep: 'cancelled-holds', value: 0 }]);
  expect(await get(STOCK, { sku: 'SKU-SWEEP-C' })).toMatchObject({ available: 1, reserved: 2 });

  await clients.documents.send(new PutCommand({ TableName: RESERVATIONS, Item: { orderId: recent, status: 'CANCELLED', items: lines, reserved: lines, updatedAt: Date.now() - 6 * 60_000 } }));
  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'inventory', sweep: 'cancelled-holds', value: 1 }]);
  expect(await get(STOCK, { sku: 'SKU-SWEEP-C' })).toMatchObject({ available: 3, reserved: 0 });
});
