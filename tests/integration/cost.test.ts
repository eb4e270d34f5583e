import { systemNames } from '../../scripts/chaos/system-names';
import { bill } from '../../scripts/cost/bill';
import { systemResources } from '../../scripts/cost/system-resources';
import type { Usage } from '../../libs/local-cloud/src';
import { setOutcomeTimeout, startSystem, type System } from '../support/system';

/**
 * The usage meter on the whole system: a few orders in process, then what it counted against what the flows did, read
 * from the flows' own traces (the bus, the executions' histories, the e-mails).
 */
let system: System;
const names = systemNames();

beforeAll(async () => {
  system = await startSystem({ timeScale: 0.001 });
  setOutcomeTimeout(system.local, 600_000);
}, 120_000);
afterAll(() => system?.stop());

const states = (operation: string, input: Record<string, unknown>) => system.local.states.dispatch(operation, input) as Promise<any>;

async function machineOf(machineName: string): Promise<{ stateMachineArn: string; type: string } | undefined> {
  const { stateMachines } = await states('ListStateMachines', {});
  return stateMachines.find((m: { name: string }) => m.name === machineName);
}

/** Express executions have no ListExecutions or history on AWS: the emulator's own record of them is read instead. */
async function executionsOf(machineName: string): Promise<Array<{ executionArn: string; status: string }>> {
  const machine = await machineOf(machineName);
  if (!machine) return [];
  if (machine.type === 'EXPRESS') return system.local.states.expressExecutions().filter((e) => e.stateMachineArn === machine.stateMachineArn);
  return (await states('ListExecutions', { stateMachineArn: machine.stateMachineArn })).executions;
}

/** States entered, retries included (each is a billed transition), from each execution's history or graph. */
async function statesEntered(machineName: string): Promise<number> {
  const machine = await machineOf(machineName);
  let entered = 0;
  for (const execution of await executionsOf(machineName)) {
    if (machine?.type === 'EXPRESS') {
      const graph = system.local.states.getExecutionGraph(execution.executionArn);
      entered += Object.values(graph.states).reduce((n, state) => n + state.entered + state.retries, 0);
      continue;
    }
    const { events } = await states('GetExecutionHistory', { executionArn: execution.executionArn });
    entered += events.filter((e: { type: string }) => e.type.endsWith('StateEntered')).length;
  }
  return entered;
}

describe('the usage meter counts what an order causes', () => {
  let usage: Usage;
  let eventsPublished: number;
  let emailsSent: number;

  beforeAll(async () => {
    for (const sku of ['SKU-COST-A', 'SKU-COST-B']) expect((await system.http('PUT', `/inventory/${sku}`, { available: 10 }, system.admin.headers)).status).toBe(200);
    await system.settle();
    const eventsBefore = (await system.busEvents()).length;
    const emailsBefore = system.local.ses.listSentEmails().length;
    system.local.usage.reset();

    const orders = [];
    for (const [i, paymentToken] of ['tok_visa', 'tok_visa', 'tok_declined'].entries()) {
      const items = [{ sku: i % 2 ? 'SKU-COST-B' : 'SKU-COST-A', quantity: 1, unitPrice: 1299 }];
      const answer = await system.http('POST', '/orders', { customerEmail: `cost-${i}@example.com`, currency: 'EUR', items, paymentToken });
      expect(answer.status).toBe(202);
      orders.push(answer.body.orderId as string);
    }
    await system.waitFor(async () => {
      const running = (await Promise.all(Object.values(names.sagas).map(executionsOf))).flat().filter((e) => e.status === 'RUNNING');
      return running.length === 0 && system.local.ses.listSentEmails().length - emailsBefore === orders.length;
    }, 'every saga to end and every e-mail to be sent');
    usage = system.local.usage.snapshot();
    eventsPublished = (await system.busEvents()).length - eventsBefore;
    emailsSent = system.local.ses.listSentEmails().length - emailsBefore;
  }, 60_000);

  it('counts one custom event per event the flows published on the bus', () => {
    expect(eventsPublished).toBeGreaterThanOrEqual(3 * 4);
    expect(usage.events[names.bus]).toEqual({ entries: eventsPublished, chunks: eventsPublished });
  });

  it('counts a transition per state each execution entered', async () => {
    expect(usage.states[names.sagas.order]).toMatchObject({ type: 'STANDARD', executions: 3 });
    expect(usage.states[names.sagas.reservation]).toMatchObject({ type: 'EXPRESS', executions: 3 });
    for (const saga of Object.values(names.sagas)) {
      expect({ saga, transitions: usage.states[saga]?.transitions ?? 0 }).toEqual({ saga, transitions: await statesEntered(saga) });
    }
  });

  it('counts each function invocation with its billed duration and memory size', () => {
    expect(usage.lambda['shop-orders-dev-placeOrder']).toMatchObject({ requests: 3, memorySizeMb: 512 });
    for (const [name, fn] of Object.entries(usage.lambda)) expect({ name, billedAtLeastOneMsEach: fn.billedMs >= fn.requests }).toEqual({ name, billedAtLeastOneMsEach: true });
  });

  it('counts request units on every table an order touches', () => {
    for (const table of Object.values(names.tables)) {
      expect({ table, writes: (usage.dynamodb[table]?.writeUnits ?? 0) > 0 }).toEqual({ table, writes: true });
    }
    expect(usage.dynamodb[names.tables.orders]!.readUnits).toBeGreaterThan(0);
  });

  it('counts the e-mails sent and the HTTP requests', () => {
    expect(Object.values(usage.ses).reduce((n, s) => n + s.emails, 0)).toBe(emailsSent);
    expect(usage.httpApi['POST /orders']).toEqual({ requests: 3, chunks: 3 });
    expect(usage.cloudwatch.alarms.length).toBeGreaterThan(0);
  });

  it('prices the run per order, every line the run used above zero', () => {
    const result = bill(usage, { orders: 3, ordersPerMonth: 1_000_000, resources: systemResources() });
    for (const item of ['EventBridge custom events', 'Step Functions Standard transitions', 'Lambda requests', 'Lambda GB-seconds (arm64)', 'DynamoDB write request units', 'SES e-mails']) {
      expect({ item, priced: result.lines.find((l) => l.item === item)!.usdPerMillionOrders > 0 }).toEqual({ item, priced: true });
    }
  });

  it('serves the counts on /_local/usage and starts afresh on POST /_local/usage/reset', async () => {
    const served = (await (await fetch(`${system.local.url}/_local/usage`)).json()) as Usage;
    expect(served.events[names.bus]).toEqual(usage.events[names.bus]);
    const reset = await fetch(`${system.local.url}/_local/usage/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as Usage).events).toEqual({});
  });
});
