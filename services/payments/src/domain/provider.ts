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
  /** The provider's record of the order's payment (a real provider's "retrieve payment"); undefined when it has none. */
  lookup(orderId: string): Promise<{ status: 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED'; captured: number; refunded: number } | undefined>;
}

/** What the provider holds for an order after a release: what it captured and what it gave back, in minor units. */
export interface Released {
  captured: number;
  refunded: number;
}

/**
 * Gives back whatever the provider holds for a payment that failed part-way, as the provider itself sees it (a
 * capture whose answer was lost may well have happened): an authorization is voided, a capture refunded. Each call is
 * idempotent at the provider, so a retried release moves no money twice.
 */
export async function release(provider: PaymentProvider, orderId: string): Promise<Released> {
  const payment = await provider.lookup(orderId);
  if (!payment) return { captured: 0, refunded: 0 };
  if (payment.status === 'AUTHORIZED') {
    try {
      await provider.void({ orderId });
    } catch (error) {
      // Captured since the lookup (another execution of the payment saga, before the release claimed the payment).
      if (error instanceof InvalidPaymentState) return release(provider, orderId);
      throw error;
    }
  }
  if (payment.status === 'CAPTURED') {
    await provider.refund({ orderId, amount: payment.captured - payment.refunded });
    return { captured: payment.captured, refunded: payment.captured };
  }
  return { captured: payment.captured, refunded: payment.refunded };
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
