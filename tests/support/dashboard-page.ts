import type { Page } from 'playwright-core';

/** Waits for the page to show something; it polls the dashboard API, which follows the system. */
export const UI_WAIT = { timeout: 30_000 };

/** Places an order from the dashboard's form; returns its id once the form shows the API's answer for it (not an earlier one). */
export async function placeFromForm(page: Page, sku: string, token: string): Promise<string> {
  const result = page.locator('.place-order [role="status"]');
  const before = (await result.count()) > 0 ? await result.innerText() : '';
  await page.getByLabel('SKU').fill(sku);
  await page.getByLabel('Payment token').selectOption(token);
  await page.getByRole('button', { name: 'Place order' }).click();
  const placed = result.filter({ hasText: /^202 order / });
  await (before ? placed.filter({ hasNotText: before }) : placed).waitFor(UI_WAIT);
  return /order ([0-9a-f-]{36}) PENDING/.exec(await result.innerText())![1]!;
}

/** Opens the order's saga from its detail and waits until each of `states` is drawn with `status`. */
export async function expectSagaStates(page: Page, orderId: string, states: string[], status = 'SUCCEEDED'): Promise<void> {
  await page.locator(`tr[data-order-id="${orderId}"]`).click(UI_WAIT);
  await page.getByRole('button', { name: `shop-orders-dev-order / ${orderId}` }).click(UI_WAIT);
  const graph = page.locator('.saga-graph');
  for (const state of states) await graph.locator(`[data-state="${state}"][data-status="${status}"]`).waitFor(UI_WAIT);
}
