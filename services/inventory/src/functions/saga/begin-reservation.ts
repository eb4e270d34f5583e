import { reservationsTable, type ReservationsTable } from '../../adapters/reservations-table';
import type { StockLine } from '../../domain/events';
import { reservationLines, resumeReservation } from '../../domain/reservation';

/**
 * Saga step: the order is RESERVING from now on, unless it is already something else (CANCELLED first, or settled by an
 * earlier execution: see resumeReservation). Answers the status and the lines the saga reserves, one per sku, whatever
 * input it was started with; for FAILED, why.
 */
export async function beginReservation(input: { orderId: string; items: StockLine[] }, reservations: Pick<ReservationsTable, 'begin'> = reservationsTable()) {
  const items = reservationLines(input.items);
  return resumeReservation(input.orderId, await reservations.begin(input.orderId, items), items);
}

export const handler = (input: { orderId: string; items: StockLine[] }) => beginReservation(input);
