import type { DetailOf } from '@shop/events';

export type PaymentStatus = 'AUTHORIZED' | 'CAPTURED' | 'FAILED' | 'VOIDED' | 'REFUNDED';
export type PaymentFailureReason = DetailOf<'PaymentFailed.v1'>['data']['reason'];

export interface Payment {
  orderId: string;
  paymentId: string;
  customerId: string;
  customerEmail: string;
  currency: string;
  /** Integer minor units: what the order asked for, what was captured, what was refunded. */
  amount: number;
  captured: number;
  refunded: number;
  status: PaymentStatus;
}
