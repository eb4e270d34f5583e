import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stockTable, type StockTable } from '../../adapters/stock-table';
import { parseStockUpdate } from '../../domain/stock';
import { badRequest, json } from './responses';

/** `PUT /inventory/{sku}` `{ "available": n }`: sets the free units of a sku (creating it), answers the stock level. */
export async function putStock(event: APIGatewayProxyEventV2, stock: Pick<StockTable, 'setAvailable'> = stockTable()): Promise<APIGatewayProxyStructuredResultV2> {
  const body = event.body !== undefined && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const parsed = parseStockUpdate(event.pathParameters?.sku, body);
  if (!parsed.ok) return badRequest(parsed.errors);
  return json(200, await stock.setAvailable(parsed.value.sku, parsed.value.available));
}

export const handler = (event: APIGatewayProxyEventV2) => putStock(event);
