import { PublishError, type DomainEvent } from '@shop/events';
import { captureMetrics } from '@shop/service-kit/src/testing';
import type { Settlement } from '../../domain/reservation';
import { beginRelease } from './begin-release';
import { beginReservation } from './begin-reservation';
import { commitReservation } from './commit-reservation';
import { eventFor, publish } from './publish';

const ORDER = '3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b';
const cause = { metadata: { id: 'a1b2c3d4-0000-4000-8000-000000000001', correlationId: ORDER } };

describe('commitReservation', () => {
  const results = [
    { sku: 'A', quantity: 2, reserved: true as const },
    { sku: 'B', quantity: 1, reserved: true as const },
  ];

  it('records the settlement and answers it', async () => {
    const settle = jest.fn(async (_orderId: string, s: Settlement) => s.outcome);
    await expect(commitReservation({ orderId: ORDER, results }, { settle })).resolves.toEqual({ outcome: 'RESERVED', reserved: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] });
  });

  it('answers CANCELLED with everything reserved (to give back) when the order was cancelled meanwhile', async () => {
    const settle = jest.fn(async () => 'CANCELLED' as const);
    await expect(commitReservation({ orderId: ORDER, results }, { settle })).resolves.toEqual({ outcome: 'CANCELLED', reserved: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] });
  });

  it('fails on a record that contradicts the items (the saga compensates)', async () => {
    const settle = jest.fn(async () => 'FAILED' as const);
    await expect(commitReservation({ orderId: ORDER, results }, { settle })).rejects.toThrow(`reservation ${ORDER} is FAILED, cannot settle it as RESERVED`);
  });

  it('counts a reservation that failed, by its reason, and none that succeeded or was cancelled', async () => {
    const short = [...results, { sku: 'C', quantity: 3, reserved: false as const, available: 1, reason: 'OUT_OF_STOCK' as const }];
    const { metrics } = await captureMetrics(async () => {
      await commitReservation({ orderId: ORDER, results: short }, { settle: async (_orderId: string, s: Settlement) => s.outcome });
      await commitReservation({ orderId: ORDER, results }, { settle: async (_orderId: string, s: Settlement) => s.outcome });
      await commitReservation({ orderId: ORDER, results: short }, { settle: async () => 'CANCELLED' as const });
    });
    expect(metrics.map((m) => [m.name, m.value, m.dimensions.reason])).toEqual([['ReservationsFailed', 1, 'OUT_OF_STOCK']]);
  });
});

describe('beginReservation', () => {
  it('records and answers one line per sku, whatever input the saga was started with', async () => {
    const begin = jest.fn(async (_orderId: string, _items: unknown) => ({ status: 'RESERVING' as const }));
    const items = [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }, { sku: 'A', quantity: 3 }];
    await expect(beginReservation({ orderId: ORDER, items }, { begin })).resolves.toEqual({ status: 'RESERVING', items: [{ sku: 'A', quantity: 5 }, { sku: 'B', quantity: 1 }] });
    expect(begin).toHaveBeenCalledWith(ORDER, [{ sku: 'A', quantity: 5 }, { sku: 'B', quantity: 1 }]);
  });

  it('run again after an earlier execution settled FAILED: answers why, so that the saga publishes it again', async () => {
    const unavailable = [{ sku: 'A', requested: 2, available: 1 }];
    const begin = async () => ({ status: 'FAILED' as const, reason: 'OUT_OF_STOCK' as const, unavailable, reserved: [] });
    await expect(beginReservation({ orderId: ORDER, items: [{ sku: 'A', quantity: 2 }] }, { begin })).resolves.toEqual({ status: 'FAILED', items: [{ sku: 'A', quantity: 2 }], reason: 'OUT_OF_STOCK', unavailable });
  });
});

describe('beginRelease', () => {
  it('plans from the record as it was before the cancellation', async () => {
    await expect(beginRelease({ orderId: ORDER }, { cancel: async () => ({ status: 'RESERVED', reserved: [{ sku: 'A', quantity: 1 }] }) })).resolves.toEqual({
      action: 'RELEASE',
      items: [{ sku: 'A', quantity: 1 }],
    });
    await expect(beginRelease({ orderId: ORDER }, { cancel: async () => undefined })).resolves.toEqual({ action: 'NOTHING_HELD' });
  });
});

describe('publish', () => {
  const now = new Date('2026-11-23T10:15:33.000Z');

  it('builds each event type with a deterministic id, caused by the order event', () => {
    const reserved = eventFor({ type: 'InventoryReserved', orderId: ORDER, items: [{ sku: 'A', quantity: 2 }], cause }, now);
    const again = eventFor({ type: 'InventoryReserved', orderId: ORDER, items: [{ sku: 'A', quantity: 2 }], cause }, new Date());
    expect(reserved.detail.metadata.id).toBe(again.detail.metadata.id);
    expect(reserved).toMatchObject({
      detailType: 'InventoryReserved.v1',
      source: 'shop.inventory',
      detail: { metadata: { correlationId: ORDER, causationId: cause.metadata.id }, data: { orderId: ORDER, reservedAt: now.toISOString() } },
    });
    const failed = eventFor({ type: 'InventoryReservationFailed', orderId: ORDER, reason: 'OUT_OF_STOCK', unavailable: [{ sku: 'A', requested: 2, available: 1 }], cause }, now);
    expect(failed.detail.data).toMatchObject({ reason: 'OUT_OF_STOCK', unavailable: [{ sku: 'A', requested: 2, available: 1 }] });
    expect(eventFor({ type: 'InventoryReleased', orderId: ORDER, items: [], cause }, now).detail.data).toMatchObject({ items: [] });
  });

  it('publishes the event and answers its id; a publish failure fails the step', async () => {
    const sent: DomainEvent[] = [];
    const publisher = { publish: jest.fn(async (events: ReadonlyArray<DomainEvent>) => (sent.push(...events), { published: events.map((e) => e.detail.metadata.id) })) };
    const result = await publish({ type: 'InventoryReleased', orderId: ORDER, items: [{ sku: 'A', quantity: 1 }], cause }, publisher, now);
    expect(result).toEqual({ id: sent[0]!.detail.metadata.id, detailType: 'InventoryReleased.v1' });

    const failing = { publish: async () => Promise.reject(new PublishError([{ id: 'x', detailType: 'InventoryReleased.v1', errorCode: 'InternalFailure', errorMessage: 'down' }], [])) };
    await expect(publish({ type: 'InventoryReleased', orderId: ORDER, items: [], cause }, failing, now)).rejects.toThrow(PublishError);
  });

  it('rejects an unknown type', () => {
    expect(() => eventFor({ type: 'Nope' } as never, now)).toThrow('unknown event type Nope');
  });
});
