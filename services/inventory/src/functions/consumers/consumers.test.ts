import { catalog, type Received } from '@shop/events';
import { startRelease } from './on-order-cancelled';
import { startReservation } from './on-order-placed';

const received = <T extends 'OrderPlaced.v1' | 'OrderCancelled.v1'>(detailType: T) =>
  ({ detailType, detail: structuredClone(catalog[detailType].examples[0]), source: 'shop.orders', eventBridgeId: 'eb-1', time: '2026-11-23T10:15:30Z' }) as unknown as Received<T>;

describe('consumers start the saga of the order', () => {
  it('OrderPlaced.v1 → reserve-<orderId> with the items', async () => {
    const start = jest.fn(async () => ({ started: true }));
    await startReservation(received('OrderPlaced.v1'), start);
    expect(start).toHaveBeenCalledWith({
      name: 'reserve-3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b',
      input: expect.objectContaining({ orderId: '3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b', items: [{ sku: 'SKU-RED-MUG', quantity: 2 }] }),
    });
  });

  it('OrderCancelled.v1 → release-<orderId>', async () => {
    const start = jest.fn(async () => ({ started: true }));
    await startRelease(received('OrderCancelled.v1'), start);
    expect(start).toHaveBeenCalledWith({ name: 'release-3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b', input: expect.objectContaining({ orderId: '3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b' }) });
  });

  it('lets a failure to start or a failed execution fail the invocation (so Lambda retries, then the on-failure destination)', async () => {
    await expect(startReservation(received('OrderPlaced.v1'), async () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
  });
});
