import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stockTable, type StockTable } from '../../adapters/stock-table';
import { badRequest, json, readJsonBody } from '@shop/service-kit';
import { parseStockUpdate, STOCK_UPDATE_BODY_LIMITS } from '../../domain/stock';

/**
 * `PUT /inventory/{sku}` `{ "available": n }`: sets the free units of a sku (creating it), answers the stock level;
 * 400 naming every bad field, 413 / 415 for a body too large or not JSON (nothing written).
 */
export async function putStock(event: APIGatewayProxyEventV2, stock: Pick<StockTable, 'setAvailable'> = stockTable()): Promise<APIGatewayProxyStructuredResultV2> {
  const body = readJsonBody(event, STOCK_UPDATE_BODY_LIMITS);
  if (!body.ok) return json(body.rejection.statusCode, body.rejection.body);
  const parsed = parseStockUpdate(event.pathParameters?.sku, body.value);
  if (!parsed.ok) return badRequest(parsed.errors);
  return json(200, await stock.setAvailable(parsed.value.sku, parsed.value.available));
}

export const handler = (event: APIGatewayProxyEventV2) => putStock(event);
