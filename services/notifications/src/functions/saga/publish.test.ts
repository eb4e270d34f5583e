import type { DomainEvent } from '@shop/events';
import { publishNotificationSent } from './publish';

describe('publish step', () => {
  it('publishes NotificationSent.v1 with an id derived from the notification (a retried step republishes the same event)', async () => {
    const published: DomainEvent[] = [];
    const publisher = { publish: async (events: ReadonlyArray<DomainEvent>) => (published.push(...events), { published: events.map((e) => e.detail.metadata.id) }) };
    const input = {
      orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', template: 'PAYMENT_FAILED' as const, recipient: 'grace@example.com', providerMessageId: 'msg-1',
      sentAt: '2026-11-23T12:00:01.000Z', cause: { metadata: { id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a', correlationId: 'c-1' } },
    };
    const first = await publishNotificationSent(input, publisher);
    const again = await publishNotificationSent(input, publisher);
    expect(again).toEqual(first);
    expect(published[0]).toMatchObject({
      detailType: 'NotificationSent.v1', source: 'shop.notifications',
      detail: { metadata: { id: first.eventId, causationId: input.cause.metadata.id, correlationId: 'c-1' }, data: { notificationId: `${input.orderId}#CANCELLED`, template: 'PAYMENT_FAILED' } },
    });
    expect(published[0]!.detail.data).not.toHaveProperty('cause');
  });
});
