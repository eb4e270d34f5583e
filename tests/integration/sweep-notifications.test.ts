import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { CLAIM_LEASE_SECONDS, newClaim, type NotificationClaim } from '../../services/notifications/src/domain/claim';
import type { NotificationRequest } from '../../services/notifications/src/domain/notification-request';
import { startSystem, type System } from '../support/system';
import { fireSweep, sweepClients } from '../support/sweeps';

/**
 * The notifications sweep on the emulator: claims left CLAIMED, written by hand, past their lease and within it; the
 * schedule fired by hand runs the saga again (an Express workflow, to its end) from the request each stale claim keeps,
 * the new run takes the claim over and sends once; a live claim and a sent one are left alone.
 */
const SCHEDULE = 'shop-notifications-dev-stale-claims';
const TABLE = 'shop-notifications-dev-notifications';
const DEAD_RUN = 'arn:aws:states:us-east-1:000000000000:express:shop-notifications-dev-notification:notify-gone:run';
let system: System;
let clients: ReturnType<typeof sweepClients>;

beforeAll(async () => {
  system = await startSystem({ services: ['event-bus', 'identity', 'notifications'] });
  clients = sweepClients(system);
  // The packaged 900 s past the lease: none here, so a claim whose lease just ran out is stale.
  const fn = system.local.lambda.getFunction('shop-notifications-dev-resolveStaleClaims');
  system.local.lambda.registerFunction({ ...fn, environment: { ...fn.environment, CLAIM_DEADLINE_SECONDS: '0' } });
});
afterAll(async () => {
  clients?.destroy();
  await system?.stop();
});

const request = (orderId: string): NotificationRequest => ({
  orderId, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', recipient: `sweep-${orderId.slice(0, 8)}@example.com`,
  total: { amount: 1299, currency: 'EUR' }, cause: { metadata: { id: randomUUID(), correlationId: orderId } },
});
/** A claim of a run that is not there, its lease ending `leaseLeftSeconds` from now. */
const claim = (orderId: string, leaseLeftSeconds: number): NotificationClaim =>
  newClaim(request(orderId), 'Your order', DEAD_RUN, new Date(Date.now() + (leaseLeftSeconds - CLAIM_LEASE_SECONDS) * 1000), CLAIM_LEASE_SECONDS);
const read = async (orderId: string) => (await clients.documents.send(new GetCommand({ TableName: TABLE, Key: { orderId, outcome: 'CONFIRMED' }, ConsistentRead: true }))).Item as NotificationClaim | undefined;

it('runs the saga again for claims past their lease, from the request they keep; leaves live and sent ones; a second sweep finds nothing', async () => {
  const [stale, live, sent] = [randomUUID(), randomUUID(), randomUUID()];
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: claim(stale, -1) }));
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: claim(live, 60) }));
  await clients.documents.send(new PutCommand({ TableName: TABLE, Item: { ...claim(sent, -1), status: 'SENT', providerMessageId: 'm-1', sentAt: new Date().toISOString() } }));

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'notifications', sweep: 'stale-claims', value: 1 }]);
  const repaired = await read(stale);
  expect(repaired).toMatchObject({ status: 'SENT', template: 'ORDER_CONFIRMED', subject: expect.stringContaining('is confirmed') });
  expect(repaired!.claimedBy).toMatch(/:express:shop-notifications-dev-notification:notify-.+-CONFIRMED:/);
  expect(system.local.ses.listSentEmails({ to: request(stale).recipient }).map((e) => e.text)).toEqual([expect.stringContaining('€12.99')]);
  expect(await read(live)).toMatchObject({ status: 'CLAIMED', claimedBy: DEAD_RUN });
  expect(await read(sent)).toMatchObject({ status: 'SENT', providerMessageId: 'm-1' });

  expect(await fireSweep(system, SCHEDULE)).toEqual([{ service: 'notifications', sweep: 'stale-claims', value: 0 }]);
  expect(system.local.ses.listSentEmails({ to: request(stale).recipient })).toHaveLength(1);
});
