/**
 * The payment provider port. Every operation is idempotent per (orderId, operation), as real providers are with
 * idempotency keys: a repeated call answers what the first did and moves no money twice. The saga's Retry / Catch
 * match the error names below (a Lambda error's name is its errorType).
 */
export interface PaymentProvider {
  authorize(request: { orderId: string; paymentId: string; token: string; amount: number; currency: string }): Promise<{ authorizationId: string }>;
  capture(request: { orderId: string; amount: number }): Promise<void>;
  /** Releases an authorization; `voided: false` when there was none (nothing to release). */
  void(request: { orderId: string }): Promise<{ voided: boolean }>;
  refund(request: { orderId: string; amount: number }): Promise<void>;
}

/** Permanent: the issuer said no. Never retried. */
export class PaymentDeclined extends Error {
  override readonly name = 'PaymentDeclined';
}

/** Transient: the provider could not answer; the same call may succeed later. */
export class ProviderUnavailable extends Error {
  override readonly name = 'ProviderUnavailable';
}

/** Permanent: the operation does not fit the payment's state at the provider (e.g. voiding a captured payment). */
export class InvalidPaymentState extends Error {
  override readonly name = 'InvalidPaymentState';
}
