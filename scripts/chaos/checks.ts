/**
 * The invariants, checked for every order of the run (none skipped), from what `observe` read. Pure: the same
 * observation always gives the same violations, so each check is unit-tested on made-up observations.
 */
import type { BusEvent } from '../../tests/support/bus-tap';
import { tryJson } from '../redrive-dlq';
import type { Driven, InvalidDriven, OrderDriven } from './drive';
import type { Observed, OrderRow, SagaExecution } from './observe';
import { HIGH_VALUE_THRESHOLD, type OrderScenario, type Workload } from './scenarios';

export interface Violation {
  /** The order it is about, when it is about one. */
  orderId?: string;
  /** What it is about: an order id, a SKU, a queue, a scenario. */
  subject: string;
  message: string;
}

export interface CheckResult {
  name: string;
  description: string;
  violations: Violation[];
}

export type Phase = 'before redrive' | 'after redrive';

export interface CheckInput {
  workload: Workload;
  driven: Driven[];
  observed: Observed;
  phase: Phase;
}

const FINAL = new Set(['CONFIRMED', 'CANCELLED']);

/** An order with a repeated SKU that POST /orders refused (400, maybe after a 5xx the client retried): an invalid request, not an order. */
export const isRefusedRepeat = (driven: OrderDriven) => driven.scenario.repeatedSku && !driven.orderId && driven.posts.at(-1)?.status === 400;

/**
 * The e-mail templates an order's outcome allows (services/notifications/src/domain/notification-request.ts): a
 * cancellation is told once, by whichever of its events comes first, and a PaymentFailed is one of them: an order
 * cancelled for its stock whose payment failed as well may be told with PAYMENT_FAILED.
 */
export function allowedTemplates(order: Pick<OrderRow, 'status' | 'reason'>, paymentFailed: boolean): string[] {
  if (order.status === 'CONFIRMED') return ['ORDER_CONFIRMED'];
  if (order.reason === 'PAYMENT_FAILED') return ['PAYMENT_FAILED'];
  return paymentFailed ? ['ORDER_CANCELLED', 'PAYMENT_FAILED'] : ['ORDER_CANCELLED'];
}

/** Events an order's final state implies were published (the others depend on the path it took). */
const IMPLIED_EVENTS: Record<string, string[]> = {
  CONFIRMED: ['OrderPlaced.v1', 'OrderPlaced.v2', 'PaymentCompleted.v1', 'InventoryReserved.v1', 'OrderConfirmed.v1', 'NotificationSent.v1'],
  CANCELLED: ['OrderPlaced.v1', 'OrderPlaced.v2', 'OrderCancelled.v1', 'InventoryReleased.v1', 'NotificationSent.v1'],
};
/** Two outcomes of one step: an order has at most one of each pair. */
const EXCLUSIVE_EVENTS: Array<[string, string]> = [
  ['OrderConfirmed.v1', 'OrderCancelled.v1'],
  ['PaymentCompleted.v1', 'PaymentFailed.v1'],
  ['InventoryReserved.v1', 'InventoryReservationFailed.v1'],
];

/**
 * Why a saga execution that did not succeed failed for a technical reason, or undefined when its end is a business
 * outcome. Each state machine ends business outcomes its own way (services/<context>/statemachines/*.asl.yml):
 * - order: every cancellation ends in Fail `OrderCancelled`; the path tells a failed outcome (PaymentFailed,
 *   OutOfStock) from a step that failed for good (StepFailed) or an outcome that never came (TimedOut);
 * - paymentRelease: Fail `PaymentFailed` after ProviderError only when the token is `tok_capture_unavailable`, whose
 *   captures never work by design (the simulated provider outage);
 * - payment, refund, reservation, release, notification: a business outcome ends in Succeed; any Fail is technical
 *   (the Express ones are not listed: a failed one fails its consumer, which events-not-lost sees).
 */
export function technicalFailure(execution: SagaExecution, order: Pick<OrderRow, 'paymentToken'> | undefined): string | undefined {
  if (execution.status === 'SUCCEEDED' || execution.status === 'RUNNING') return undefined;
  const path = execution.path ?? [];
  const how = `${execution.status}${execution.error ? ` ${execution.error}` : ''} after ${path.slice(-4).join(' → ') || 'no state'}`;
  if (execution.status !== 'FAILED') return how;
  if (execution.saga === 'order' && execution.error === 'OrderCancelled' && !path.includes('StepFailed') && !path.includes('TimedOut')) return undefined;
  if (execution.saga === 'paymentRelease' && execution.error === 'PaymentFailed' && path.includes('ProviderError') && order?.paymentToken === 'tok_capture_unavailable') return undefined;
  return how;
}

/** The outcome an order must have when no race decides it (all its SKUs plentiful), from its token and total. */
export function expectedOutcome(scenario: OrderScenario, scarceSkus: Set<string>): { status: string; reason?: string } | undefined {
  if (scenario.items.some((line) => scarceSkus.has(line.sku))) return undefined;
  const reviewed = scenario.total > HIGH_VALUE_THRESHOLD;
  const declined = scenario.paymentToken === 'tok_declined' || scenario.paymentToken === 'tok_capture_unavailable' || (reviewed && scenario.paymentToken === 'tok_fraud');
  return declined ? { status: 'CANCELLED', reason: 'PAYMENT_FAILED' } : { status: 'CONFIRMED' };
}

/** What the checks share: the observation indexed by order, customer and event. */
class RunView {
  readonly scenarios = new Map<string, OrderScenario>();
  readonly drivenByCustomer = new Map<string, OrderDriven>();
  readonly invalid: InvalidDriven[] = [];
  /** Orders whose repeated SKU POST /orders refused (400): counted as invalid requests. */
  readonly refusedRepeats: OrderDriven[] = [];
  readonly ordersByCustomer = new Map<string, OrderRow[]>();
  /** The run's orders of order scenarios (a stored invalid request is the invalid-request check's). */
  readonly orders: OrderRow[] = [];
  readonly events = new Map<string, BusEvent[]>();
  readonly scarce: Set<string>;

  constructor(readonly input: CheckInput) {
    for (const driven of input.driven) {
      if (driven.scenario.kind === 'invalid') {
        this.invalid.push(driven as InvalidDriven);
        continue;
      }
      const order = driven as OrderDriven;
      this.scenarios.set(order.scenario.customerId, order.scenario);
      this.drivenByCustomer.set(order.scenario.customerId, order);
      if (isRefusedRepeat(order)) this.refusedRepeats.push(order);
    }
    for (const order of input.observed.orders) {
      this.ordersByCustomer.set(order.customerId, [...(this.ordersByCustomer.get(order.customerId) ?? []), order]);
      if (this.scenarios.has(order.customerId)) this.orders.push(order);
    }
    const orderIds = new Set(this.orders.map((order) => order.orderId));
    const seenEnvelopes = new Set<string>();
    for (const event of input.observed.events) {
      const orderId = String(event.detail?.data?.orderId ?? event.detail?.metadata?.correlationId ?? '');
      if (!orderIds.has(orderId) || seenEnvelopes.has(event.id)) continue;
      seenEnvelopes.add(event.id);
      this.events.set(orderId, [...(this.events.get(orderId) ?? []), event]);
    }
    this.scarce = new Set(input.workload.stock.filter((s) => s.scarce).map((s) => s.sku));
  }

  provider(orderId: string) {
    const row = this.input.observed.provider.get(orderId);
    return { status: row?.status ?? 'ABSENT', captured: row?.captured ?? 0, refunded: row?.refunded ?? 0 };
  }

  /** Units of each SKU the order's lines ask for (a repeated SKU adds up). */
  wanted(order: OrderRow): Map<string, number> {
    const wanted = new Map<string, number>();
    for (const line of order.items) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
    return wanted;
  }

  /** Distinct producer event ids per detail-type (a redelivery or replay keeps its metadata.id). */
  eventIdsByType(orderId: string): Map<string, Set<string>> {
    const byType = new Map<string, Set<string>>();
    for (const event of this.events.get(orderId) ?? []) {
      const ids = byType.get(event['detail-type']) ?? new Set<string>();
      ids.add(event.detail.metadata.id);
      byType.set(event['detail-type'], ids);
    }
    return byType;
  }

  /** Any stored row, event or e-mail naming `marker` (a request that must have left nothing). */
  traces(marker: string): string[] {
    const found: string[] = [];
    for (const order of this.input.observed.orders) {
      if (order.customerId.startsWith(marker) || String(order.customerEmail).includes(marker)) found.push(`order ${order.orderId} stored (${order.status})`);
    }
    for (const event of this.input.observed.events) {
      if (JSON.stringify(event.detail).includes(marker)) found.push(`${event['detail-type']} ${event.detail?.metadata?.id} published`);
    }
    for (const email of this.input.observed.emails) {
      if (JSON.stringify(email.to).includes(marker)) found.push(`e-mail "${email.subject}" sent`);
    }
    return found;
  }
}

type Check = { name: string; description: string; run: (view: RunView) => Violation[] };

const about = (order: Pick<OrderRow, 'orderId'>, message: string): Violation => ({ orderId: order.orderId, subject: order.orderId, message });

export const CHECKS: Check[] = [
  {
    name: 'final-state',
    description: 'every order ends CONFIRMED or CANCELLED (none PENDING, none the client was given missing)',
    run: (view) => [
      ...view.orders.filter((order) => !FINAL.has(order.status)).map((order) => about(order, `is ${order.status}`)),
      ...[...view.drivenByCustomer.values()]
        .filter((driven) => driven.orderId && !view.orders.some((order) => order.orderId === driven.orderId))
        .map((driven) => ({ orderId: driven.orderId, subject: driven.orderId!, message: `POST /orders answered 202 with it, but the orders table has no such order` })),
    ],
  },
  {
    name: 'expected-outcome',
    description: 'an order no race decides (all its SKUs plentiful) ends as its payment token and total say',
    run: (view) =>
      view.orders.flatMap((order) => {
        const expected = expectedOutcome(view.scenarios.get(order.customerId)!, view.scarce);
        if (!expected || !FINAL.has(order.status)) return [];
        const ok = order.status === expected.status && (expected.reason === undefined || order.reason === expected.reason);
        return ok ? [] : [about(order, `${order.paymentToken}, total ${order.total}: expected ${expected.status}${expected.reason ? ` (${expected.reason})` : ''}, is ${order.status}${order.reason ? ` (${order.reason})` : ''}`)];
      }),
  },
  {
    name: 'money-confirmed',
    description: 'CONFIRMED: the provider captured exactly the total, once, and refunded nothing',
    run: (view) =>
      view.orders
        .filter((order) => order.status === 'CONFIRMED')
        .flatMap((order) => {
          const p = view.provider(order.orderId);
          return p.status === 'CAPTURED' && p.captured === order.total && p.refunded === 0
            ? []
            : [about(order, `total ${order.total}; provider ${p.status}, captured ${p.captured}, refunded ${p.refunded}`)];
        }),
  },
  {
    name: 'money-cancelled',
    description: 'CANCELLED: the provider\'s captured minus refunded is 0, and no authorization is left open',
    run: (view) =>
      view.orders
        .filter((order) => order.status === 'CANCELLED')
        .flatMap((order) => {
          const p = view.provider(order.orderId);
          return p.captured - p.refunded === 0 && p.status !== 'AUTHORIZED' ? [] : [about(order, `provider ${p.status}, captured ${p.captured}, refunded ${p.refunded}`)];
        }),
  },
  {
    name: 'ledger-matches-provider',
    description: 'the payments table says what the provider did: same captured and refunded amounts, matching status',
    run: (view) =>
      view.orders.flatMap((order) => {
        const ledger = view.input.observed.payments.get(order.orderId);
        const p = view.provider(order.orderId);
        if (!ledger) return [about(order, `payments has no record of it (provider ${p.status}, captured ${p.captured})`)];
        // The provider's status each ledger status allows (FAILED: declined before anything existed, voided, or a capture
        // whose answer was lost refunded).
        const allowed: Record<string, string[]> = {
          CAPTURED: ['CAPTURED'],
          REFUNDED: ['REFUNDED'],
          VOIDED: ['VOIDED'],
          FAILED: ['ABSENT', 'VOIDED', 'REFUNDED'],
          CANCELLED: ['ABSENT'],
        };
        const problems = [
          ...(ledger.captured !== p.captured || ledger.refunded !== p.refunded ? [`amounts differ`] : []),
          ...(!(allowed[ledger.status] ?? []).includes(p.status) ? [`status ${ledger.status} does not match the provider's ${p.status}`] : []),
        ];
        return problems.length === 0
          ? []
          : [about(order, `${problems.join('; ')}: ledger ${ledger.status} captured ${ledger.captured} refunded ${ledger.refunded}, provider ${p.status} captured ${p.captured} refunded ${p.refunded}`)];
      }),
  },
  {
    name: 'stock-held',
    description: 'CONFIRMED: every line\'s stock is held for the order',
    run: (view) =>
      view.orders
        .filter((order) => order.status === 'CONFIRMED')
        .flatMap((order) =>
          [...view.wanted(order)].flatMap(([sku, quantity]) => {
            const held = view.input.observed.stock.get(sku)?.reservations?.[order.orderId] ?? 0;
            return held === quantity ? [] : [about(order, `${sku}: holds ${held} of the ${quantity} its lines ask for`)];
          }),
        ),
  },
  {
    name: 'stock-released',
    description: 'CANCELLED: the order holds no stock',
    run: (view) =>
      view.orders
        .filter((order) => order.status === 'CANCELLED')
        .flatMap((order) =>
          [...view.wanted(order).keys()].flatMap((sku) => {
            const held = view.input.observed.stock.get(sku)?.reservations?.[order.orderId];
            return held === undefined ? [] : [about(order, `${sku}: still holds ${held}`)];
          }),
        ),
  },
  {
    name: 'stock-conserved',
    description: 'per SKU: initial stock = available + what CONFIRMED orders hold, and reserved = the sum of what orders hold',
    run: (view) => {
      const confirmed = new Set(view.orders.filter((order) => order.status === 'CONFIRMED').map((order) => order.orderId));
      return view.input.workload.stock.flatMap(({ sku, initial }) => {
        const row = view.input.observed.stock.get(sku);
        if (!row) return [{ subject: sku, message: 'the stock table has no such SKU' }];
        const holds = Object.entries(row.reservations ?? {});
        const heldByConfirmed = holds.filter(([orderId]) => confirmed.has(orderId)).reduce((sum, [, q]) => sum + q, 0);
        const heldInAll = holds.reduce((sum, [, q]) => sum + q, 0);
        const strangers = holds.filter(([orderId]) => !confirmed.has(orderId)).map(([orderId]) => orderId);
        const problems = [
          ...(initial !== row.available + heldByConfirmed ? [`initial ${initial} ≠ available ${row.available} + held by confirmed orders ${heldByConfirmed}`] : []),
          ...(row.reserved !== heldInAll ? [`reserved ${row.reserved} ≠ the ${heldInAll} its reservations add up to`] : []),
          ...(strangers.length > 0 ? [`held for orders that are not CONFIRMED: ${strangers.slice(0, 5).join(', ')}${strangers.length > 5 ? '…' : ''}`] : []),
        ];
        return problems.length === 0 ? [] : [{ subject: sku, message: problems.join('; ') }];
      });
    },
  },
  {
    name: 'one-email',
    description: 'exactly one outcome e-mail per order (SES), recorded SENT with the template of its outcome',
    run: (view) =>
      view.orders.filter((order) => FINAL.has(order.status)).flatMap((order) => {
        const emails = view.input.observed.emails.filter((email) => email.to.some((to) => to.toLowerCase() === order.customerEmail.toLowerCase()));
        const rows = view.input.observed.notifications.get(order.orderId) ?? [];
        const templates = allowedTemplates(order, view.eventIdsByType(order.orderId).has('PaymentFailed.v1'));
        const problems = [
          ...(emails.length !== 1 ? [`${emails.length} e-mails sent`] : []),
          ...(rows.length !== 1 ? [`${rows.length} notification records (${rows.map((r) => `${r.template} ${r.status}`).join(', ')})`] : []),
          ...(rows.length === 1 && (!templates.includes(rows[0]!.template) || rows[0]!.status !== 'SENT') ? [`recorded ${rows[0]!.template} ${rows[0]!.status}, expected ${templates.join(' or ')} SENT`] : []),
          ...(rows.length === 1 && emails.length === 1 && emails[0]!.subject !== rows[0]!.subject ? [`the e-mail says "${emails[0]!.subject}", the record "${rows[0]!.subject}"`] : []),
        ];
        return problems.length === 0 ? [] : [about(order, `${order.status}${order.reason ? ` (${order.reason})` : ''}: ${problems.join('; ')}`)];
      }),
  },
  {
    name: 'events-complete',
    description: 'every event an order\'s final state implies was published and crossed the bus',
    run: (view) =>
      view.orders.filter((order) => FINAL.has(order.status)).flatMap((order) => {
        const byType = view.eventIdsByType(order.orderId);
        const missing = IMPLIED_EVENTS[order.status]!.filter((type) => !byType.has(type));
        return missing.length === 0 ? [] : [about(order, `${order.status}${order.reason ? ` (${order.reason})` : ''} but no ${missing.join(', ')}`)];
      }),
  },
  {
    name: 'events-not-lost',
    description: 'no event or invocation dropped: each one processed, or in a DLQ with its reason',
    run: (view) => {
      const { activity, dlqs, events } = view.input.observed;
      const orderOfEnvelope = new Map(events.map((event) => [event.id, String(event.detail?.data?.orderId ?? '')]));
      const dlqMessages = dlqs.flatMap((queue) => queue.messages.map((message) => ({ queue: queue.name, message })));
      const violations: Violation[] = [];
      type DlqBody = { id?: string; requestContext?: { requestId?: string } } | undefined;
      const inDlq = (predicate: (body: DlqBody) => boolean) => dlqMessages.some(({ message }) => predicate(tryJson(message.body) as DlqBody));
      for (const entry of activity) {
        const orderId = entry.eventId ? orderOfEnvelope.get(String(entry.eventId)) : undefined;
        const where = { subject: orderId || String(entry.functionName ?? entry.ruleArn ?? entry.type), ...(orderId && { orderId }) };
        if (entry.type === 'event.dropped') violations.push({ ...where, message: `event ${entry.eventId} dropped for ${entry.ruleArn}: ${entry.reason}` });
        if (entry.type === 'async.discarded') violations.push({ ...where, message: `${entry.functionName} invocation ${entry.requestId} discarded (${entry.condition})` });
        if (entry.type === 'destination.failed') violations.push({ ...where, message: `${entry.functionName}: its invocation record could not be sent to ${entry.destination}: ${entry.error}` });
        if (view.input.phase === 'before redrive') {
          if (entry.type === 'delivery.dead-lettered' && !inDlq((body) => body?.id === entry.eventId)) {
            violations.push({ ...where, message: `event ${entry.eventId} was dead-lettered for ${entry.ruleArn}, but no DLQ holds it` });
          }
          if (entry.type === 'destination.sent' && !inDlq((body) => body?.requestContext?.requestId === entry.requestId)) {
            violations.push({ ...where, message: `${entry.functionName} invocation ${entry.requestId} went to ${entry.destination}, but no DLQ holds its record` });
          }
        }
      }
      for (const { queue, message } of dlqMessages) {
        if (message.why.kind === 'unknown' || !message.why.reason) {
          const orderId = message.why.event?.orderId;
          violations.push({ subject: orderId ?? queue, ...(orderId && { orderId }), message: `${queue} holds ${message.messageId} with no reason it can tell` });
        }
      }
      return violations;
    },
  },
  {
    name: 'dlqs-redriven',
    description: 'after the run, a redrive of every DLQ leaves them all empty',
    run: (view) =>
      view.input.phase === 'before redrive'
        ? []
        : view.input.observed.dlqs
            .filter((queue) => queue.messages.length > 0)
            .map((queue) => ({ subject: queue.name, message: `${queue.messages.length} messages left after the redrive: ${queue.messages.slice(0, 3).map((m) => m.why.reason).join(' | ')}` })),
  },
  {
    name: 'sagas-finished',
    description: 'no saga of any order is left RUNNING',
    run: (view) =>
      view.input.observed.executions
        .filter((execution) => execution.status === 'RUNNING')
        .map((execution) => ({ orderId: execution.orderId, subject: execution.orderId, message: `${execution.saga} saga ${execution.name} is RUNNING` })),
  },
  {
    name: 'sagas-no-technical-failure',
    description: 'no saga FAILED, TIMED_OUT or ABORTED for a technical reason (a declined payment is a business outcome)',
    run: (view) => {
      const byId = new Map(view.orders.map((order) => [order.orderId, order]));
      return view.input.observed.executions.flatMap((execution) => {
        const why = technicalFailure(execution, byId.get(execution.orderId));
        return why ? [{ orderId: execution.orderId, subject: execution.orderId, message: `${execution.saga} saga ${execution.name}: ${why}${execution.cause ? ` (${execution.cause.slice(0, 200)})` : ''}` }] : [];
      });
    },
  },
  {
    name: 'no-double-effect',
    description: 'nothing done twice: provider operations per order, events per order and type, notification records',
    run: (view) =>
      view.orders.flatMap((order) => {
        const p = view.provider(order.orderId);
        const amount = view.input.observed.provider.get(order.orderId)?.amount ?? order.total;
        const byType = view.eventIdsByType(order.orderId);
        const problems = [
          ...(p.captured !== 0 && p.captured !== amount ? [`provider captured ${p.captured} of an amount of ${amount}`] : []),
          ...(p.refunded !== 0 && p.refunded !== p.captured ? [`provider refunded ${p.refunded} of ${p.captured} captured`] : []),
          ...[...byType].filter(([, ids]) => ids.size > 1).map(([type, ids]) => `${ids.size} different ${type} events`),
          ...EXCLUSIVE_EVENTS.filter(([a, b]) => byType.has(a) && byType.has(b)).map(([a, b]) => `both ${a} and ${b}`),
          ...((view.input.observed.notifications.get(order.orderId)?.length ?? 0) > 1 ? ['notified more than one outcome'] : []),
        ];
        return problems.length === 0 ? [] : [about(order, problems.join('; '))];
      }),
  },
  {
    name: 'one-order-per-key',
    description: 'one order per Idempotency-Key (and per client), the one the client was given; a valid order is never refused',
    run: (view) =>
      [...view.drivenByCustomer.values()].flatMap((driven): Violation[] => {
        if (view.refusedRepeats.includes(driven)) return [];
        const rows = view.ordersByCustomer.get(driven.scenario.customerId) ?? [];
        const given = new Set(driven.posts.flatMap((post) => (post.orderId ? [post.orderId] : [])));
        const subject = driven.orderId ?? driven.scenario.customerId;
        const where = { subject, ...(driven.orderId && { orderId: driven.orderId }) };
        const answers = driven.posts.map((post) => post.status).join(', ');
        if (given.size > 1) return [{ ...where, message: `the client was given ${given.size} different orders for one key: ${[...given].join(', ')}` }];
        if (rows.length > 1) return [{ ...where, message: `${rows.length} orders stored for one client (${driven.scenario.idempotencyKey ? 'key ' + driven.scenario.idempotencyKey : 'no key'}): ${rows.map((r) => r.orderId).join(', ')}` }];
        if (driven.orderId && rows[0] && rows[0].orderId !== driven.orderId) return [{ ...where, message: `the client was given ${driven.orderId}, the table holds ${rows[0].orderId}` }];
        // Refused: answered 4xx for good (not 409 "in progress" or 429, which say "later": the client ran out of patience).
        const last = driven.posts.at(-1)?.status ?? 0;
        if (!driven.orderId && last >= 400 && last < 500 && last !== 409 && last !== 429) {
          return [{ ...where, message: `a valid order was refused: answers ${answers} (${driven.posts.at(-1)?.body ?? ''})` }];
        }
        return [];
      }),
  },
  {
    name: 'invalid-rejected',
    description: 'an invalid request gets a 4xx and leaves nothing stored or published (repeated-SKU orders refused with 400 count here)',
    run: (view) => [
      ...view.invalid.flatMap((driven) => {
        const problems = [...(driven.status < 400 || driven.status >= 500 ? [`answered ${driven.status}`] : []), ...view.traces(driven.scenario.marker)];
        return problems.length === 0 ? [] : [{ subject: `${driven.scenario.marker} (${driven.scenario.fuzz})`, message: problems.join('; ') }];
      }),
      ...view.refusedRepeats.flatMap((driven) => {
        const problems = view.traces(driven.scenario.customerId);
        return problems.length === 0 ? [] : [{ subject: `${driven.scenario.customerId} (repeated SKU, refused)`, message: problems.join('; ') }];
      }),
    ],
  },
];

export function runChecks(input: CheckInput): CheckResult[] {
  const view = new RunView(input);
  return CHECKS.map((check) => ({ name: check.name, description: check.description, violations: check.run(view) }));
}

/** How many requests of the run were invalid (the fuzzed ones and the repeated-SKU orders refused with 400). */
export function invalidRequestCount(driven: Driven[]): number {
  return driven.filter((d) => d.scenario.kind === 'invalid' || isRefusedRepeat(d as OrderDriven)).length;
}
