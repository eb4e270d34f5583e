import type { DetailOf } from '@shop/events';
import type { ReservationFailure, Shortage, StockLine } from './events';

export type ReservationStatus = 'RESERVING' | 'RESERVED' | 'FAILED' | 'CANCELLED';

/** The event a saga reacts to: carried into the events it publishes (correlation and causation). */
export interface Cause {
  metadata: { id: string; correlationId: string };
}

/** What reserving one item of an order did. */
export type ItemOutcome =
  | { sku: string; quantity: number; reserved: true }
  | { sku: string; quantity: number; reserved: false; available: number; reason: ReservationFailure };

/** All the items reserved, or which could not be (and which must then be given back). */
export type Settlement =
  | { outcome: 'RESERVED'; reserved: StockLine[] }
  | { outcome: 'FAILED'; reserved: StockLine[]; reason: ReservationFailure; unavailable: Shortage[] };

/**
 * The lines to reserve: one per sku, with the quantities of its lines summed (first appearance keeps its place). The
 * stock holds one reservation per order and sku, and an event may repeat a sku (another producer or version does).
 */
export function reservationLines(items: ReadonlyArray<StockLine>): StockLine[] {
  const quantities = new Map<string, number>();
  for (const { sku, quantity } of items) quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  return [...quantities].map(([sku, quantity]) => ({ sku, quantity }));
}

/** The settlement of one outcome per reservation line; a repeated sku cannot be told apart from its first line. */
export function settle(results: ReadonlyArray<ItemOutcome>): Settlement {
  const repeated = results.find((r, i) => results.findIndex((s) => s.sku === r.sku) !== i);
  if (repeated) throw new Error(`cannot settle a reservation with ${repeated.sku} on two lines: reserve one line per sku`);
  const reserved = results.filter((r) => r.reserved).map(({ sku, quantity }) => ({ sku, quantity }));
  const short = results.filter((r): r is Extract<ItemOutcome, { reserved: false }> => !r.reserved);
  if (short.length === 0) return { outcome: 'RESERVED', reserved };
  // An unknown sku is the stronger statement (no restock will help), so it names the failure when present.
  const reason: ReservationFailure = short.some((s) => s.reason === 'UNKNOWN_SKU') ? 'UNKNOWN_SKU' : 'OUT_OF_STOCK';
  return { outcome: 'FAILED', reserved, reason, unavailable: short.map(({ sku, quantity, available }) => ({ sku, requested: quantity, available })) };
}

/** A reservation record as the release saga found it when it marked the order CANCELLED (undefined: never seen). */
export interface PreviousReservation {
  status: ReservationStatus;
  reserved?: StockLine[];
}

/** The whole record: a FAILED one keeps why, and every write stamps `updatedAt` (epoch ms). */
export interface ReservationRecord extends PreviousReservation {
  reason?: ReservationFailure;
  unavailable?: Shortage[];
  updatedAt?: number;
}

/**
 * Where a reservation saga goes on from what BeginReservation found. The sagas are Express workflows, run again from
 * their start when an execution fails (at-least-once; no redrive): a record already settled by an earlier execution
 * is carried to what that settlement still owes, so a run again publishes the outcome (the event id is deterministic)
 * and gives back a failed reservation's stock. CANCELLED is owed nothing here: the release saga, or this saga's
 * earlier run, releases what the order held (and the cancelled-holds sweep finds what neither did).
 */
export function resumeReservation(orderId: string, record: ReservationRecord, items: StockLine[]) {
  if (record.status !== 'FAILED') return { status: record.status, items };
  if (!record.reason) throw new Error(`reservation ${orderId} is FAILED without a reason: cannot publish InventoryReservationFailed again`);
  return { status: record.status, items, reason: record.reason, unavailable: record.unavailable ?? [] };
}

export type ReleasePlan = { action: 'RELEASE'; items: StockLine[] } | { action: 'LEFT_TO_RESERVATION' } | { action: 'NOTHING_HELD' };

/**
 * What the release saga must do. The `reserved` list decides rather than the status alone: when beginRelease is retried
 * after it already wrote CANCELLED, the record still lists what is held until finishRelease clears it.
 */
export function releasePlan(previous: PreviousReservation | undefined): ReleasePlan {
  if (previous?.reserved && previous.reserved.length > 0) return { action: 'RELEASE', items: previous.reserved };
  if (previous?.status === 'RESERVING') return { action: 'LEFT_TO_RESERVATION' };
  return { action: 'NOTHING_HELD' };
}

/** Executions are named after the order; the name does not deduplicate Express executions (the sagas are safe to repeat). */
export const reservationExecutionName = (orderId: string) => `reserve-${orderId}`;
export const releaseExecutionName = (orderId: string) => `release-${orderId}`;

/** Saga inputs are built from the event alone, so a repeated start carries the identical input. */
export function reservationSagaStart(detail: DetailOf<'OrderPlaced.v1'>) {
  const { orderId, items } = detail.data;
  return {
    name: reservationExecutionName(orderId),
    input: { orderId, items: reservationLines(items), cause: causeOf(detail) },
  };
}

export function releaseSagaStart(detail: DetailOf<'OrderCancelled.v1'>) {
  const { orderId } = detail.data;
  return { name: releaseExecutionName(orderId), input: { orderId, cause: causeOf(detail) } };
}

const causeOf = ({ metadata }: { metadata: Cause['metadata'] }): Cause => ({ metadata: { id: metadata.id, correlationId: metadata.correlationId } });
