/**
 * The local dashboard, served by the emulator's own endpoint under /_local/dashboard/: the bus timeline, the sagas
 * drawn as graphs, the dead-letter queues with a redrive, each order across the four contexts, and the alarms with
 * charts of the run.
 */
import type { LocalCloud } from '../../libs/local-cloud/src';
import type { CloudActivity } from '../../libs/local-cloud/src/cloud';
import { randomUUID } from 'node:crypto';
import type { LocalRoute } from '../../libs/local-cloud/src/server';
import { ActivityLog } from './activity-log';
import type { ExecutionView } from './api-types';
import { buildAssets } from './bundle';
import { deadLetterQueues, redrive } from './dlqs';
import { apiRoute, badRequest, BASE_PATH, jsonBody, notFound, requiredParam } from './http';
import { monitoring } from './monitoring';
import { OrderIndex, orderStatuses } from './orders';
import { executionsOfOrder, listExecutions } from './sagas';
import { ShopApi, type ShopCallers } from './shop-api';

export interface DashboardOptions {
  /** The shop's HTTP API base URL, e.g. http://localhost:3000. */
  apiBaseUrl: string;
  /** Who the dashboard calls the shop as: its order form as the customer, the rest as the admin. */
  callers: ShopCallers;
}

/** Orders listed with their statuses: each costs three API calls per refresh. */
const ORDERS_SHOWN = 30;

export async function mountDashboard(local: LocalCloud, options: DashboardOptions): Promise<{ url: string }> {
  const assets = await buildAssets();
  const log = new ActivityLog();
  const orders = new OrderIndex();
  const api = new ShopApi(options.apiBaseUrl, options.callers);
  local.cloud.monitor.on('activity', (activity: CloudActivity) => {
    const logged = log.add(activity);
    if (logged) orders.observe(logged);
  });

  const asset = (name: string, contentType: string, body: string): LocalRoute => ({
    method: 'GET',
    path: `${BASE_PATH}/${name}`,
    handle: async () => ({ status: 200, headers: { 'content-type': `${contentType}; charset=utf-8`, 'cache-control': 'no-cache' }, body }),
  });
  const routes: LocalRoute[] = [
    asset('', 'text/html', assets.html),
    asset('app.js', 'text/javascript', assets.js),
    asset('styles.css', 'text/css', assets.css),
    { method: 'GET', path: BASE_PATH, handle: async () => ({ status: 302, headers: { location: `${BASE_PATH}/` } }) },

    apiRoute('GET', 'activity', async (request) => {
      const after = Number(request.query.get('after') ?? 0);
      if (!Number.isInteger(after) || after < 0) throw badRequest('after must be a sequence number (a non-negative integer)');
      return { activities: log.after(after), lastSeq: log.lastSeq, firstSeq: log.firstSeq };
    }),

    apiRoute('GET', 'orders', async () => ({
      apiBaseUrl: options.apiBaseUrl,
      orders: await Promise.all(orders.list(ORDERS_SHOWN).map(async (order) => ({ ...order, contexts: await orderStatuses(api, order.orderId) }))),
    })),
    apiRoute('GET', 'order', async (request) => {
      const orderId = requiredParam(request, 'orderId');
      if (!orders.has(orderId)) throw notFound(`no OrderPlaced event for ${orderId} was seen on the bus`);
      const [contexts, executions] = await Promise.all([orderStatuses(api, orderId), executionsOfOrder(local.states, orderId)]);
      return { orderId, contexts, executions, events: orders.activity(log, orderId) };
    }),
    // The page's form posts here: the HTTP API is another origin.
    apiRoute('POST', 'orders', async (request) => {
      const body = jsonBody(request);
      const idempotencyKey = request.query.get('idempotencyKey') ?? randomUUID();
      return api.request('POST', '/orders', body, { 'idempotency-key': idempotencyKey }, 'customer');
    }),
    apiRoute('POST', 'stock', async (request) => {
      const sku = requiredParam(request, 'sku');
      return api.request('PUT', `/inventory/${encodeURIComponent(sku)}`, jsonBody(request));
    }),

    apiRoute('GET', 'executions', async () => ({ executions: (await listExecutions(local.states)).slice(0, 200) })),
    apiRoute('GET', 'execution', async (request): Promise<ExecutionView> => local.states.getExecutionGraph(requiredParam(request, 'executionArn'))),

    apiRoute('GET', 'dlqs', async () => ({ queues: await deadLetterQueues(local) })),
    apiRoute('POST', 'redrive', async (request) => redrive(local, requiredParam(request, 'queueUrl'))),

    apiRoute('GET', 'monitoring', async () => monitoring(local)),
  ];
  for (const route of routes) local.server.registerLocalRoute(route);
  return { url: `${local.url}${BASE_PATH}/` };
}
