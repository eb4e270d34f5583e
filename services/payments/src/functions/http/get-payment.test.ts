import { signedIn } from '@shop/service-kit/src/testing';
import type { PaymentRecord } from '../../domain/payment';
import { createHandler as createGetPayment } from './get-payment';

const orderId = '3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b';
const refunded: PaymentRecord = {
  orderId, status: 'REFUNDED', paymentId: 'pay_1', customerId: 'cust-42', customerEmail: 'ada@example.com', currency: 'EUR', amount: 2598,
  captured: 2598, refunded: 2598, cancelRequested: true,
};

describe('GET /payments/{orderId}', () => {
  const get = createGetPayment(() => ({ get: async (id: string) => (id === orderId ? refunded : undefined) }));
  const request = (id: string, caller = signedIn('cust-42')) => get({ pathParameters: { orderId: id }, requestContext: caller } as any);

  it('answers the payment in minor units', async () => {
    const response = await request(orderId);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ orderId, status: 'REFUNDED', captured: 2598, refunded: 2598 });
  });

  it("answers another customer's payment as an unknown one (404), and any payment to an admin", async () => {
    expect(await request(orderId, signedIn('cust-7'))).toMatchObject({ statusCode: 404, body: JSON.stringify({ message: `no payment for order ${orderId}` }) });
    expect(await request(orderId, signedIn('ops-1', ['admins']))).toMatchObject({ statusCode: 200 });
  });

  it('answers 404 for an unknown order and 400 naming the field for a malformed id', async () => {
    expect(await request('3f1c2a9e-8b7d-4e6f-9a1b-000000000000')).toMatchObject({ statusCode: 404 });
    const bad = await request('DROP TABLE');
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!)).toEqual({ message: 'invalid request', errors: [{ field: 'orderId', message: expect.any(String) }] });
  });
});
