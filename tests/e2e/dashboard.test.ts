import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Page } from 'playwright-core';
import { mountDashboard } from '../../scripts/dashboard';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { placeFromForm, UI_WAIT } from '../support/dashboard-page';
import { setOutcomeTimeout, startSystem, type System } from '../support/system';

/**
 * The dashboard in a real browser (Debian's chromium), on the whole system running in-process: what a developer
 * does first (seed stock, place orders from the form) and what they come for (the order across contexts, its saga
 * drawn, the bus timeline, a poison event in its DLQ and its redrive).
 */
let system: System;
let browser: TestBrowser;
let page: Page;
let dashboardUrl: string;


beforeAll(async () => {
  system = await startSystem({ timeScale: 0.001 });
  setOutcomeTimeout(system.local, 600_000);
  const { port } = await system.local.http.listen(0);
  dashboardUrl = (await mountDashboard(system.local, { apiBaseUrl: `http://localhost:${port}`, callers: system })).url;
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('the dashboard', () => {
  it('is served as a page, a script and a stylesheet, and answers bad API input with 400', async () => {
    const get = (path: string, init?: RequestInit) => fetch(new URL(path, dashboardUrl), init);
    expect((await get('')).headers.get('content-type')).toContain('text/html');
    expect((await get('app.js')).headers.get('content-type')).toContain('text/javascript');
    expect((await get('styles.css')).headers.get('content-type')).toContain('text/css');
    const bad = await get('api/activity?after=-1');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: expect.stringContaining('after') });
    expect((await get('api/execution')).status).toBe(400);
    expect((await get(`api/execution?executionArn=${system.local.cloud.arn('states', 'execution:nope:nope')}`)).status).toBe(404);
    expect((await get('api/redrive?queueUrl=http://localhost/000000000000/not-a-dlq', { method: 'POST' })).status).toBe(400);
    expect((await get('api/orders', { method: 'POST', body: 'not json' })).status).toBe(400);
  });

  it('marks what the fault plan injected on the bus timeline, under the event it struck', async () => {
    await page.goto(dashboardUrl);
    system.local.faults.set({ duplicate: { rate: 1, scope: 'shop-inventory-dev-*' } });
    try {
      await page.getByLabel('SKU').fill('SKU-E2E-FAULT');
      await page.getByLabel('Stock').fill('5');
      await page.getByRole('button', { name: 'Set stock' }).click();
      await page.locator('.place-order [role="status"]', { hasText: '200 stock SKU-E2E-FAULT' }).waitFor(UI_WAIT);
      await placeFromForm(page, 'SKU-E2E-FAULT', 'tok_visa');
      const struck = page.locator('.timeline .entry.event[data-event-type="OrderPlaced.v1"] .follow', { hasText: 'injected' }).first();
      await struck.waitFor(UI_WAIT);
      expect(await struck.textContent()).toMatch(/injected\s*duplicate \(eventbridge-target\) → shop-inventory-dev-/);
    } finally {
      system.local.faults.set({});
    }
  });

  it('places orders from its form and shows each across the contexts, its saga drawn, and the bus timeline', async () => {
    await page.goto(dashboardUrl);
    await page.getByLabel('SKU').fill('SKU-E2E-MUG');
    await page.getByLabel('Stock').fill('5');
    await page.getByRole('button', { name: 'Set stock' }).click();
    await page.locator('.place-order [role="status"]', { hasText: '200 stock SKU-E2E-MUG' }).waitFor(UI_WAIT);

    const confirmed = await placeFromForm(page, 'SKU-E2E-MUG', 'tok_visa');
    await page.locator(`tr[data-order-id="${confirmed}"]`, { hasText: 'CONFIRMED' }).waitFor(UI_WAIT);
    await page.locator(`tr[data-order-id="${confirmed}"]`, { hasText: 'CAPTURED' }).waitFor(UI_WAIT);

    // The order's own saga, named after it, from the order's detail.
    await page.getByRole('button', { name: `shop-orders-dev-order / ${confirmed}` }).click(UI_WAIT);
    const graph = page.locator('.saga-graph');
    for (const state of ['PublishOrderPlaced', 'AwaitOutcomes', 'WaitForPayment', 'WaitForInventory', 'Confirm', 'PublishOrderConfirmed']) {
      await graph.locator(`[data-state="${state}"][data-status="SUCCEEDED"]`).waitFor(UI_WAIT);
    }
    expect(await graph.locator('[data-state="PaymentFailed"]').getAttribute('data-status')).toBe('NOT_STARTED');
    expect(await graph.locator('.edge.taken').count()).toBeGreaterThanOrEqual(7);
    await graph.locator('[data-state="Confirm"]').click();
    const input = JSON.parse(await page.getByTestId('state-input').innerText());
    const output = JSON.parse(await page.getByTestId('state-output').innerText());
    expect(input).toMatchObject({ orderId: confirmed, outcomes: expect.any(Array) });
    expect(output).toMatchObject({ orderId: confirmed, settled: expect.anything() });

    const declined = await placeFromForm(page, 'SKU-E2E-MUG', 'tok_declined');
    await page.locator(`tr[data-order-id="${declined}"]`, { hasText: 'CANCELLED' }).waitFor(UI_WAIT);
    await page.locator(`tr[data-order-id="${declined}"]`, { hasText: 'PAYMENT_FAILED' }).waitFor(UI_WAIT);

    const timeline = page.locator('.timeline');
    for (const id of [confirmed, declined]) {
      await timeline.locator('[data-event-type="OrderPlaced.v2"]', { hasText: `order ${id.slice(0, 8)}` }).waitFor(UI_WAIT);
    }
    await timeline.locator('[data-event-type="OrderConfirmed.v1"]', { hasText: `order ${confirmed.slice(0, 8)}` }).waitFor(UI_WAIT);
    await timeline.locator('[data-event-type="OrderCancelled.v1"]', { hasText: 'shop-payments-dev-onOrderCancelled' }).first().waitFor(UI_WAIT);
  });

  it('shows a poison event in its DLQ with the reason, and its Redrive button empties the queue', async () => {
    const consumer = system.local.lambda.getFunction('shop-notifications-dev-onOrderOutcome');
    // The cause: a misconfigured consumer (the saga it starts does not exist), as in the system test.
    const missingSaga = consumer.environment.NOTIFICATION_STATE_MACHINE_ARN!.replace(/:stateMachine:.*/, ':stateMachine:not-deployed');
    system.local.lambda.registerFunction({ ...consumer, environment: { ...consumer.environment, NOTIFICATION_STATE_MACHINE_ARN: missingSaga } });
    const poisonQueue = String(system.stacks.find((s) => s.stackName === 'shop-notifications-dev')!.resources.get('PoisonEventsQueue')!.ref);
    const queueName = poisonQueue.split('/').pop()!;
    await page.goto(dashboardUrl);
    await page.getByLabel('SKU').fill('SKU-E2E-MUG');
    await page.getByLabel('Stock').fill('5');
    await page.getByRole('button', { name: 'Set stock' }).click();
    await placeFromForm(page, 'SKU-E2E-MUG', 'tok_visa');

    const queue = page.locator(`.queue[data-queue="${queueName}"]`);
    await queue.locator('.reason', { hasText: 'RetriesExhausted' }).waitFor(UI_WAIT);
    expect(await queue.locator('.reason').first().innerText()).toContain('not-deployed');
    expect(system.local.sqs.peekMessages(poisonQueue)).toHaveLength(1); // shown, not consumed

    system.local.lambda.registerFunction(consumer); // the cause, fixed
    await queue.getByRole('button', { name: `Redrive ${queueName}` }).click();
    await page.locator('.dlqs [role="status"]', { hasText: `${queueName}: redriven 1 (Invoke → ` }).waitFor(UI_WAIT);
    expect(await page.locator('.dlqs [role="status"]').innerText()).toContain('kept 0');
    await queue.waitFor({ state: 'detached', ...UI_WAIT });
    expect(system.local.sqs.peekMessages(poisonQueue)).toEqual([]);
  });

  it("lists the packaged alarms, a DLQ's depth alarm red in ALARM with its reason and e-mailed, and charts the DLQ depth", async () => {
    const sqs = new SQSClient({ endpoint: system.local.url, region: system.local.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const poisonQueue = String(system.stacks.find((s) => s.stackName === 'shop-orders-dev')!.resources.get('PoisonEventsQueue')!.ref);
    const queueName = poisonQueue.split('/').pop()!;
    // The alarm the observability plugin adds to the orders template for this queue.
    const packaged = system.local.cloudwatch.alarms.list().find((a) => a.metricName === 'ApproximateNumberOfMessagesVisible' && a.dimensions[0]?.Value === queueName);
    expect(packaged).toBeDefined();
    try {
      await page.goto(dashboardUrl);
      const alarm = page.locator(`.alarms .alarm[data-alarm="${packaged!.name}"]`);
      await alarm.and(page.locator('[data-state="OK"]')).waitFor(UI_WAIT);

      await sqs.send(new SendMessageCommand({ QueueUrl: poisonQueue, MessageBody: '{"poison":"sent by the dashboard test"}' }));
      await alarm.and(page.locator('[data-state="ALARM"]')).waitFor(UI_WAIT);
      expect(await alarm.locator('.reason').innerText()).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoints \[1\.0 .*\] was greater than the threshold \(0\.0\)/);
      expect(await alarm.evaluate((element) => getComputedStyle(element).borderLeftColor)).toBe('rgb(180, 35, 24)');
      expect(await page.locator('.alarms h2 .firing').innerText()).toMatch(/^\d+ alarms, [1-9]\d* in ALARM$/);
      await page.locator('.chart[data-chart="dlq-depth"][data-max="1"]').waitFor(UI_WAIT);
      for (const chart of ['orders', 'saga-failures']) await page.locator(`.chart[data-chart="${chart}"]`).waitFor(UI_WAIT);
      // The stage's alarm topic (services/event-bus) e-mails its subscriber, captured locally.
      await system.waitFor(() => system.local.sns.listEmails({ subject: `ALARM: "${packaged!.name}"` }).length > 0, 'the alarm e-mail');

      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: poisonQueue, WaitTimeSeconds: 1 }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: poisonQueue, ReceiptHandle: Messages[0]!.ReceiptHandle }));
      await alarm.and(page.locator('[data-state="OK"]')).waitFor(UI_WAIT);
    } finally {
      sqs.destroy();
    }
  });
});
