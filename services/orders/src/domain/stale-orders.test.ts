import { isOverdue, orderDeadline, sagaMaySettle } from './stale-orders';

describe('overdue orders', () => {
  const createdAt = '2026-03-01T10:00:00.000Z';

  it('are PENDING past created + outcome timeout + margin', () => {
    expect(orderDeadline({ createdAt }, 300, 900)).toEqual(new Date('2026-03-01T10:20:00.000Z'));
    expect(isOverdue({ status: 'PENDING', createdAt }, new Date('2026-03-01T10:20:01Z'), 300, 900)).toBe(true);
    expect(isOverdue({ status: 'PENDING', createdAt }, new Date('2026-03-01T10:19:59Z'), 300, 900)).toBe(false);
    expect(isOverdue({ status: 'CANCELLED', createdAt }, new Date('2026-03-02T00:00:00Z'), 300, 900)).toBe(false);
  });

  it('are left to a saga that still runs', () => {
    expect(sagaMaySettle('RUNNING')).toBe(true);
    expect(sagaMaySettle('PENDING_REDRIVE')).toBe(true);
    for (const ended of ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'ABSENT']) expect(sagaMaySettle(ended)).toBe(false);
  });
});
