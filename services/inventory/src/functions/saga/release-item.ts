import { stockTable, type StockTable } from '../../adapters/stock-table';

/** Saga step (one Map iteration): give back what the order holds of one sku (nothing if it holds nothing). */
export function releaseItem({ orderId, sku }: { orderId: string; sku: string }, stock: Pick<StockTable, 'release'> = stockTable()) {
  return stock.release(orderId, sku);
}

export const handler = (input: { orderId: string; sku: string }) => releaseItem(input);
