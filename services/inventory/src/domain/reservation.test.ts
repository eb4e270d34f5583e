import { catalog } from '@shop/events';
import { sagaMayStillOwn } from './cancelled-holds';
import { releasePlan, releaseSagaStart, reservationLines, reservationSagaStart, resumeReservation, settle } from './reservation';

describe('reservationLines', () => {
  it('merges the lines of a repeated sku, summing their quantities, in the order skus first appear', () => {
    expect(reservationLines([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }, { sku: 'A', quantity: 3 }, { sku: 'a', quantity: 1 }])).toEqual([
      { sku: 'A', quantity: 5 },
      { sku: 'B', quantity: 1 },
      { sku: 'a', quantity: 1 },
    ]);
  });
});

describe('settle', () => {
  it('refuses outcomes with a sku on two lines (one stock reservation cannot answer for both)', () => {
    expect(() => settle([{ sku: 'A', quantity: 2, reserved: true }, { sku: 'B', quantity: 1, reserved: true }, { sku: 'A', quantity: 3, reserved: true }])).toThrow(
      'cannot settle a reservation with A on two lines',
    );
  });

  it('RESERVED when every item was reserved', () => {
    expect(settle([{ sku: 'A', quantity: 2, reserved: true }, { sku: 'B', quantity: 1, reserved: true }])).toEqual({
      outcome: 'RESERVED',
      reserved: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }],
    });
  });

  it('FAILED with the shortages, and the items to give back, when any item was short', () => {
    expect(settle([{ sku: 'A', quantity: 2, reserved: true }, { sku: 'B', quantity: 3, reserved: false, available: 1, reason: 'OUT_OF_STOCK' }])).toEqual({
      outcome: 'FAILED',
      reserved: [{ sku: 'A', quantity: 2 }],
      reason: 'OUT_OF_STOCK',
      unavailable: [{ sku: 'B', requested: 3, available: 1 }],
    });
  });

  it('names UNKNOWN_SKU when any short item does not exist', () => {
    const settlement = settle([
      { sku: 'A', quantity: 1, reserved: false, available: 0, reason: 'OUT_OF_STOCK' },
      { sku: 'Z', quantity: 1, reserved: false, available: 0, reason: 'UNKNOWN_SKU' },
    ]);
    expect(settlement).toMatchObject({ outcome: 'FAILED', reason: 'UNKNOWN_SKU', reserved: [] });
  });
});

describe('releasePlan', () => {
  it('releases what a RESERVED order holds', () => {
    expect(releasePlan({ status: 'RESERVED', reserved: [{ sku: 'A', quantity: 2 }] })).toEqual({ action: 'RELEASE', items: [{ sku: 'A', quantity: 2 }] });
  });

  it('still releases when it finds CANCELLED with items held (its own retry after marking the order)', () => {
    expect(releasePlan({ status: 'CANCELLED', reserved: [{ sku: 'A', quantity: 2 }] })).toEqual({ action: 'RELEASE', items: [{ sku: 'A', quantity: 2 }] });
  });

  it('leaves a reservation in progress to its saga', () => {
    expect(releasePlan({ status: 'RESERVING' })).toEqual({ action: 'LEFT_TO_RESERVATION' });
  });

  it.each([['never placed here', undefined], ['failed', { status: 'FAILED' as const, reserved: [] }], ['already released', { status: 'CANCELLED' as const, reserved: [] }]])(
    'holds nothing when the order was %s',
    (_case, previous) => expect(releasePlan(previous)).toEqual({ action: 'NOTHING_HELD' }),
  );
});

describe('resumeReservation (a reservation saga run again finds the record an earlier execution left)', () => {
  const items = [{ sku: 'A', quantity: 2 }];
  it('answers the status and the lines; FAILED with its reason and shortages', () => {
    expect(resumeReservation('o-1', { status: 'RESERVING' }, items)).toEqual({ status: 'RESERVING', items });
    expect(resumeReservation('o-1', { status: 'RESERVED', reserved: items }, items)).toEqual({ status: 'RESERVED', items });
    const unavailable = [{ sku: 'A', requested: 2, available: 0 }];
    expect(resumeReservation('o-1', { status: 'FAILED', reason: 'UNKNOWN_SKU', unavailable }, items)).toEqual({ status: 'FAILED', items, reason: 'UNKNOWN_SKU', unavailable });
  });
  it('refuses a FAILED record without its reason rather than guess one', () => {
    expect(() => resumeReservation('o-1', { status: 'FAILED' }, items)).toThrow('reservation o-1 is FAILED without a reason');
  });
});

describe('sagaMayStillOwn (an Express saga runs at most five minutes and writes the record first)', () => {
  const now = 1_000_000_000;
  it('a record written less than five minutes ago may still have a saga; an older one, or one never stamped, has none', () => {
    expect(sagaMayStillOwn({ status: 'CANCELLED', updatedAt: now - 299_999 }, now)).toBe(true);
    expect(sagaMayStillOwn({ status: 'CANCELLED', updatedAt: now - 300_000 }, now)).toBe(false);
    expect(sagaMayStillOwn({ status: 'CANCELLED' }, now)).toBe(false);
  });
});

describe('saga starts', () => {
  const placed = structuredClone(catalog['OrderPlaced.v1'].examples[0]) as any;
  const cancelled = structuredClone(catalog['OrderCancelled.v1'].examples[0]) as any;

  it('name the execution after the order and build the input from the event alone', () => {
    expect(reservationSagaStart(placed)).toEqual({
      name: `reserve-${placed.data.orderId}`,
      input: {
        orderId: placed.data.orderId,
        items: [{ sku: 'SKU-RED-MUG', quantity: 2 }],
        cause: { metadata: { id: placed.metadata.id, correlationId: placed.metadata.correlationId } },
      },
    });
    expect(releaseSagaStart(cancelled)).toEqual({
      name: `release-${cancelled.data.orderId}`,
      input: { orderId: cancelled.data.orderId, cause: { metadata: { id: cancelled.metadata.id, correlationId: cancelled.metadata.correlationId } } },
    });
  });

  it('reserve one line per sku when the event repeats a sku', () => {
    const repeated = structuredClone(placed);
    repeated.data.items = [
      { sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 12.99 },
      { sku: 'SKU-GREEN-TEA', quantity: 1, unitPrice: 4.5 },
      { sku: 'SKU-RED-MUG', quantity: 3, unitPrice: 12.99 },
    ];
    expect(reservationSagaStart(repeated).input.items).toEqual([{ sku: 'SKU-RED-MUG', quantity: 5 }, { sku: 'SKU-GREEN-TEA', quantity: 1 }]);
  });

  it('give the same input for the same event (a repeated start is harmless)', () => {
    expect(JSON.stringify(reservationSagaStart(structuredClone(placed)))).toBe(JSON.stringify(reservationSagaStart(placed)));
  });
});
