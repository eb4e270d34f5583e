import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stockTable, type StockTable } from '../../adapters/stock-table';
import { ADMINS_GROUP, badRequest, callerOf, forbidden, json, readJsonBody, unauthorized } from '@shop/service-kit';
import { parseStockUpdate, STOCK_UPDATE_BODY_LIMITS } from '../../domain/stock';

/**
 * `PUT /inventory/{sku}` `{ "available": n }`, for admins only: sets the free units of a sku (creating it), answers the
 * stock level; 403 for any other caller, 400 naming every bad field, 413 / 415 for a body too large or not JSON (nothing
 * written).
 */
export async function putStock(event: APIGatewayProxyEventV2WithJWTAuthorizer, stock: Pick<StockTable, 'setAvailable'> = stockTable()): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = callerOf(event);
  if (!caller) return unauthorized();
  if (!caller.isAdmin) return forbidden(`setting stock needs the ${ADMINS_GROUP} group`);
  const body = readJsonBody(event, STOCK_UPDATE_BODY_LIMITS);
  if (!body.ok) return json(body.rejection.statusCode, body.rejection.body);
  const parsed = parseStockUpdate(event.pathParameters?.sku, body.value);
  if (!parsed.ok) return badRequest(parsed.errors);
  return json(200, await stock.setAvailable(parsed.value.sku, parsed.value.available));
}

export const handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => putStock(event);
