import { recordBusinessMetric } from '@shop/service-kit';
import { reservationsTable, type ReservationsTable } from '../../adapters/reservations-table';
import { settle, type ItemOutcome } from '../../domain/reservation';

/**
 * Saga step after the items: settles the reservation (RESERVED, or FAILED with the shortages) unless the order was
 * cancelled meanwhile; then the outcome is CANCELLED and everything reserved must be given back.
 */
export async function commitReservation(input: { orderId: string; results: ItemOutcome[] }, reservations: Pick<ReservationsTable, 'settle'> = reservationsTable()) {
  const settlement = settle(input.results);
  const status = await reservations.settle(input.orderId, settlement);
  if (status === 'CANCELLED') return { outcome: 'CANCELLED' as const, reserved: settlement.reserved };
  if (status !== settlement.outcome) throw new Error(`reservation ${input.orderId} is ${status}, cannot settle it as ${settlement.outcome}`);
  if (settlement.outcome === 'FAILED') recordBusinessMetric('ReservationsFailed', { dimensions: { reason: settlement.reason } });
  return settlement;
}

export const handler = (input: { orderId: string; results: ItemOutcome[] }) => commitReservation(input);
