import type { PreviousReservation } from './reservation';

/** Stock an order holds should have gone back when this service learnt (OrderCancelled) that the order was cancelled. */
export const heldForCancelledOrder = (reservation: PreviousReservation | undefined) => reservation?.status === 'CANCELLED';

/** A saga that runs (or waits to be redriven) still releases what it holds itself. */
export const sagasStillOwn = (statuses: ReadonlyArray<string>) => statuses.some((status) => status === 'RUNNING' || status === 'PENDING_REDRIVE');
