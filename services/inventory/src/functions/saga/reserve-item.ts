import { stockTable, type StockTable } from '../../adapters/stock-table';
import type { ItemOutcome } from '../../domain/reservation';

export interface ReserveItemInput {
  orderId: string;
  sku: string;
  quantity: number;
}

/** Saga step (one Map iteration): reserve one item; "not enough" is an answer, not an error. */
export function reserveItem({ orderId, sku, quantity }: ReserveItemInput, stock: Pick<StockTable, 'reserve'> = stockTable()): Promise<ItemOutcome> {
  return stock.reserve(orderId, { sku, quantity });
}

export const handler = (input: ReserveItemInput) => reserveItem(input);
