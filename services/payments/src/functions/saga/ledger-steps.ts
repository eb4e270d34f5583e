import { PaymentsTable } from '../../adapters/payments-table';
import type { PaymentFailureReason, PaymentRequest } from '../../domain/payment';

/**
 * The saga steps that change the payments table: each one conditional write (see PaymentsTable), safe to retry.
 * Invoked synchronously by Step Functions with the state's Parameters.
 */
export interface LedgerEffects {
  payments: PaymentsTable;
  now: () => Date;
}

const defaultEffects = (): LedgerEffects => ({ payments: PaymentsTable.fromEnv(), now: () => new Date() });

type Step<I, O> = (input: I) => Promise<O>;
const step = <I, O>(run: (input: I, effects: LedgerEffects) => Promise<O>) =>
  (effects: () => LedgerEffects = defaultEffects): Step<I, O> => (input) => run(input, effects());

/** The Catch output of a failed Task: the error name and its cause (a Lambda error's cause is its JSON error payload). */
export interface CaughtError {
  Error: string;
  Cause?: string;
}

/** The human part of a caught error, for PaymentFailed.message (at most 1024 characters, as the schema says). */
export function failureMessage(error: CaughtError | undefined): string {
  if (!error) return 'payment failed';
  let message = error.Cause ?? error.Error;
  try {
    const payload = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof payload.errorMessage === 'string') message = payload.errorMessage;
  } catch {
    // A cause that is not a Lambda error payload is the message itself.
  }
  return `${error.Error}: ${message}`.slice(0, 1024);
}

export const createBegin = step((input: PaymentRequest, { payments, now }) => payments.begin(input, now()));
export const createMarkAuthorized = step((input: { orderId: string }, { payments }) => payments.markAuthorized(input.orderId));
export const createCommitCapture = step(async (input: { orderId: string }, { payments, now }) => ({ outcome: await payments.commitCapture(input.orderId, now()) }));
export const createMarkRefunded = step(async (input: { orderId: string }, { payments, now }) => {
  await payments.markRefunded(input.orderId, now());
  return { status: 'REFUNDED' };
});
export const createMarkFailed = step(async (input: { orderId: string; reason: PaymentFailureReason; error?: CaughtError; captured?: number; refunded?: number }, { payments, now }) => {
  await payments.markFailed(input.orderId, input.reason, failureMessage(input.error), now(), { captured: input.captured ?? 0, refunded: input.refunded ?? 0 });
  return { status: 'FAILED', reason: input.reason };
});
export const createMarkCancelled = step(async (input: { orderId: string; status: 'CANCELLED' | 'VOIDED' }, { payments }) => {
  await payments.markCancelled(input.orderId, input.status);
  return { status: input.status };
});
export const createClaimRelease = step((input: { orderId: string }, { payments }) => payments.claimRelease(input.orderId));
export const createRequestCancellation = step((input: { orderId: string }, { payments, now }) => payments.requestCancellation(input.orderId, now()));

export const begin = createBegin();
export const markAuthorized = createMarkAuthorized();
export const commitCapture = createCommitCapture();
export const markRefunded = createMarkRefunded();
export const markFailed = createMarkFailed();
export const markCancelled = createMarkCancelled();
export const requestCancellation = createRequestCancellation();
export const claimRelease = createClaimRelease();
