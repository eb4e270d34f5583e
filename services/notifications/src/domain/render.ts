import { toMajorUnits } from '@shop/events';
import type { NotificationRequest } from './notification-request';

/** What the e-mail says: SES Simple content (subject, text and HTML bodies). */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const LOCALE = 'en';

/** Words for the producers' reason codes (OrderCancelled.v1 and PaymentFailed.v1); an unknown code is left out, not shown raw. */
const REASONS: Record<string, string> = {
  OUT_OF_STOCK: 'some items are out of stock',
  TIMEOUT: 'it could not be completed in time',
  FRAUD_REJECTED: 'it did not pass our security checks',
  PAYMENT_FAILED: 'the payment did not go through',
  DECLINED: 'the card was declined',
  PROVIDER_ERROR: 'the payment provider could not process it',
};

/** An amount in integer minor units, in its currency's notation (EUR 2598 → €25.98, JPY 4500 → ¥4,500, KWD 12345 → KWD 12.345). */
export function formatMoney(money: { amount: number; currency: string }, locale = LOCALE): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(toMajorUnits(money.amount, money.currency));
}

/** Orders are referred to by the first block of their id, as the subject line has little room. */
export const orderReference = (orderId: string) => orderId.slice(0, 8).toUpperCase();

interface Content {
  subject: string;
  /** Paragraphs, as plain text. */
  paragraphs: string[];
}

function contentOf(request: NotificationRequest): Content {
  const reference = orderReference(request.orderId);
  const reason = request.reason === undefined ? undefined : REASONS[request.reason];
  switch (request.template) {
    case 'ORDER_CONFIRMED':
      return {
        subject: `Your order ${reference} is confirmed`,
        paragraphs: [
          `Your order ${request.orderId} is confirmed${request.total ? `: we have taken ${formatMoney(request.total)}` : ''}.`,
          'We will let you know when it ships.',
        ],
      };
    case 'PAYMENT_FAILED':
      return {
        subject: `Payment for order ${reference} did not go through`,
        paragraphs: [
          `We could not take the payment for your order ${request.orderId}${reason && request.reason !== 'PAYMENT_FAILED' ? `: ${reason}` : ''}, so the order is cancelled.`,
          'Nothing has been charged. You are welcome to order again with another payment method.',
        ],
      };
    case 'ORDER_CANCELLED':
      return {
        subject: `Your order ${reference} is cancelled`,
        paragraphs: [
          `Your order ${request.orderId} is cancelled${reason ? ` because ${reason}` : ''}.`,
          'Anything you were charged for it will be refunded.',
        ],
      };
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The e-mail for a notification request: pure, from the event's data only. */
export function renderEmail(request: NotificationRequest): RenderedEmail {
  const { subject, paragraphs } = contentOf(request);
  const greeting = `Hello ${request.customerName ?? 'there'},`;
  const lines = [greeting, ...paragraphs, 'The Shop'];
  return {
    subject,
    text: lines.join('\n\n') + '\n',
    html: `<!doctype html><html><body>${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}</body></html>`,
  };
}
