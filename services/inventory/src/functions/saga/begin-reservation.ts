import { reservationsTable, type ReservationsTable } from '../../adapters/reservations-table';
import type { StockLine } from '../../domain/events';

/** Saga step: the order is RESERVING from now on, unless it is already something else (CANCELLED first). */
export async function beginReservation(input: { orderId: string; items: StockLine[] }, reservations: Pick<ReservationsTable, 'begin'> = reservationsTable()) {
  return { status: await reservations.begin(input.orderId, input.items) };
}

export const handler = (input: { orderId: string; items: StockLine[] }) => beginReservation(input);
