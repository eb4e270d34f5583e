import { createEvent, deterministicEventId } from './envelope';
import { checkDetail } from './validation';

const data = {
  orderId: '0b8f0f7e-8c44-4a8e-9d0c-5b7f3f1d2a10',
  paymentId: 'pay_1',
  amount: { amount: 1000, currency: 'EUR' },
  capturedAt: '2026-11-23T10:00:00.000Z',
};

describe('createEvent', () => {
  it('builds a schema-valid envelope with source, version and domain from the catalogue', () => {
    const event = createEvent('PaymentCompleted.v1', data, { service: 'payments', now: new Date('2026-11-23T10:00:01Z') });
    expect(event.source).toBe('shop.payments');
    expect(event.detailType).toBe('PaymentCompleted.v1');
    expect(event.detail.metadata).toMatchObject({ version: 'v1', domain: 'payments', service: 'payments', timestamp: '2026-11-23T10:00:01.000Z' });
    expect(event.detail.metadata.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(checkDetail(event.detailType, event.detail)).toEqual([]);
  });

  it('gives every event its own id and starts a correlation at the first event', () => {
    const a = createEvent('PaymentCompleted.v1', data, { service: 'payments' });
    const b = createEvent('PaymentCompleted.v1', data, { service: 'payments' });
    expect(a.detail.metadata.id).not.toBe(b.detail.metadata.id);
    expect(a.detail.metadata.correlationId).toBe(a.detail.metadata.id);
  });

  it('carries the correlation id over from the causing event and records the causation', () => {
    const cause = { metadata: { id: 'cause-id', correlationId: 'order-123' } };
    const event = createEvent('PaymentCompleted.v1', data, { service: 'payments', causedBy: cause, correlationId: 'ignored' });
    expect(event.detail.metadata.correlationId).toBe('order-123');
    expect(event.detail.metadata.causationId).toBe('cause-id');
  });

  it('keeps a deterministic id when given one (a retried saga step republishes the same event)', () => {
    const id = '6d1f3a52-0f7e-4c1e-8f57-1b2a3c4d5e6f';
    expect(createEvent('PaymentCompleted.v1', data, { service: 'payments', id }).detail.metadata.id).toBe(id);
  });

  it('refuses to build an event without a service name', () => {
    const saved = { a: process.env.POWERTOOLS_SERVICE_NAME, b: process.env.SERVICE_NAME };
    delete process.env.POWERTOOLS_SERVICE_NAME;
    delete process.env.SERVICE_NAME;
    try {
      expect(() => createEvent('PaymentCompleted.v1', data)).toThrow(/no service name/);
    } finally {
      if (saved.a !== undefined) process.env.POWERTOOLS_SERVICE_NAME = saved.a;
      if (saved.b !== undefined) process.env.SERVICE_NAME = saved.b;
    }
  });
});

describe('deterministicEventId', () => {
  it('is a stable UUID per set of parts', () => {
    const a = deterministicEventId('order-1', 'OrderConfirmed.v1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicEventId('order-1', 'OrderConfirmed.v1')).toBe(a);
    expect(deterministicEventId('order-1', 'OrderCancelled.v1')).not.toBe(a);
    expect(deterministicEventId('order-1O', 'rderConfirmed.v1')).not.toBe(a);
  });
});
