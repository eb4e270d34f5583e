import type { Received } from '@shop/events';
import type { CancelReason, OrderStatus } from './order';

/** The two answers the order saga waits for. */
export type OutcomeKind = 'payment' | 'inventory';
export const OUTCOME_KINDS: readonly OutcomeKind[] = ['payment', 'inventory'];

export const OUTCOME_EVENTS = ['PaymentCompleted.v1', 'PaymentFailed.v1', 'InventoryReserved.v1', 'InventoryReservationFailed.v1'] as const;
export type OutcomeEvent = Received<(typeof OUTCOME_EVENTS)[number]>;

/** What the orders table keeps under `outcomes.<kind>`: the first outcome received wins. */
export interface Outcome {
  status: 'SUCCEEDED' | 'FAILED';
  /** The producer's reason code (DECLINED, OUT_OF_STOCK, ...), for failures. */
  reason?: string;
  /** Human-readable, for failures; becomes the cancellation's reasonDetail. */
  detail?: string;
  /** metadata.id of the event it came from. */
  eventId: string;
}

/** The bookkeeping the correlation needs, as the single UpdateItem returned it (ReturnValues ALL_NEW). */
export interface CorrelationRecord {
  orderId: string;
  status: OrderStatus;
  outcomes?: Partial<Record<OutcomeKind, Outcome>>;
  /** Task tokens of the saga's waiting states. */
  waits?: Partial<Record<OutcomeKind, string>>;
}

/** The Catch of the saga's Parallel state matches these error names (statemachines/order.asl.yml). */
export const FAILURE_ERRORS: Record<OutcomeKind, string> = { payment: 'PaymentFailed', inventory: 'InventoryReservationFailed' };

/** OrderCancelled.v1 allows a detail of at most 1024 characters. */
export const MAX_DETAIL_LENGTH = 1024;
const clip = (text: string) => (text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…` : text);

export function outcomeOf(event: OutcomeEvent): { orderId: string; kind: OutcomeKind; outcome: Outcome } {
  const eventId = event.detail.metadata.id;
  switch (event.detailType) {
    case 'PaymentCompleted.v1':
      return { orderId: event.detail.data.orderId, kind: 'payment', outcome: { status: 'SUCCEEDED', eventId } };
    case 'PaymentFailed.v1': {
      const { orderId, reason, message } = event.detail.data;
      return { orderId, kind: 'payment', outcome: { status: 'FAILED', reason, detail: clip(message ? `${reason}: ${message}` : reason), eventId } };
    }
    case 'InventoryReserved.v1':
      return { orderId: event.detail.data.orderId, kind: 'inventory', outcome: { status: 'SUCCEEDED', eventId } };
    case 'InventoryReservationFailed.v1': {
      const { orderId, reason, unavailable } = event.detail.data;
      const lines = unavailable.map((u) => `${u.sku} (requested ${u.requested}, available ${u.available})`).join(', ');
      return { orderId, kind: 'inventory', outcome: { status: 'FAILED', reason, detail: clip(`${reason}: ${lines}`), eventId } };
    }
  }
}

/** What to tell Step Functions once both halves of a correlation (the wait's token, the outcome) are known. */
export type Decision =
  | { action: 'none'; why: string }
  | { action: 'succeed'; taskToken: string; output: Outcome }
  | { action: 'fail'; taskToken: string; error: string; cause: string };

/**
 * Decides from the record as it stands after this writer's update. Whichever of registerWait and the outcome consumer
 * writes second sees both the token and the outcome and answers the wait; the one that wrote first sees only its own
 * half and does nothing. Both may answer (a retry, a duplicate): the second answer is refused as TaskTimedOut, which
 * the sender treats as "already answered".
 */
export function decide(record: CorrelationRecord, kind: OutcomeKind): Decision {
  if (record.status !== 'PENDING') return { action: 'none', why: `order is already ${record.status}` };
  const taskToken = record.waits?.[kind];
  const outcome = record.outcomes?.[kind];
  if (!taskToken) return { action: 'none', why: `the saga is not waiting for the ${kind} outcome yet` };
  if (!outcome) return { action: 'none', why: `no ${kind} outcome yet` };
  if (outcome.status === 'SUCCEEDED') return { action: 'succeed', taskToken, output: outcome };
  return { action: 'fail', taskToken, error: FAILURE_ERRORS[kind], cause: outcome.detail ?? outcome.reason ?? `${kind} failed` };
}

/**
 * Why a cancelled order was cancelled: the failed outcome's detail as given; for a timeout, the outcomes that never
 * came; for a saga step that failed for good, the error it failed with.
 */
export function cancellationDetail(reason: CancelReason, record: Pick<CorrelationRecord, 'outcomes'>, given: { detail?: string; error?: string } = {}): string | undefined {
  if (given.detail) return clip(given.detail);
  if (given.error) return clip(`the order could not be completed (${given.error})`);
  if (reason !== 'TIMEOUT') return undefined;
  const missing = OUTCOME_KINDS.filter((kind) => !record.outcomes?.[kind]);
  return missing.length > 0 ? `no ${missing.join(' and ')} outcome in time` : undefined;
}
