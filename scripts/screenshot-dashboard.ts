/**
 * npm run screenshot: docs/dashboard.png (1440x900). Starts the whole system in-process, places orders down
 * different paths (confirmed, declined, out of stock), and opens the dashboard on the confirmed order's saga. Then
 * docs/dashboard-alarms.png: a poison event reaches the payments poison queue and its alarm goes red.
 */
import '../libs/local-cloud/src/polyfills';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { launchBrowser } from '../tests/support/browser';
import { setOutcomeTimeout, startSystem } from '../tests/support/system';
import { mountDashboard } from './dashboard';

const OUTPUT = path.join(__dirname, '..', 'docs', 'dashboard.png');
const ALARMS_OUTPUT = path.join(__dirname, '..', 'docs', 'dashboard-alarms.png');

async function main(): Promise<void> {
  // As in the tests: the SDK's Node-version notice and the in-process functions' INFO logs would drown the output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const system = await startSystem({ timeScale: 0.001 });
  setOutcomeTimeout(system.local, 600_000);
  const { port } = await system.local.http.listen(0);
  const { url } = await mountDashboard(system.local, { apiBaseUrl: `http://localhost:${port}`, callers: system });
  const browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
  try {
    await system.http('PUT', '/inventory/SKU-RED-MUG', { available: 10 }, system.admin.headers);
    await system.http('PUT', '/inventory/SKU-BLUE-PLATE', { available: 0 }, system.admin.headers);
    const place = async (sku: string, paymentToken: string, customerEmail: string) => {
      const answer = await system.http('POST', '/orders', { customerEmail, currency: 'EUR', items: [{ sku, quantity: 2, unitPrice: 1299 }], paymentToken });
      return answer.body.orderId as string;
    };
    const confirmed = await place('SKU-RED-MUG', 'tok_visa', 'ada@example.com');
    await place('SKU-RED-MUG', 'tok_declined', 'grace@example.com');
    await place('SKU-BLUE-PLATE', 'tok_visa', 'edsger@example.com');
    await system.waitFor(async () => (await system.http('GET', `/orders/${confirmed}`)).body?.status === 'CONFIRMED', 'the confirmed order');
    await system.waitFor(() => true, 'the other orders to settle');

    // The order saga's execution is named after the order.
    const executionArn = system.local.cloud.arn('states', `execution:shop-orders-dev-order:${confirmed}`);
    const page = await browser.context.newPage();
    await page.goto(`${url}#order=${confirmed}&execution=${encodeURIComponent(executionArn)}`);
    await page.locator('.saga-graph [data-state="Confirm"][data-status="SUCCEEDED"]').waitFor();
    await page.locator('.saga-graph [data-state="AwaitOutcomes"]').click();
    await page.getByText('OUT_OF_STOCK').first().waitFor();
    await page.screenshot({ path: OUTPUT });
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);

    // A poison event (OrderPlaced.v2 whose total is not money) fails the payments consumer three times: its record
    // lands in PoisonEventsQueue, whose depth alarm goes to ALARM and notifies the stage's topic.
    const events = new EventBridgeClient({ endpoint: system.local.url, region: system.local.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const detail = { metadata: { id: randomUUID(), version: 'v2', timestamp: new Date().toISOString(), correlationId: 'poison', domain: 'orders', service: 'orders' }, data: { orderId: randomUUID(), total: 'a lot' } };
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-dev', Source: 'shop.orders', DetailType: 'OrderPlaced.v2', Detail: JSON.stringify(detail) }] }));
    events.destroy();
    await page.goto(url);
    const alarm = page.locator('.panel.alarms li.alarm[data-state="ALARM"]', { hasText: 'shop-payments-dev-PoisonEventsQueue' }).first();
    await alarm.waitFor({ timeout: 60_000 });
    await alarm.scrollIntoViewIfNeeded();
    await page.locator('.panel.alarms').screenshot({ path: ALARMS_OUTPUT });
    console.log(`wrote ${path.relative(process.cwd(), ALARMS_OUTPUT)}`);
  } finally {
    await browser.close();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
