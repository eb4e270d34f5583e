import { SimulatedProvider } from '../../adapters/simulated-provider';
import { reviewForFraud } from '../../domain/fraud';
import { release, type PaymentProvider } from '../../domain/provider';

/**
 * The saga steps that call the payment provider (and the fraud review). Their errors are named (PaymentDeclined,
 * ProviderUnavailable, InvalidPaymentState, FraudRejected) so the state machine's Retry / Catch can tell them apart.
 */
const defaultProvider = (): PaymentProvider => SimulatedProvider.fromEnv();

export const createAuthorize = (provider: () => PaymentProvider = defaultProvider) =>
  (input: { orderId: string; paymentId: string; token: string; amount: number; currency: string }) => provider().authorize(input);

export const createCapture = (provider: () => PaymentProvider = defaultProvider) => async (input: { orderId: string; amount: number }) => {
  await provider().capture(input);
  return { captured: input.amount };
};

export const createRefund = (provider: () => PaymentProvider = defaultProvider) => async (input: { orderId: string; amount: number }) => {
  await provider().refund(input);
  return { refunded: input.amount };
};

/** The payment-release saga's compensation (a cancellation or a failure past authorization): void or refund whatever the provider holds. */
export const createRelease = (provider: () => PaymentProvider = defaultProvider) => (input: { orderId: string }) => release(provider(), input.orderId);

export const authorize = createAuthorize();
export const capture = createCapture();
export const refund = createRefund();
export const releasePayment = createRelease();

/** High-value orders only: throws FraudRejected, which the saga catches. */
export const fraudReview = async (input: { orderId: string; token: string; amount: number; currency: string }) => reviewForFraud(input);
