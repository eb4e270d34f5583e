import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json, requiredEnv } from '@shop/service-kit';
import { listSentNotifications, type NotificationView } from '../../adapters/notifications-table';

const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** GET /notifications?orderId=<uuid> → 200 with the order's sent notifications; 400 naming the field otherwise. */
export async function listNotifications(
  event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'>,
  list: (orderId: string) => Promise<NotificationView[]> = (orderId) => listSentNotifications(orderId, requiredEnv('NOTIFICATIONS_TABLE')),
): Promise<APIGatewayProxyStructuredResultV2> {
  const orderId = event.queryStringParameters?.orderId;
  if (!orderId) return json(400, { message: 'Invalid request', errors: [{ field: 'orderId', message: 'is required (query string)' }] });
  if (!ORDER_ID.test(orderId)) return json(400, { message: 'Invalid request', errors: [{ field: 'orderId', message: 'must be an order id (a lower-case UUID)' }] });
  return json(200, await list(orderId));
}

export const handler = (event: APIGatewayProxyEventV2) => listNotifications(event);
