/** Permanent: fraud review rejected the order. The saga catches it by name. */
export class FraudRejected extends Error {
  override readonly name = 'FraudRejected';
}

/**
 * The review of a high-value order. Simulated: the test token `tok_fraud` is rejected, everything else approved.
 * A real screening service would replace this function behind the same Task.
 */
export function reviewForFraud(request: { orderId: string; token: string; amount: number; currency: string }): { approved: true } {
  if (request.token === 'tok_fraud') throw new FraudRejected(`order ${request.orderId}: ${request.amount} ${request.currency} rejected by fraud review`);
  return { approved: true };
}
