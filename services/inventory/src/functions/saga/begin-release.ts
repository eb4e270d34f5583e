import { reservationsTable, type ReservationsTable } from '../../adapters/reservations-table';
import { releasePlan } from '../../domain/reservation';

/** Saga step: mark the order CANCELLED and plan the release from what it held. */
export async function beginRelease({ orderId }: { orderId: string }, reservations: Pick<ReservationsTable, 'cancel'> = reservationsTable()) {
  return releasePlan(await reservations.cancel(orderId));
}

export const handler = (input: { orderId: string }) => beginRelease(input);
