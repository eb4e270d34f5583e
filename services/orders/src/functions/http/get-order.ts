import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { badRequest, json } from '@shop/service-kit';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { orderView } from '../../domain/order';

const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `GET /orders/{orderId}`: the order's state, or 404. */
export async function getOrder(event: APIGatewayProxyEventV2, orders: Pick<OrdersTable, 'get'> = ordersTable()): Promise<APIGatewayProxyStructuredResultV2> {
  const orderId = event.pathParameters?.orderId ?? '';
  if (!ORDER_ID.test(orderId)) return badRequest([{ field: 'orderId', message: 'must be an order id (a lower-case UUID)' }]);
  const order = await orders.get(orderId);
  return order ? json(200, orderView(order)) : json(404, { message: `no order ${orderId}` });
}

export const handler = (event: APIGatewayProxyEventV2) => getOrder(event);
