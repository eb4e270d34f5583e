import type { ReservationRecord } from './reservation';

/** Stock an order holds should have gone back when this service learnt (OrderCancelled) that the order was cancelled. */
export const heldForCancelledOrder = (reservation: ReservationRecord | undefined): reservation is ReservationRecord => reservation?.status === 'CANCELLED';

/** An Express execution lasts at most five minutes. https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html */
export const SAGA_MAX_DURATION_MS = 5 * 60 * 1000;

/**
 * The reservation and release sagas are Express workflows, which Step Functions cannot describe. Each one's first step
 * writes the reservation record (stamping updatedAt), so any execution still running has written it within the last
 * five minutes: a record written more recently may still have a saga releasing what the order holds itself.
 */
export const sagaMayStillOwn = (reservation: ReservationRecord, now: number) => reservation.updatedAt !== undefined && now - reservation.updatedAt < SAGA_MAX_DURATION_MS;
