import { FUZZ_KINDS, generateWorkload, HIGH_VALUE_THRESHOLD, PAYMENT_TOKENS, type OrderScenario } from '../../scripts/chaos/scenarios';

describe('the chaos workload', () => {
  const workload = generateWorkload({ seed: 42, orders: 2000, runId: 'r1' });
  const orders = workload.scenarios.filter((s): s is OrderScenario => s.kind === 'order');

  it('is the same for the same seed (the run id only renames), and another for another seed', () => {
    const again = generateWorkload({ seed: 42, orders: 2000, runId: 'r2' });
    expect(JSON.stringify(again).replaceAll('r2', 'r1')).toEqual(JSON.stringify(workload));
    expect(JSON.stringify(generateWorkload({ seed: 43, orders: 2000, runId: 'r1' }))).not.toEqual(JSON.stringify(workload));
  });

  it('mixes every token, high-value, multi-line and repeated-SKU orders, clients with and without keys, double submits and every kind of invalid request', () => {
    expect(new Set(orders.map((o) => o.paymentToken))).toEqual(new Set(PAYMENT_TOKENS));
    expect(orders.filter((o) => o.total > HIGH_VALUE_THRESHOLD).length).toBeGreaterThan(100);
    expect(orders.filter((o) => o.items.length > 1).length).toBeGreaterThan(300);
    expect(orders.filter((o) => o.repeatedSku && new Set(o.items.map((l) => l.sku)).size < o.items.length).length).toBeGreaterThan(50);
    expect(orders.filter((o) => !o.idempotencyKey).length).toBeGreaterThan(50);
    expect(orders.filter((o) => o.doubleSubmit).length).toBeGreaterThan(50);
    const invalid = workload.scenarios.filter((s) => s.kind === 'invalid');
    expect(new Set(invalid.map((s) => s.fuzz))).toEqual(new Set(FUZZ_KINDS));
    for (const s of invalid) expect(s.body).toContain(s.marker);
  });

  it('gives a few SKUs less stock than their orders ask for, the others enough for every order', () => {
    const demand = new Map<string, number>();
    for (const o of orders) for (const l of o.items) demand.set(l.sku, (demand.get(l.sku) ?? 0) + l.quantity);
    const scarce = workload.stock.filter((s) => s.scarce);
    expect(scarce.length).toBeGreaterThan(0);
    for (const s of workload.stock) {
      if (s.scarce) expect(s.initial).toBeLessThan(demand.get(s.sku)!);
      else expect(s.initial).toBeGreaterThanOrEqual(demand.get(s.sku) ?? 0);
    }
  });

  it('names every customer and invalid request of a run with a fixed-width marker (none is a prefix of another)', () => {
    const markers = workload.scenarios.map((s) => (s.kind === 'order' ? s.customerId : s.marker));
    for (const a of markers.slice(0, 200)) expect(markers.filter((b) => b.startsWith(a))).toEqual([a]);
  });
});
