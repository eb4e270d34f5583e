import type { PaymentProvider } from './provider';
import type { PaymentRecord, PaymentStatus } from './payment';

type Held = Awaited<ReturnType<PaymentProvider['lookup']>>;

/** Statuses in which the ledger says nothing is held any more. */
const RELEASED: ReadonlySet<PaymentStatus> = new Set(['FAILED', 'VOIDED', 'REFUNDED', 'CANCELLED']);
/** Statuses in which money may be held, by the provider's authorization or capture. */
const HOLDING: ReadonlySet<PaymentStatus> = new Set(['AUTHORIZING', 'AUTHORIZED', 'CAPTURED']);

/** The order was cancelled and the ledger still holds money for it: a refund or a void is owed. */
export const owedByLedger = (record: Pick<PaymentRecord, 'status' | 'cancelRequested'>) => record.cancelRequested === true && HOLDING.has(record.status);

/** The ledger says released (or never taken), so only the provider can say whether money is still held. */
export const ledgerSaysReleased = (record: Pick<PaymentRecord, 'status'>) => RELEASED.has(record.status);

/** The provider holds money: an authorization, or a capture not wholly refunded. */
export const providerHolds = (held: Held) => held !== undefined && (held.status === 'AUTHORIZED' || (held.status === 'CAPTURED' && held.captured > held.refunded));

/**
 * The ledger status after a release: a cancelled payment says what was done at the provider (refunded, voided, or
 * nothing was ever held); a payment the ledger had settled already keeps its status.
 */
export function statusAfterRelease(record: Pick<PaymentRecord, 'status'>, heldBefore: Held, moved: { refunded: number }): PaymentStatus {
  if (RELEASED.has(record.status)) return record.status;
  if (moved.refunded > 0) return 'REFUNDED';
  return heldBefore ? 'VOIDED' : 'CANCELLED';
}

/** Only a saga that runs (or waits to be redriven) may still move this payment's money. */
export const sagasStillOwn = (statuses: ReadonlyArray<string>) => statuses.some((status) => status === 'RUNNING' || status === 'PENDING_REDRIVE');

/** An Express execution lasts at most five minutes. https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html */
export const EXPRESS_MAX_DURATION_MS = 5 * 60 * 1000;

/**
 * The payment saga is Express, which Step Functions cannot describe. Each execution's Begin stamps the row's updatedAt,
 * so any execution still running began within the last five minutes: a row stamped more recently may still have one
 * moving its money. A row without the stamp (a tombstone no payment saga began on) has none.
 */
export const paymentSagaMayStillRun = (record: Pick<PaymentRecord, 'updatedAt'>, now: number) => record.updatedAt !== undefined && now - record.updatedAt < EXPRESS_MAX_DURATION_MS;
