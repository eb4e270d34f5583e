import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { badRequest, json } from '@shop/service-kit';
import { stockTable, type StockTable } from '../../adapters/stock-table';
import { skuErrors } from '../../domain/stock';

/** `GET /inventory/{sku}`: the stock level, or 404. Any signed-in caller may read it (the shop shows availability). */
export async function getStock(event: APIGatewayProxyEventV2, stock: Pick<StockTable, 'get'> = stockTable()): Promise<APIGatewayProxyStructuredResultV2> {
  const sku = event.pathParameters?.sku;
  const errors = skuErrors(sku);
  if (errors.length > 0) return badRequest(errors);
  const level = await stock.get(sku!);
  return level ? json(200, level) : json(404, { message: `no stock item ${sku}` });
}

export const handler = (event: APIGatewayProxyEventV2) => getStock(event);
