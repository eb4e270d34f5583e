import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { badRequest, callerOf, json, mayRead, unauthorized } from '@shop/service-kit';
import { ordersTable, type OrdersTable } from '../../adapters/orders-table';
import { orderView } from '../../domain/order';

const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `GET /orders/{orderId}`: the order's state, for its customer or an admin; 404 otherwise, as for an unknown order (an
 * order id is not a secret, but whether it exists is another customer's business).
 */
export async function getOrder(event: APIGatewayProxyEventV2WithJWTAuthorizer, orders: Pick<OrdersTable, 'get'> = ordersTable()): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = callerOf(event);
  if (!caller) return unauthorized();
  const orderId = event.pathParameters?.orderId ?? '';
  if (!ORDER_ID.test(orderId)) return badRequest([{ field: 'orderId', message: 'must be an order id (a lower-case UUID)' }]);
  const order = await orders.get(orderId);
  return order && mayRead(caller, order.customerId) ? json(200, orderView(order)) : json(404, { message: `no order ${orderId}` });
}

export const handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => getOrder(event);
