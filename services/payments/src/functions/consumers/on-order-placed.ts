import { paymentConsumer } from './payment-consumer';

/** OrderPlacedRule: orders whose total is at most the high-value threshold. */
export const handler = paymentConsumer({ name: 'payments.order-placed', review: false });
