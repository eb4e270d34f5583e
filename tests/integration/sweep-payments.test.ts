import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { paymentIdFor } from '../../services/payments/src/domain/payment';
import { startSystem, type System } from '../support/system';
import { fireSweep, sweepClients } from '../support/sweeps';

/**
 * The payments sweep on the emulator: ledger rows and provider rows written by hand (a cancelled order's capture never
 * refunded, an authorization the ledger says was voided, a live capture); the schedule fired by hand releases what is
 * owed and nothing else; a second run finds nothing.
 */
const SCHEDULE = 'shop-payments-dev-owed-releases';
const LEDGER = 'shop-payments-dev-payments';
const PROVIDER = 'shop-payments-dev-provider';
let system: System;
let clients: ReturnType<typeof sweepClients>;

beforeAll(async () => {
  system = await startSystem({ services: ['event-bus', 'identity', 'payments'] });
  clients = sweepClients(system);
});
afterAll(async () => {
  clients?.destroy();
  await system?.stop();
});

const put = (TableName: string, Item: Record<string, unknown>) => clients.documents.send(new PutCommand({ TableName, Item }));
const get = async (TableName: string, Key: Record<string, string>) => (await clients.documents.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
const ledgerRow = (orderId: string, status: string, cancelRequested: boolean, captured: number) => ({
  orderId, paymentId: paymentIdFor(orderId), customerId: 'cust-sweep', customerEmail: 'sweep@example.com', currency: 'EUR', amount: 2500,
  captured, refunded: 0, status, cancelRequested, ...(captured ? { capturedAt: new Date().toISOString() } : {}),
});
const providerRow = (orderId: string, status: string, captured: number) => ({
  id: orderId, paymentId: paymentIdFor(orderId), token: 'tok_visa', currency: 'EUR', amount: 2500, status, captured, refunded: 0,
});

it('refunds a cancelled capture, voids an authorization the ledger says was released, leaves live payments', async () => {
  const cancelled = randomUUID();
  const voided = randomUUID();
  const live = randomUUID();
  await put(LEDGER, ledgerRow(cancelled, 'CAPTURED', true, 2500));
  await put(PROVIDER, providerRow(cancelled, 'CAPTURED', 2500));
  await put(LEDGER, ledgerRow(voided, 'VOIDED', true, 0));
  await put(PROVIDER, providerRow(voided, 'AUTHORIZED', 0));
  await put(LEDGER, ledgerRow(live, 'CAPTURED', false, 2500));
  await put(PROVIDER, providerRow(live, 'CAPTURED', 2500));

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'payments', sweep: 'owed-releases', value: 2 }]);
  expect(await get(PROVIDER, { id: cancelled })).toMatchObject({ status: 'REFUNDED', captured: 2500, refunded: 2500 });
  expect(await get(LEDGER, { orderId: cancelled })).toMatchObject({ status: 'REFUNDED', captured: 2500, refunded: 2500 });
  expect(await get(PROVIDER, { id: voided })).toMatchObject({ status: 'VOIDED', captured: 0 });
  expect(await get(LEDGER, { orderId: voided })).toMatchObject({ status: 'VOIDED' });
  expect(await get(PROVIDER, { id: live })).toMatchObject({ status: 'CAPTURED', refunded: 0 });
  expect(await get(LEDGER, { orderId: live })).toMatchObject({ status: 'CAPTURED' });
  const refunded = (await system.busEvents()).filter((e) => e['detail-type'] === 'PaymentRefunded.v1');
  expect(refunded.map((e) => e.detail.data.orderId)).toEqual([cancelled]);

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'payments', sweep: 'owed-releases', value: 0 }]);
  expect(await get(PROVIDER, { id: cancelled })).toMatchObject({ refunded: 2500 });
});

it('leaves a cancelled payment alone while its Express payment saga may still run (Begin within five minutes), then voids it', async () => {
  const recent = randomUUID();
  const stale = randomUUID();
  // Both cancelled while AUTHORIZED; the provider holds an authorization for each.
  await put(LEDGER, { ...ledgerRow(recent, 'AUTHORIZED', true, 0), updatedAt: Date.now() - 60_000 });
  await put(PROVIDER, providerRow(recent, 'AUTHORIZED', 0));
  await put(LEDGER, { ...ledgerRow(stale, 'AUTHORIZED', true, 0), updatedAt: Date.now() - 6 * 60_000 });
  await put(PROVIDER, providerRow(stale, 'AUTHORIZED', 0));

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'payments', sweep: 'owed-releases', value: 1 }]);
  expect(await get(PROVIDER, { id: recent })).toMatchObject({ status: 'AUTHORIZED' });
  expect(await get(LEDGER, { orderId: recent })).toMatchObject({ status: 'AUTHORIZED' });
  expect(await get(PROVIDER, { id: stale })).toMatchObject({ status: 'VOIDED' });
  expect(await get(LEDGER, { orderId: stale })).toMatchObject({ status: 'VOIDED' });
});
