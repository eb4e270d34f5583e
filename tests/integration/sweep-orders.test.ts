import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startSystem, type System } from '../support/system';
import { fireSweep, sweepClients } from '../support/sweeps';

/**
 * The orders sweep on the emulator: PENDING orders written by hand past their deadline, the schedule fired by hand,
 * the repair read back from the table and the bus; a second run finds nothing.
 */
const SCHEDULE = 'shop-orders-dev-overdue-orders';
const TABLE = 'shop-orders-dev-orders';
const SAGA = 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-orders-dev-order';
let system: System;
let clients: ReturnType<typeof sweepClients>;

beforeAll(async () => {
  system = await startSystem({ services: ['event-bus', 'identity', 'orders'] });
  clients = sweepClients(system);
});
afterAll(async () => {
  clients?.destroy();
  await system?.stop();
});

const pendingOrder = (orderId: string, createdAt: Date) => ({
  orderId, customerId: 'cust-sweep', customerEmail: 'sweep@example.com', currency: 'EUR', items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 1299 }],
  total: 1299, paymentToken: 'tok_visa', status: 'PENDING', createdAt: createdAt.toISOString(), updatedAt: createdAt.toISOString(), outcomes: {}, waits: {},
});
const order = async (orderId: string) => (await clients.documents.send(new GetCommand({ TableName: TABLE, Key: { orderId } }))).Item;

it('cancels with TIMEOUT an overdue PENDING order whose saga no longer runs, publishes OrderCancelled, and leaves the rest', async () => {
  const yesterday = new Date(Date.now() - 86_400_000);
  const orphan = randomUUID(); // no saga ever ran for it
  const fresh = randomUUID(); // PENDING, but within its deadline
  const running = randomUUID(); // overdue, but its saga still waits for outcomes
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: pendingOrder(orphan, yesterday) }));
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: pendingOrder(fresh, new Date()) }));
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: pendingOrder(running, yesterday) }));
  await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: SAGA, name: running, input: JSON.stringify({ orderId: running, outcomeTimeoutSeconds: 1_000_000 }) }));
  await system.waitFor(async () => (await order(running))?.waits?.inventory, 'the running saga to wait');

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'orders', sweep: 'overdue-orders', value: 1 }]);
  expect(await order(orphan)).toMatchObject({ status: 'CANCELLED', reason: 'TIMEOUT' });
  expect(await order(fresh)).toMatchObject({ status: 'PENDING' });
  expect(await order(running)).toMatchObject({ status: 'PENDING' });
  const { status } = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: `${SAGA.replace(':stateMachine:', ':execution:')}:${running}` }));
  expect(status).toBe('RUNNING');
  const cancelled = (await system.busEvents()).filter((e) => e['detail-type'] === 'OrderCancelled.v1' && e.detail.data.orderId === orphan);
  expect(cancelled).toHaveLength(1);
  expect(cancelled[0]!.detail.data).toMatchObject({ reason: 'TIMEOUT', customer: { id: 'cust-sweep', email: 'sweep@example.com' } });

  // The second run finds nothing to repair.
  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'orders', sweep: 'overdue-orders', value: 0 }]);
  expect((await system.busEvents()).filter((e) => e['detail-type'] === 'OrderCancelled.v1')).toHaveLength(1);
});

it('cancels an overdue order whose saga ended without settling it', async () => {
  const orderId = randomUUID();
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: pendingOrder(orderId, new Date(Date.now() - 86_400_000)) }));
  // A saga that ended (here: its order did not exist yet when it ran, so every step failed) and left the order PENDING.
  await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: SAGA, name: orderId, input: JSON.stringify({ orderId: 'not-this-order', outcomeTimeoutSeconds: 1 }) }));
  await system.waitFor(async () => {
    const { status } = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: `${SAGA.replace(':stateMachine:', ':execution:')}:${orderId}` }));
    return status !== 'RUNNING';
  }, 'the saga to end');
  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'orders', sweep: 'overdue-orders', value: 1 }]);
  expect(await order(orderId)).toMatchObject({ status: 'CANCELLED', reason: 'TIMEOUT' });
});
