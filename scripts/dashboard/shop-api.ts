/**
 * The shop's own HTTP API (another origin: the page cannot call it without CORS, so the dashboard's server does). Every
 * route needs a token: the dashboard places orders as its customer and reads and stocks as its admin (an operator's
 * view: every customer's orders).
 */
import type { ShopUser } from '../../tests/support/identity';
import type { ApiAnswer } from './api-types';

export interface ShopCallers {
  customer: Pick<ShopUser, 'freshHeaders'>;
  admin: Pick<ShopUser, 'freshHeaders'>;
}

export class ShopApi {
  constructor(
    private readonly baseUrl: string,
    private readonly callers: ShopCallers,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, as: keyof ShopCallers = 'admin'): Promise<ApiAnswer> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(await this.callers[as].freshHeaders()), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? parseJson(text) : undefined };
  }

  /** Each context's view of one order; a context that does not know it (404) or fails says so by its status. */
  async orderAcrossContexts(orderId: string): Promise<{ order: ApiAnswer; payment: ApiAnswer; notifications: ApiAnswer }> {
    const id = encodeURIComponent(orderId);
    const [order, payment, notifications] = await Promise.all([
      this.request('GET', `/orders/${id}`),
      this.request('GET', `/payments/${id}`),
      this.request('GET', `/notifications?orderId=${id}`),
    ]);
    return { order, payment, notifications };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
