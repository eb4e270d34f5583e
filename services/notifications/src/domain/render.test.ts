import type { NotificationRequest } from './notification-request';
import { formatMoney, orderReference, renderEmail } from './render';

const base = { orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', customerId: 'cust-7', recipient: 'grace@example.com', cause: { metadata: { id: 'e', correlationId: 'c' } } };
const confirmedRequest: NotificationRequest = { ...base, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', total: { amount: 2598, currency: 'EUR' } };

describe('formatMoney', () => {
  it('formats integer minor units with each currency\'s own exponent', () => {
    expect(formatMoney({ amount: 2598, currency: 'EUR' })).toBe('€25.98');
    expect(formatMoney({ amount: 4500, currency: 'JPY' })).toBe('¥4,500');
    expect(formatMoney({ amount: 12345, currency: 'KWD' })).toBe('KWD\u00a012.345');
    expect(formatMoney({ amount: 123456, currency: 'USD' })).toBe('$1,234.56');
  });
});

describe('renderEmail', () => {
  it('confirms the order with its id and total', () => {
    const email = renderEmail(confirmedRequest);
    expect(email.subject).toBe('Your order 0C5E8F7A is confirmed');
    expect(email.text).toContain(`Your order ${base.orderId} is confirmed: we have taken €25.98.`);
    expect(email.text.startsWith('Hello there,')).toBe(true);
    expect(email.html).toContain('€25.98');
  });

  it('tells a failed payment, with the payment\'s reason when the event gives one', () => {
    const fromPayment = renderEmail({ ...base, outcome: 'CANCELLED', template: 'PAYMENT_FAILED', reason: 'DECLINED' });
    expect(fromPayment.subject).toBe('Payment for order 0C5E8F7A did not go through');
    expect(fromPayment.text).toContain(`We could not take the payment for your order ${base.orderId}: the card was declined, so the order is cancelled.`);
    const fromOrder = renderEmail({ ...base, outcome: 'CANCELLED', template: 'PAYMENT_FAILED', reason: 'PAYMENT_FAILED' });
    expect(fromOrder.subject).toBe(fromPayment.subject);
    expect(fromOrder.text).toContain(`We could not take the payment for your order ${base.orderId}, so the order is cancelled.`);
  });

  it('tells a cancellation with its reason in words', () => {
    const email = renderEmail({ ...base, outcome: 'CANCELLED', template: 'ORDER_CANCELLED', reason: 'OUT_OF_STOCK' });
    expect(email.subject).toBe('Your order 0C5E8F7A is cancelled');
    expect(email.text).toContain(`Your order ${base.orderId} is cancelled because some items are out of stock.`);
  });

  it('leaves an unknown reason code out rather than showing it', () => {
    const email = renderEmail({ ...base, outcome: 'CANCELLED', template: 'ORDER_CANCELLED', reason: 'SOMETHING_NEW' });
    expect(email.text).toContain(`Your order ${base.orderId} is cancelled.`);
    expect(email.text).not.toContain('SOMETHING_NEW');
  });

  it('greets by name and escapes it in the HTML body', () => {
    const email = renderEmail({ ...confirmedRequest, customerName: 'Ada <script>' });
    expect(email.text.startsWith('Hello Ada <script>,')).toBe(true);
    expect(email.html).toContain('Hello Ada &lt;script&gt;,');
    expect(email.html).not.toContain('<script>');
  });

  it('refers to the order by the first block of its id', () => {
    expect(orderReference(base.orderId)).toBe('0C5E8F7A');
  });
});
