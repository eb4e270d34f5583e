import { assertValidDetail } from '@shop/events';
import { notificationId, notificationSentEvent, outcomeOf } from './events';

const sent = { orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', recipient: 'grace@example.com', providerMessageId: 'msg-1', sentAt: '2026-11-23T12:00:01.000Z' };
const cause = { metadata: { id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a', correlationId: sent.orderId } };

describe('NotificationSent.v1', () => {
  it('names the notification after the order and its outcome: PAYMENT_FAILED and ORDER_CANCELLED are the same one', () => {
    expect(outcomeOf('ORDER_CONFIRMED')).toBe('CONFIRMED');
    expect(outcomeOf('ORDER_CANCELLED')).toBe('CANCELLED');
    expect(outcomeOf('PAYMENT_FAILED')).toBe('CANCELLED');
    const failed = notificationSentEvent({ ...sent, template: 'PAYMENT_FAILED' }, cause);
    const cancelled = notificationSentEvent({ ...sent, template: 'ORDER_CANCELLED' }, cause);
    expect(failed.detail.data.notificationId).toBe(notificationId(sent.orderId, 'CANCELLED'));
    expect(failed.detail.metadata.id).toBe(cancelled.detail.metadata.id);
    expect(notificationSentEvent({ ...sent, template: 'ORDER_CONFIRMED' }, cause).detail.metadata.id).not.toBe(failed.detail.metadata.id);
  });

  it('is valid against its schema and caused by the event it answers', () => {
    const event = notificationSentEvent({ ...sent, template: 'ORDER_CONFIRMED' }, cause);
    expect(() => assertValidDetail('NotificationSent.v1', event.detail)).not.toThrow();
    expect(event.detail.metadata).toMatchObject({ causationId: cause.metadata.id, correlationId: sent.orderId, service: 'notifications' });
    expect(event.detail.data).toMatchObject({ channel: 'EMAIL', template: 'ORDER_CONFIRMED', providerMessageId: 'msg-1' });
  });
});
