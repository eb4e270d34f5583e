import { reservationsTable, type ReservationsTable } from '../../adapters/reservations-table';
import type { StockLine } from '../../domain/events';

/** Saga step after the releases: the order holds nothing any more. */
export async function finishRelease({ orderId, released }: { orderId: string; released: StockLine[] }, reservations: Pick<ReservationsTable, 'finishRelease'> = reservationsTable()) {
  await reservations.finishRelease(orderId, released);
  return { orderId, released };
}

export const handler = (input: { orderId: string; released: StockLine[] }) => finishRelease(input);
