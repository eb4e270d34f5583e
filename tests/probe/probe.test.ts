import { setOutcomeTimeout, startSystem, type System } from '../support/system';
import { ListExecutionsCommand, SFNClient, DescribeExecutionCommand } from '@aws-sdk/client-sfn';

const FAULTS = process.env.PROBE_FAULTS ?? 'seed=3,duplicate=0.3,delay=0-300ms,lambda.before=0.05,lambda.after=0.05,putEvents=0.1,dynamodb.throttle=0.02,dynamodb.lostResponse=0.02,ses=0.05';
let system: System;
beforeAll(async () => { system = await startSystem({ timeScale: 0.001 }); setOutcomeTimeout(system.local, 600_000); }, 120000);
afterAll(() => system?.stop());

it('probe', async () => {
  const N = Number(process.env.PROBE_N ?? 40);
  expect((await system.http('PUT', '/inventory/SKU-P1', { available: 1000 })).status).toBe(200);
  expect((await system.http('PUT', '/inventory/SKU-P2', { available: 5 })).status).toBe(200);
  system.local.faults.set(FAULTS);
  const tokens = ['tok_visa', 'tok_declined', 'tok_flaky', 'tok_capture_unavailable', 'tok_visa'];
  const orders: Array<{ orderId: string; email: string; token: string; status?: number }> = [];
  await Promise.all(Array.from({ length: N }, async (_, i) => {
    const email = `p${i}@example.com`; const token = tokens[i % tokens.length]!;
    const sku = i % 7 === 0 ? 'SKU-P2' : 'SKU-P1';
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await system.http('POST', '/orders', { customerId: `c${i}`, customerEmail: email, currency: 'EUR', items: [{ sku, quantity: 2, unitPrice: 1000 }], paymentToken: token }, { 'Idempotency-Key': `k-${i}` });
      if (r.status === 202) { orders.push({ orderId: r.body.orderId, email, token }); return; }
      console.log('POST', i, attempt, r.status, JSON.stringify(r.body));
    }
    orders.push({ orderId: '', email, token, status: -1 });
  }));
  system.local.faults.set({});
  await new Promise((r) => setTimeout(r, 8000));
  await system.waitFor(async () => true, 'settle');
  const sfn = new SFNClient({ endpoint: system.local.url, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  const problems: string[] = [];
  for (const o of orders) {
    if (!o.orderId) { problems.push(`${o.email}: never accepted`); continue; }
    const order = (await system.http('GET', `/orders/${o.orderId}`)).body;
    const pay = (await system.http('GET', `/payments/${o.orderId}`)).body;
    const mails = system.local.ses.listSentEmails({ to: o.email }).length;
    const moneyKept = pay && typeof pay === 'object' ? pay.captured - pay.refunded : 0;
    const bad = !['CONFIRMED', 'CANCELLED'].includes(order?.status) || (order.status === 'CANCELLED' && moneyKept !== 0) || (order.status === 'CONFIRMED' && moneyKept !== 2000) || mails !== 1;
    if (bad) problems.push(`${o.orderId} ${o.token}: order ${order?.status}/${order?.cancellationReason ?? ''} pay ${JSON.stringify(pay)} mails ${mails}`);
  }
  const failed: string[] = [];
  for (const sm of system.stacks.flatMap((s) => [...s.resources.values()]).filter((r: any) => r.type === 'AWS::StepFunctions::StateMachine')) {
    for (const status of ['FAILED', 'RUNNING', 'TIMED_OUT'] as const) {
      const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: (sm as any).ref, statusFilter: status }));
      for (const e of executions) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
        failed.push(`${status} ${e.name}: ${d.error} ${String(d.cause).slice(0, 160)}`);
      }
    }
  }
  console.log(JSON.stringify(system.local.faults.snapshot().injected), '\nPROBLEMS', problems.length, '\n' + problems.join('\n'), '\nEXECUTIONS\n' + failed.join('\n'));
}, 600000);
