import { signedIn } from '@shop/service-kit/src/testing';
import type { NotificationView } from '../../adapters/notifications-table';
import { listNotifications } from './list-notifications';

const orderId = '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a';
const view: NotificationView = {
  orderId, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', customerId: 'cust-7', recipient: 'grace@example.com', subject: 'Your order 0C5E8F7A is confirmed',
  sentAt: '2026-11-23T12:00:01.000Z', providerMessageId: 'msg-1',
};

describe('GET /notifications', () => {
  it('answers 200 with the sent notifications of the order', async () => {
    const asked: string[] = [];
    const response = await listNotifications({ queryStringParameters: { orderId }, requestContext: signedIn('cust-7') }, async (id) => (asked.push(id), [view]));
    expect(asked).toEqual([orderId]);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual([view]);
  });

  it("answers [] for another customer's order, as for an unknown one; an admin sees every notification", async () => {
    const older = { ...view, outcome: 'CANCELLED' as const, customerId: undefined };
    const of = async (caller: ReturnType<typeof signedIn>) => JSON.parse((await listNotifications({ queryStringParameters: { orderId }, requestContext: caller } as never, async () => [view, older])).body!);
    expect(await of(signedIn('cust-8'))).toEqual([]);
    expect(await of(signedIn('cust-7'))).toEqual([view]);
    expect(await of(signedIn('ops-1', ['admins']))).toEqual([view, older]);
  });

  it('answers 400 naming orderId when it is missing', async () => {
    const response = await listNotifications({ queryStringParameters: undefined, requestContext: signedIn('cust-7') }, async () => { throw new Error('not called'); });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!)).toEqual({ message: 'Invalid request', errors: [{ field: 'orderId', message: 'is required (query string)' }] });
  });

  it.each(['42', 'not-a-uuid', orderId.toUpperCase(), `${orderId} `])('answers 400 naming orderId for %j', async (bad) => {
    const response = await listNotifications({ queryStringParameters: { orderId: bad }, requestContext: signedIn('cust-7') }, async () => { throw new Error('not called'); });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).errors).toEqual([{ field: 'orderId', message: 'must be an order id (a lower-case UUID)' }]);
  });
});
