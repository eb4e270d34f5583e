/**
 * The stock `npm start` puts in the inventory so that orders can be placed at once. The README's walk-through and
 * the dashboard's order form use these SKUs; SKU-SOLD-OUT has none, for the out-of-stock path.
 */
export const DEMO_STOCK: Readonly<Record<string, number>> = {
  'SKU-RED-MUG': 100,
  'SKU-GREEN-TEA': 50,
  'SKU-GOLD-WATCH': 5,
  'SKU-SOLD-OUT': 0,
};

/**
 * Stocks each demo SKU the inventory does not know yet, through the inventory's own HTTP API (PUT /inventory/{sku}), as
 * an admin (`headers`: its token). A SKU already there (kept with --dynamodb-path) keeps its level. Returns the SKUs it
 * stocked.
 */
export async function seedDemoStock(baseUrl: string, headers: { authorization: string }): Promise<string[]> {
  const stocked: string[] = [];
  for (const [sku, available] of Object.entries(DEMO_STOCK)) {
    const url = `${baseUrl}/inventory/${encodeURIComponent(sku)}`;
    const current = await fetch(url, { headers });
    if (current.status === 200) continue;
    if (current.status !== 404) throw new Error(`GET ${url} answered ${current.status}: ${await current.text()}`);
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ available }) });
    if (put.status !== 200) throw new Error(`PUT ${url} answered ${put.status}: ${await put.text()}`);
    stocked.push(sku);
  }
  return stocked;
}
