import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { callerOf, json, mayRead, requiredEnv, unauthorized, type AuthorizedEvent } from '@shop/service-kit';
import { listSentNotifications, type NotificationView } from '../../adapters/notifications-table';

const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * GET /notifications?orderId=<uuid> → 200 with the order's sent notifications, those of the caller (an admin sees
 * every one): another customer's order answers `[]`, as an unknown order does. 400 naming the field otherwise.
 */
export async function listNotifications(
  event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'> & AuthorizedEvent,
  list: (orderId: string) => Promise<NotificationView[]> = (orderId) => listSentNotifications(orderId, requiredEnv('NOTIFICATIONS_TABLE')),
): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = callerOf(event);
  if (!caller) return unauthorized();
  const orderId = event.queryStringParameters?.orderId;
  if (!orderId) return json(400, { message: 'Invalid request', errors: [{ field: 'orderId', message: 'is required (query string)' }] });
  if (!ORDER_ID.test(orderId)) return json(400, { message: 'Invalid request', errors: [{ field: 'orderId', message: 'must be an order id (a lower-case UUID)' }] });
  return json(200, (await list(orderId)).filter((notification) => mayRead(caller, notification.customerId)));
}

export const handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => listNotifications(event);
