import { allowedTemplates, runChecks, technicalFailure, type CheckInput } from '../../scripts/chaos/checks';
import type { InvalidDriven, OrderDriven } from '../../scripts/chaos/drive';
import type { Observed, OrderRow, SagaExecution } from '../../scripts/chaos/observe';
import { customerIdOf, invalidMarkerOf, type OrderScenario, type Workload } from '../../scripts/chaos/scenarios';
import type { BusEvent } from '../support/bus-tap';

/**
 * Each check on made-up observations: a run where everything went right has no violation, and each way of going
 * wrong is caught by the check that names it (and only by the checks it concerns).
 */
const RUN = 'test';
const SKU = `CH-${RUN}-000000`;
const ORDER_ID = '11111111-2222-4333-8444-555555555555';
const customerId = customerIdOf(RUN, 0);
const email = `${customerId}@example.com`;

function scenario(overrides: Partial<OrderScenario> = {}): OrderScenario {
  return {
    kind: 'order', index: 0, customerId, customerEmail: email, currency: 'EUR', items: [{ sku: SKU, quantity: 2, unitPrice: 500 }],
    paymentToken: 'tok_visa', idempotencyKey: `${customerId}-key`, doubleSubmit: false, repeatedSku: false, total: 1000, ...overrides,
  };
}

let eventCounter = 0;
function event(type: string, orderId = ORDER_ID, metadataId = `${type}-${orderId}`): BusEvent {
  eventCounter += 1;
  return { id: `envelope-${eventCounter}`, source: 'shop.test', 'detail-type': type, time: new Date().toISOString(), detail: { metadata: { id: metadataId, correlationId: orderId }, data: { orderId } } };
}

const execution = (saga: SagaExecution['saga'], status: string, extra: Partial<SagaExecution> = {}): SagaExecution => ({
  saga, status, name: `${saga}-${ORDER_ID}`, executionArn: `arn:aws:states:us-east-1:0:execution:${saga}:${saga}-${ORDER_ID}`, orderId: ORDER_ID, ...extra,
});

/** One CONFIRMED order, right in every context. */
function confirmedRun(): { input: CheckInput; order: OrderRow } {
  const order: OrderRow = { orderId: ORDER_ID, customerId, customerEmail: email, status: 'CONFIRMED', total: 1000, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: SKU, quantity: 2, unitPrice: 500 }] };
  const workload: Workload = { runId: RUN, seed: 1, stock: [{ sku: SKU, initial: 5, scarce: false }], scenarios: [scenario()] };
  const driven: OrderDriven = { scenario: scenario(), posts: [{ status: 202, orderId: ORDER_ID }], orderId: ORDER_ID, lastStatus: 'CONFIRMED', finalAfterMs: 300 };
  const observed: Observed = {
    orders: [order],
    payments: new Map([[ORDER_ID, { orderId: ORDER_ID, status: 'CAPTURED', amount: 1000, captured: 1000, refunded: 0 }]]),
    provider: new Map([[ORDER_ID, { id: ORDER_ID, status: 'CAPTURED', amount: 1000, captured: 1000, refunded: 0 }]]),
    providerAttempts: new Map(),
    stock: new Map([[SKU, { sku: SKU, available: 3, reserved: 2, reservations: { [ORDER_ID]: 2 } }]]),
    notifications: new Map([[ORDER_ID, [{ orderId: ORDER_ID, outcome: 'CONFIRMED', template: 'ORDER_CONFIRMED', status: 'SENT', subject: 'Your order is confirmed', recipient: email }]]]),
    emails: [{ messageId: 'm1', time: '', from: 'orders@shop.example', to: [email], subject: 'Your order is confirmed', kind: 'Simple', tags: {} } as unknown as Observed['emails'][number]],
    events: ['OrderPlaced.v1', 'OrderPlaced.v2', 'PaymentCompleted.v1', 'InventoryReserved.v1', 'OrderConfirmed.v1', 'NotificationSent.v1'].map((type) => event(type)),
    executions: [execution('order', 'SUCCEEDED'), execution('payment', 'SUCCEEDED'), execution('reservation', 'SUCCEEDED'), execution('notification', 'SUCCEEDED')],
    dlqs: [],
    activity: [],
    faults: { plan: {}, injected: {} as Observed['faults']['injected'] },
  };
  return { input: { workload, driven: [driven], observed, phase: 'before redrive' }, order };
}

/** The checks that found something, with how many violations each. */
function failing(input: CheckInput): Record<string, number> {
  return Object.fromEntries(runChecks(input).filter((c) => c.violations.length > 0).map((c) => [c.name, c.violations.length]));
}

describe('the chaos checks', () => {
  it('find nothing wrong in a run where everything went right', () => {
    expect(failing(confirmedRun().input)).toEqual({});
  });

  it('an order left PENDING, or one the client was given that was never stored', () => {
    const { input, order } = confirmedRun();
    order.status = 'PENDING';
    expect(failing(input)).toMatchObject({ 'final-state': 1 });
    const lost = confirmedRun();
    lost.input.observed.orders = [];
    expect(failing(lost.input)).toMatchObject({ 'final-state': 1 });
  });

  it('money captured twice, or refunded on a confirmed order', () => {
    const { input } = confirmedRun();
    input.observed.provider.set(ORDER_ID, { id: ORDER_ID, status: 'CAPTURED', amount: 1000, captured: 2000, refunded: 0 });
    expect(failing(input)).toEqual({ 'money-confirmed': 1, 'ledger-matches-provider': 1, 'no-double-effect': 1 });
    const refunded = confirmedRun();
    refunded.input.observed.provider.set(ORDER_ID, { id: ORDER_ID, status: 'REFUNDED', amount: 1000, captured: 1000, refunded: 1000 });
    expect(failing(refunded.input)).toMatchObject({ 'money-confirmed': 1, 'ledger-matches-provider': 1 });
  });

  it('a cancelled order whose money was kept, or whose authorization was left open', () => {
    const { input, order } = confirmedRun();
    Object.assign(order, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' });
    input.workload.stock[0]!.scarce = true;
    input.observed.stock.set(SKU, { sku: SKU, available: 5, reserved: 0, reservations: {} });
    input.observed.notifications.set(ORDER_ID, [{ orderId: ORDER_ID, outcome: 'CANCELLED', template: 'ORDER_CANCELLED', status: 'SENT', subject: 'Your order is confirmed', recipient: email }]);
    input.observed.events = ['OrderPlaced.v1', 'OrderPlaced.v2', 'PaymentCompleted.v1', 'OrderCancelled.v1', 'InventoryReleased.v1', 'NotificationSent.v1'].map((type) => event(type));
    input.observed.executions = [execution('order', 'FAILED', { error: 'OrderCancelled', path: ['AwaitOutcomes', 'OutOfStock', 'Cancel', 'Cancelled'] })];
    expect(failing(input)).toEqual({ 'money-cancelled': 1 });
    input.observed.provider.set(ORDER_ID, { id: ORDER_ID, status: 'AUTHORIZED', amount: 1000, captured: 0, refunded: 0 });
    input.observed.payments.set(ORDER_ID, { orderId: ORDER_ID, status: 'VOIDED', captured: 0, refunded: 0 });
    expect(failing(input)).toEqual({ 'money-cancelled': 1, 'ledger-matches-provider': 1 });
  });

  it('stock not held for a confirmed order, held for a cancelled one, or not conserved', () => {
    const { input } = confirmedRun();
    input.observed.stock.set(SKU, { sku: SKU, available: 4, reserved: 1, reservations: { [ORDER_ID]: 1 } });
    expect(failing(input)).toEqual({ 'stock-held': 1 });
    const held = confirmedRun();
    Object.assign(held.order, { status: 'CANCELLED', reason: 'OUT_OF_STOCK' });
    expect(failing(held.input)).toMatchObject({ 'stock-released': 1 });
    const leak = confirmedRun();
    leak.input.observed.stock.set(SKU, { sku: SKU, available: 2, reserved: 3, reservations: { [ORDER_ID]: 2, 'someone-else': 1 } });
    expect(failing(leak.input)).toEqual({ 'stock-conserved': 1 });
  });

  it('no e-mail, two e-mails, or the wrong template', () => {
    const none = confirmedRun();
    none.input.observed.emails = [];
    expect(failing(none.input)).toEqual({ 'one-email': 1 });
    const two = confirmedRun();
    two.input.observed.emails = [...two.input.observed.emails, ...two.input.observed.emails];
    expect(failing(two.input)).toEqual({ 'one-email': 1 });
    const wrong = confirmedRun();
    wrong.input.observed.notifications.get(ORDER_ID)![0]!.template = 'PAYMENT_FAILED';
    expect(failing(wrong.input)).toEqual({ 'one-email': 1 });
  });

  it('a cancellation may be told as a failed payment only when the payment failed', () => {
    expect(allowedTemplates({ status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, false)).toEqual(['ORDER_CANCELLED']);
    expect(allowedTemplates({ status: 'CANCELLED', reason: 'OUT_OF_STOCK' }, true)).toEqual(['ORDER_CANCELLED', 'PAYMENT_FAILED']);
    expect(allowedTemplates({ status: 'CANCELLED', reason: 'PAYMENT_FAILED' }, true)).toEqual(['PAYMENT_FAILED']);
  });

  it('an event the outcome implies that never crossed the bus, or one published twice under two ids', () => {
    const missing = confirmedRun();
    missing.input.observed.events = missing.input.observed.events.filter((e) => e['detail-type'] !== 'NotificationSent.v1');
    expect(failing(missing.input)).toEqual({ 'events-complete': 1 });
    const twice = confirmedRun();
    twice.input.observed.events.push(event('PaymentCompleted.v1', ORDER_ID, 'another-id'), event('PaymentFailed.v1'));
    expect(failing(twice.input)).toEqual({ 'no-double-effect': 1 });
    const redelivered = confirmedRun();
    redelivered.input.observed.events.push(event('PaymentCompleted.v1'));
    expect(failing(redelivered.input)).toEqual({});
  });

  it('an event dropped, a dead-lettered event no DLQ holds, a DLQ message without a reason, a DLQ not emptied by the redrive', () => {
    const dropped = confirmedRun();
    const placed = dropped.input.observed.events[0]!;
    dropped.input.observed.activity = [{ seq: 1, service: 'events', type: 'event.dropped', time: '', eventId: placed.id, ruleArn: 'rule', reason: 'gone' }];
    expect(failing(dropped.input)).toEqual({ 'events-not-lost': 1 });
    const deadLettered = confirmedRun();
    deadLettered.input.observed.activity = [{ seq: 1, service: 'events', type: 'delivery.dead-lettered', time: '', eventId: placed.id, ruleArn: 'rule' }];
    expect(failing(deadLettered.input)).toEqual({ 'events-not-lost': 1 });
    const queue = { name: 'q', arn: 'arn:q', url: 'http://q', roles: [] };
    deadLettered.input.observed.dlqs = [{ ...queue, messages: [{ messageId: 'm', body: JSON.stringify(placed), why: { kind: 'rule-target', reason: 'ERROR: it failed' } }] }];
    expect(failing(deadLettered.input)).toEqual({});
    deadLettered.input.observed.dlqs[0]!.messages[0]!.why = { kind: 'unknown', reason: '' };
    expect(failing(deadLettered.input)).toEqual({ 'events-not-lost': 1 });
    deadLettered.input.phase = 'after redrive';
    expect(failing(deadLettered.input)).toEqual({ 'events-not-lost': 1, 'dlqs-redriven': 1 });
  });

  it('a saga left running, or failed for a technical reason', () => {
    const running = confirmedRun();
    running.input.observed.executions.push(execution('release', 'RUNNING'));
    expect(failing(running.input)).toEqual({ 'sagas-finished': 1 });
    const failed = confirmedRun();
    failed.input.observed.executions.push(execution('notification', 'FAILED', { error: 'Sandbox.Timedout', path: ['Render', 'Claim', 'SendEmail', 'SendOutcomeUnknown'] }));
    expect(failing(failed.input)).toEqual({ 'sagas-no-technical-failure': 1 });
  });

  it('tells business endings of each saga from technical failures', () => {
    const visa = { paymentToken: 'tok_visa' };
    expect(technicalFailure(execution('order', 'FAILED', { error: 'OrderCancelled', path: ['AwaitOutcomes', 'PaymentFailed', 'Cancel', 'PublishOrderCancelled', 'Cancelled'] }), visa)).toBeUndefined();
    expect(technicalFailure(execution('order', 'FAILED', { error: 'OrderCancelled', path: ['AwaitOutcomes', 'StepFailed', 'Cancel', 'Cancelled'] }), visa)).toContain('FAILED');
    expect(technicalFailure(execution('order', 'FAILED', { error: 'OrderCancelled', path: ['AwaitOutcomes', 'TimedOut', 'Cancel', 'Cancelled'] }), visa)).toContain('TimedOut');
    const outage = execution('paymentRelease', 'FAILED', { error: 'PaymentFailed', path: ['ClaimRelease', 'Claimed', 'Release', 'WhyReleased', 'ProviderError', 'MarkFailed', 'PublishFailed', 'PaymentFailed'] });
    expect(technicalFailure(outage, { paymentToken: 'tok_capture_unavailable' })).toBeUndefined();
    expect(technicalFailure(outage, visa)).toContain('ProviderError');
    expect(technicalFailure(execution('paymentRelease', 'FAILED', { error: 'Lambda.ServiceException', path: ['ClaimRelease', 'Claimed', 'Release', 'WhyReleased', 'ProviderError', 'MarkFailed'] }), { paymentToken: 'tok_capture_unavailable' })).toContain('MarkFailed');
    expect(technicalFailure(execution('reservation', 'TIMED_OUT'), visa)).toContain('TIMED_OUT');
  });

  it('two orders for one key, a client given two orders, a valid order refused', () => {
    const { input, order } = confirmedRun();
    input.observed.orders.push({ ...order, orderId: '99999999-2222-4333-8444-555555555555', status: 'PENDING' });
    expect(failing(input)).toMatchObject({ 'one-order-per-key': 1 });
    const refused = confirmedRun();
    refused.input.observed.orders = [];
    refused.input.observed.stock.set(SKU, { sku: SKU, available: 5, reserved: 0, reservations: {} });
    refused.input.driven = [{ scenario: scenario(), posts: [{ status: 422, body: '{}' }] }];
    expect(failing(refused.input)).toEqual({ 'one-order-per-key': 1 });
  });

  it('an invalid request accepted, or one that left an order or an event behind; a refused repeated-SKU order counts as one', () => {
    const marker = invalidMarkerOf(RUN, 1);
    const invalid: InvalidDriven = { scenario: { kind: 'invalid', index: 1, marker, fuzz: 'bad JSON', body: '{', headers: {} }, status: 400, body: '' };
    const { input, order } = confirmedRun();
    input.driven.push(invalid);
    expect(failing(input)).toEqual({});
    invalid.status = 202;
    expect(failing(input)).toEqual({ 'invalid-rejected': 1 });
    invalid.status = 400;
    input.observed.orders.push({ ...order, orderId: '99999999-2222-4333-8444-555555555555', customerId: marker, status: 'PENDING' });
    input.observed.events.push({ ...event('OrderPlaced.v2', 'other'), detail: { metadata: { id: 'x', correlationId: 'other' }, data: { customer: { id: marker } } } });
    expect(runChecks(input).find((c) => c.name === 'invalid-rejected')!.violations[0]!.message).toMatch(/order .* stored.*OrderPlaced.v2 x published/);

    const repeat = confirmedRun();
    const refusedRepeat: OrderDriven = { scenario: scenario({ repeatedSku: true }), posts: [{ status: 400, body: '{}' }] };
    repeat.input.driven = [refusedRepeat];
    Object.assign(repeat.input.observed, { orders: [], events: [], emails: [], stock: new Map([[SKU, { sku: SKU, available: 5, reserved: 0, reservations: {} }]]) });
    expect(failing(repeat.input)).toEqual({});
    refusedRepeat.posts.unshift({ status: 503, body: '{}' });
    expect(failing(repeat.input)).toEqual({});
    repeat.input.observed.emails = confirmedRun().input.observed.emails;
    expect(failing(repeat.input)).toEqual({ 'invalid-rejected': 1 });
  });

  it('an order no race decides must end as its token says', () => {
    const { input, order } = confirmedRun();
    order.paymentToken = 'tok_declined';
    input.driven[0]!.scenario = scenario({ paymentToken: 'tok_declined' });
    expect(failing(input)).toMatchObject({ 'expected-outcome': 1 });
  });
});
