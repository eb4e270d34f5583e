import { paymentConsumer } from './payment-consumer';

/** HighValueOrderPlacedRule: orders above the threshold take the fraud review before authorization. */
export const handler = paymentConsumer({ name: 'payments.high-value-order-placed', review: true });
