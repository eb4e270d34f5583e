import { executionArn, requiredEnv, runSweep, sagaStatus, type SweepReport } from '@shop/service-kit';
import { reservationsTable, type ReservationsTable } from '../../adapters/reservations-table';
import { stockTable, type StockTable } from '../../adapters/stock-table';
import { heldForCancelledOrder, sagasStillOwn } from '../../domain/cancelled-holds';
import { releaseExecutionName, reservationExecutionName } from '../../domain/reservation';

export interface ReleaseHoldsEffects {
  stock: Pick<StockTable, 'holdings' | 'release'>;
  reservations: Pick<ReservationsTable, 'get' | 'finishRelease'>;
  /** The statuses of the order's reservation and release sagas (reserve-<orderId>, release-<orderId>). */
  sagaStatuses(orderId: string): Promise<string[]>;
}

/**
 * The scheduled sweep of the inventory context: stock still held for an order this service knows was cancelled (its
 * reservation record is CANCELLED, written when OrderCancelled arrived; the orders service is never asked) is given
 * back, with the release saga's own steps: releaseItem per sku (a conditional update, a no-op when already released)
 * and finishRelease. An order whose reservation or release saga still runs is left to it.
 */
export async function releaseCancelledHolds(effects: ReleaseHoldsEffects): Promise<SweepReport> {
  const holdings = await effects.stock.holdings();
  async function* held() {
    yield* holdings.entries();
  }
  return runSweep({ service: 'inventory', sweep: 'cancelled-holds' }, held(), async ([orderId, skus]) => {
    if (!heldForCancelledOrder(await effects.reservations.get(orderId))) return { action: 'none' };
    if (sagasStillOwn(await effects.sagaStatuses(orderId))) return { action: 'skip' };
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

function effectsFromEnv(): ReleaseHoldsEffects {
  const reservationSaga = requiredEnv('RESERVATION_STATE_MACHINE_ARN');
  const releaseSaga = requiredEnv('RELEASE_STATE_MACHINE_ARN');
  return {
    stock: stockTable(),
    reservations: reservationsTable(),
    sagaStatuses: (orderId) =>
      Promise.all([executionArn(reservationSaga, reservationExecutionName(orderId)), executionArn(releaseSaga, releaseExecutionName(orderId))].map(async (arn) => (await sagaStatus(arn)).status)),
  };
}

export const handler = () => releaseCancelledHolds(effectsFromEnv());
