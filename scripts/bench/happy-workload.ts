/**
 * The bench's workload: only orders that should end CONFIRMED, in a fixed mix (no seed needed): every payment goes
 * through (tok_visa), a third of the orders have two lines, every tenth is high-value (through fraud review), and every
 * SKU has stock for all that ask. Shaped like the chaos suite's workload, so its drive and stock-up code run it.
 */
import { customerIdOf, HIGH_VALUE_THRESHOLD, type Line, type OrderScenario, type Workload } from '../chaos/scenarios';

const SKU_COUNT = 8;
const CURRENCIES = ['EUR', 'USD', 'GBP'];

export function happyWorkload(options: { orders: number; runId: string }): Workload {
  const { runId } = options;
  const skus = Array.from({ length: SKU_COUNT }, (_, k) => `BENCH-${runId}-${k}`);
  const scenarios: OrderScenario[] = Array.from({ length: options.orders }, (_, index) => {
    const items: Line[] = [{ sku: skus[index % SKU_COUNT]!, quantity: 1 + (index % 2), unitPrice: 1_299 }];
    if (index % 3 === 0) items.push({ sku: skus[(index + 1) % SKU_COUNT]!, quantity: 1, unitPrice: 450 });
    if (index % 10 === 0) items[0] = { ...items[0]!, quantity: 1, unitPrice: HIGH_VALUE_THRESHOLD + 1 };
    const customerId = customerIdOf(runId, index);
    return {
      kind: 'order',
      index,
      customerId,
      customerEmail: `${customerId}@example.com`,
      currency: CURRENCIES[index % CURRENCIES.length]!,
      items,
      paymentToken: 'tok_visa',
      idempotencyKey: `${customerId}-key`,
      doubleSubmit: false,
      repeatedSku: false,
      total: items.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
    };
  });
  const demand = new Map<string, number>();
  for (const { items } of scenarios) for (const line of items) demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
  return { runId, seed: 0, stock: skus.map((sku) => ({ sku, initial: demand.get(sku) ?? 0, scarce: false })), scenarios };
}
