import { runSweep, type SweepReport } from '@shop/service-kit';
import { reservationsTable, type ReservationsTable } from '../../adapters/reservations-table';
import { stockTable, type StockTable } from '../../adapters/stock-table';
import { heldForCancelledOrder, sagaMayStillOwn } from '../../domain/cancelled-holds';

export interface ReleaseHoldsEffects {
  stock: Pick<StockTable, 'holdings' | 'release'>;
  reservations: Pick<ReservationsTable, 'get' | 'finishRelease'>;
  now(): number;
}

/**
 * The scheduled sweep of the inventory context: stock still held for an order this service knows was cancelled (its
 * reservation record is CANCELLED, written when OrderCancelled arrived; the orders service is never asked) is given
 * back, with the release saga's own steps: releaseItem per sku (a conditional update, a no-op when already released)
 * and finishRelease. An order whose reservation or release saga may still run (its record was written in the last
 * five minutes) is left to it.
 */
export async function releaseCancelledHolds(effects: ReleaseHoldsEffects): Promise<SweepReport> {
  const holdings = await effects.stock.holdings();
  async function* held() {
    yield* holdings.entries();
  }
  return runSweep({ service: 'inventory', sweep: 'cancelled-holds' }, held(), async ([orderId, skus]) => {
    const reservation = await effects.reservations.get(orderId);
    if (!heldForCancelledOrder(reservation)) return { action: 'none' };
    if (sagaMayStillOwn(reservation, effects.now())) return { action: 'skip' };
    return {
      action: 'repair',
      repair: async () => {
        const released = (await Promise.all(skus.map((sku) => effects.stock.release(orderId, sku)))).filter((line) => line.quantity > 0);
        if (released.length === 0) return 'settled-meanwhile';
        await effects.reservations.finishRelease(orderId, released);
        return 'repaired';
      },
    };
  });
}

const effectsFromEnv = (): ReleaseHoldsEffects => ({ stock: stockTable(), reservations: reservationsTable(), now: Date.now });

export const handler = () => releaseCancelledHolds(effectsFromEnv());
