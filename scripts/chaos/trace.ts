/**
 * An order's story, for a violation: what the client was told, each context's record, its events on the bus with
 * their deliveries, the faults injected on its way, its sagas with the path each took, and what DLQs hold of it.
 */
import type { LoggedActivity } from '../dashboard/api-types';
import type { Driven, OrderDriven } from './drive';
import { executionPath, type AwsReaders, type Observed } from './observe';

const shortId = (id: unknown) => String(id).slice(0, 8);

/** What an activity entry says, in a few words. */
function describeActivity(entry: LoggedActivity): string {
  switch (entry.type) {
    case 'rule.matched':
      return `matched ${entry.ruleName}`;
    case 'delivery.succeeded':
      return `delivered to ${String(entry.targetArn).split(':').pop()} (attempt ${entry.attempt})`;
    case 'delivery.failed':
      return `delivery to ${String(entry.targetArn).split(':').pop()} failed (attempt ${entry.attempt}): ${entry.errorCode}`;
    case 'delivery.dead-lettered':
      return `dead-lettered to ${String(entry.deadLetterQueueArn).split(':').pop()} (${entry.errorCode})`;
    case 'event.dropped':
      return `DROPPED: ${entry.reason}`;
    default:
      return entry.type;
  }
}

/**
 * A fault's context names what it hit: keep those that name this order (its HTTP path or Idempotency-Key) or one of
 * its events. Lambda and DynamoDB faults name a function or a table, not an order: they cannot be told apart here.
 */
function faultsOf(activity: LoggedActivity[], names: string[], envelopeIds: Set<string>): LoggedActivity[] {
  return activity.filter((entry) => {
    if (entry.service !== 'faults') return false;
    if (entry.eventId && envelopeIds.has(String(entry.eventId))) return true;
    const text = JSON.stringify(entry);
    return names.some((name) => text.includes(name));
  });
}

/** `lambda.after ×2 on shop-payments-dev-capture (Sandbox.Timedout)`, one entry per kind, site and variant. */
function summarizeFaults(faults: LoggedActivity[]): string {
  const counts = new Map<string, number>();
  for (const fault of faults) {
    const site = String(fault.functionName ?? fault.tableName ?? fault.ruleArn ?? fault.queueUrl ?? fault.executionArn ?? fault.routeKey ?? '?').split(/[:/]/).pop();
    // A delay's variant is its length: counted, not listed.
    const key = `${fault.fault} on ${site}${fault.variant && fault.fault !== 'delay' ? ` (${fault.variant})` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => (n > 1 ? key.replace(' on ', ` ×${n} on `) : key)).join('; ');
}

export async function traceOrder(orderId: string, context: { observed: Observed; driven: Driven[]; readers: AwsReaders }): Promise<string[]> {
  const { observed, driven, readers } = context;
  const lines: string[] = [];
  const order = observed.orders.find((o) => o.orderId === orderId);
  const client = driven.find((d): d is OrderDriven => d.scenario.kind === 'order' && ((d as OrderDriven).orderId === orderId || d.scenario.customerId === order?.customerId));
  if (order) {
    lines.push(
      `order ${order.status}${order.reason ? ` (${order.reason})` : ''}, ${order.paymentToken}, total ${order.total} ${order.currency}, ` +
        `lines ${order.items.map((line) => `${line.sku}×${line.quantity}`).join(' ')}`,
    );
  } else {
    lines.push('order: not in the orders table');
  }
  if (client) {
    lines.push(
      `client: ${client.scenario.idempotencyKey ? 'keyed' : 'no key'}${client.scenario.doubleSubmit ? ', double submit' : ''}; POST answers ${client.posts.map((p) => p.status).join(', ')}; ` +
        `last saw ${client.lastStatus ?? 'nothing'}${client.finalAfterMs !== undefined ? ` after ${client.finalAfterMs} ms` : ''}`,
    );
  }
  const ledger = observed.payments.get(orderId);
  const provider = observed.provider.get(orderId);
  const attempts = [...observed.providerAttempts].filter(([key]) => key.startsWith(`${orderId}#`)).map(([key, n]) => `${key.split('#')[1]}×${n}`);
  lines.push(
    `payment: ledger ${ledger ? `${ledger.status} captured ${ledger.captured} refunded ${ledger.refunded}${ledger.failureReason ? ` (${ledger.failureReason})` : ''}` : 'none'}; ` +
      `provider ${provider ? `${provider.status} captured ${provider.captured} refunded ${provider.refunded}` : 'none'}${attempts.length ? `; attempts ${attempts.join(' ')}` : ''}`,
  );
  if (order) {
    const stock = [...new Set(order.items.map((line) => line.sku))].map((sku) => `${sku} holds ${observed.stock.get(sku)?.reservations?.[orderId] ?? 0}`);
    lines.push(`stock: ${stock.join(', ')}`);
  }
  const notifications = observed.notifications.get(orderId) ?? [];
  const emails = order ? observed.emails.filter((email) => email.to.includes(order.customerEmail)) : [];
  lines.push(`e-mail: records ${notifications.map((n) => `${n.template} ${n.status}`).join(', ') || 'none'}; sent to the customer ${emails.map((e) => `"${e.subject}"`).join(', ') || 'none'}`);

  // A duplicated delivery to the tap shows the same envelope twice: each event once.
  const events = [...new Map(observed.events.filter((event) => event.detail?.data?.orderId === orderId || event.detail?.metadata?.correlationId === orderId).map((event) => [event.id, event])).values()];
  const envelopeIds = new Set(events.map((event) => event.id));
  const start = events.length > 0 ? Date.parse(events[0]!.time) : 0;
  const at = (time: string) => `+${Math.max(0, Date.parse(time) - start)}ms`;
  lines.push(`events (${events.length} on the bus):`);
  for (const event of events) {
    const seen = observed.activity.filter((entry) => entry.service === 'events' && entry.eventId === event.id && entry.type !== 'event.received');
    lines.push(`  ${at(event.time)} ${event['detail-type']} ${shortId(event.detail.metadata.id)} (envelope ${shortId(event.id)}): ${seen.map(describeActivity).join('; ') || 'no delivery seen'}`);
  }
  const names = [orderId, ...(client?.scenario.idempotencyKey ? [client.scenario.idempotencyKey] : [])];
  lines.push(`faults injected on its requests and events: ${summarizeFaults(faultsOf(observed.activity, names, envelopeIds)) || 'none'} (Lambda and DynamoDB faults name no order)`);
  lines.push('sagas:');
  for (const execution of observed.executions.filter((e) => e.orderId === orderId)) {
    const path = execution.path ?? (await executionPath(readers, execution.executionArn));
    lines.push(`  ${execution.saga} ${execution.name}: ${execution.status}${execution.error ? ` ${execution.error}` : ''}: ${path.join(' → ')}`);
  }
  for (const queue of observed.dlqs) {
    for (const message of queue.messages.filter((m) => m.why.event?.orderId === orderId || m.body.includes(orderId))) {
      lines.push(`dlq ${queue.name}: ${message.why.event?.detailType ?? '?'}: ${message.why.reason}`);
    }
  }
  return lines;
}
