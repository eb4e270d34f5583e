import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { retryExecutionName } from '../../services/notifications/src/domain/notification-request';
import { startSystem, type System } from '../support/system';
import { fireSweep, sweepClients } from '../support/sweeps';

/**
 * The notifications sweep on the emulator: claims left CLAIMED, written by hand, by an execution that is gone and by
 * one that ended; the schedule fired by hand releases them and starts the outcome again where the input is known.
 */
const SCHEDULE = 'shop-notifications-dev-stale-claims';
const TABLE = 'shop-notifications-dev-notifications';
const SAGA = 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-notifications-dev-notification';
const execution = (name: string) => `${SAGA.replace(':stateMachine:', ':execution:')}:${name}`;
let system: System;
let clients: ReturnType<typeof sweepClients>;

beforeAll(async () => {
  system = await startSystem({ services: ['event-bus', 'identity', 'notifications'] });
  clients = sweepClients(system);
  // The packaged 900 s after the execution ended: none here, so the claim of an execution that just ended is stale.
  const fn = system.local.lambda.getFunction('shop-notifications-dev-resolveStaleClaims');
  system.local.lambda.registerFunction({ ...fn, environment: { ...fn.environment, CLAIM_DEADLINE_SECONDS: '0' } });
});
afterAll(async () => {
  clients?.destroy();
  await system?.stop();
});

const claim = (orderId: string, claimedBy: string, status = 'CLAIMED') => ({
  orderId, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', recipient: 'sweep@example.com', subject: 'Your order', status, claimedBy,
});
const read = async (orderId: string) => (await clients.documents.send(new GetCommand({ TableName: TABLE, Key: { orderId, outcome: 'CONFIRMED' }, ConsistentRead: true }))).Item;

it('releases claims whose execution ended or is gone, starts the outcome again from a known input, and leaves sent ones', async () => {
  const gone = randomUUID();
  const ended = randomUUID();
  const sent = randomUUID();
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: claim(gone, execution(`notify-${gone}-CONFIRMED`)) }));
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: { ...claim(sent, execution(`notify-${sent}-CONFIRMED`), 'SENT'), providerMessageId: 'm-1', sentAt: new Date().toISOString() } }));
  // An execution that ended (its input cannot be rendered: it fails at once) and left its claim CLAIMED.
  const input = JSON.stringify({ orderId: ended, outcome: 'CONFIRMED' });
  await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: SAGA, name: `notify-${ended}-CONFIRMED`, input }));
  await system.waitFor(async () => (await clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution(`notify-${ended}-CONFIRMED`) }))).status !== 'RUNNING', 'the execution to end');
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: claim(ended, execution(`notify-${ended}-CONFIRMED`)) }));

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'notifications', sweep: 'stale-claims', value: 2 }]);
  expect(await read(gone)).toBeUndefined();
  expect(await read(ended)).toBeUndefined();
  expect(await read(sent)).toMatchObject({ status: 'SENT' });
  const again = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution(retryExecutionName(ended, 'CONFIRMED', execution(`notify-${ended}-CONFIRMED`))) }));
  expect(again.input).toBe(input);

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'notifications', sweep: 'stale-claims', value: 0 }]);
});
