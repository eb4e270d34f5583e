import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { callerOf, json, mayRead, unauthorized } from '@shop/service-kit';
import { PaymentsTable } from '../../adapters/payments-table';
import { paymentView } from '../../domain/payment';

const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * GET /payments/{orderId} → 200 {orderId, status, captured, refunded} (minor units) for the order's customer or an
 * admin, 400 on a malformed id, 404 for an unknown order and for another customer's.
 */
export function createHandler(payments: () => Pick<PaymentsTable, 'get'> = PaymentsTable.fromEnv) {
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = callerOf(event);
    if (!caller) return unauthorized();
    const orderId = event.pathParameters?.orderId ?? '';
    if (!ORDER_ID.test(orderId)) {
      return json(400, { message: 'invalid request', errors: [{ field: 'orderId', message: 'must be an order id (a lower-case UUID)' }] });
    }
    const record = await payments().get(orderId);
    if (!record || !mayRead(caller, record.customerId)) return json(404, { message: `no payment for order ${orderId}` });
    return json(200, paymentView(record));
  };
}

export const handler = createHandler();
