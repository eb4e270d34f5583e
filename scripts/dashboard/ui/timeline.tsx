import { useRef, useState } from 'preact/hooks';
import type { LoggedActivity } from '../api-types';
import { api } from './api';
import { usePoll } from './hooks';
import { clock, shortId, shortName, truncate } from './format';

/** A bus event with what happened to it (rules matched, deliveries), or an activity of its own (Lambda, SQS, SFN). */
interface Item {
  head: LoggedActivity;
  followUps: LoggedActivity[];
}

const KEPT_ITEMS = 400;
const POLL_MS = 1000;

/** Adds new activity to the items, newest first: an activity about a bus event already shown joins it. */
function merge(items: Item[], activities: LoggedActivity[]): Item[] {
  const next = [...items];
  const byEvent = new Map(next.filter((item) => item.head.type === 'event.received').map((item) => [String(item.head.eventId), item]));
  for (const activity of activities) {
    const aboutEvent = activity.service === 'events' || activity.service === 'faults';
    const parent = activity.type !== 'event.received' && aboutEvent ? byEvent.get(String(activity.eventId)) : undefined;
    if (parent) {
      const joined = { ...parent, followUps: [...parent.followUps, activity] };
      next[next.indexOf(parent)] = joined;
      byEvent.set(String(activity.eventId), joined);
      continue;
    }
    const item = { head: activity, followUps: [] };
    next.unshift(item);
    if (activity.type === 'event.received') byEvent.set(String(activity.eventId), item);
  }
  return next.slice(0, KEPT_ITEMS);
}

/** The live bus timeline: polls for what is new about once a second. */
export function TimelinePanel() {
  const [items, setItems] = useState<Item[]>([]);
  const [filter, setFilter] = useState('');
  const lastSeq = useRef(0);
  const { error } = usePoll(async () => {
    const page = await api.activity(lastSeq.current);
    if (page.activities.length > 0) {
      lastSeq.current = page.activities[page.activities.length - 1]!.seq;
      setItems((current) => merge(current, page.activities));
    }
    return page.lastSeq;
  }, POLL_MS);

  const needle = filter.trim().toLowerCase();
  const shown = needle ? items.filter((item) => JSON.stringify(item.head).toLowerCase().includes(needle)) : items;
  return (
    <section class="panel timeline" aria-label="Bus timeline">
      <h2>
        Bus timeline <span class="live">live</span>
        <input class="filter" placeholder="filter: type, order id, function…" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </h2>
      {error && <p class="error">{error}</p>}
      <ol class="scroll entries">
        {shown.length === 0 && <li class="muted">Nothing on the bus yet.</li>}
        {shown.map((item) => (
          <Entry key={item.head.seq} item={item} />
        ))}
      </ol>
    </section>
  );
}

function Entry({ item }: { item: Item }) {
  const { head } = item;
  if (head.type === 'event.received') {
    return (
      <li class="entry event" data-event-type={String(head.detailType)}>
        <div class="line">
          <span class="mono muted">{clock(head.time)}</span> <b>{String(head.detailType)}</b> <span class="muted">{String(head.source)}</span>
          {head.orderId && <span class="chip idle" title={head.orderId}>order {shortId(head.orderId)}</span>}
          {head.replayName !== undefined && <span class="chip warn">replay {String(head.replayName)}</span>}
        </div>
        {item.followUps.length === 0 && <div class="follow muted">matched no rule</div>}
        {item.followUps.map((activity) => (
          <FollowUp key={activity.seq} activity={activity} />
        ))}
      </li>
    );
  }
  return (
    <li class={`entry other ${head.service}`}>
      <span class="mono muted">{clock(head.time)}</span> <span class="svc">{head.service}</span>
      {head.type === 'fault.injected' && <Injected />} {describe(head)}
    </li>
  );
}

/** Marks what the fault plan did, so an injected failure is never mistaken for a real one. */
function Injected() {
  return <span class="chip warn">injected</span>;
}

function FollowUp({ activity }: { activity: LoggedActivity }) {
  const target = shortName(String(activity.targetArn ?? ''));
  switch (activity.type) {
    case 'rule.matched':
      return <div class="follow">rule <b>{String(activity.ruleName)}</b></div>;
    case 'delivery.succeeded':
      return (
        <div class="follow ok">
          ✓ {target} <span class="muted">attempt {String(activity.attempt)}</span>
        </div>
      );
    case 'delivery.failed':
      return (
        <div class="follow bad">
          ✗ {target} attempt {String(activity.attempt)}: {String(activity.errorCode)} {String(activity.errorMessage)}
        </div>
      );
    case 'delivery.dead-lettered':
      return (
        <div class="follow bad">
          ⇣ {target} dead-lettered to {shortName(String(activity.deadLetterQueueArn))} after {String(activity.retryAttempts)} retries
        </div>
      );
    case 'event.dropped':
      return (
        <div class="follow bad">
          ⊘ {target} dropped: {String(activity.reason)}
        </div>
      );
    case 'fault.injected':
      return (
        <div class="follow bad">
          <Injected /> {faultText(activity)}
        </div>
      );
    default:
      return <div class="follow muted">{activity.type}</div>;
  }
}

/** One line for an activity that is not about a bus event's delivery. */
function describe(activity: LoggedActivity): string {
  const fn = String(activity.functionName ?? '');
  switch (activity.type) {
    case 'async.queued':
      return `${fn}: async invoke queued`;
    case 'async.retry-scheduled':
      return `${fn}: failed, Lambda retries (attempt ${String(activity.attempt)}, in ${String(activity.delayMs)} ms AWS time)`;
    case 'async.failed':
      return `${fn}: ${String(activity.condition)} after ${String(activity.attempts)} attempts`;
    case 'async.discarded':
      return `${fn}: discarded (no on-failure destination or DLQ)`;
    case 'invocation.failed':
      return `${fn}: ${String(activity.errorType)}: ${String(activity.errorMessage)}`;
    case 'destination.sent':
      return `${fn} → ${shortName(String(activity.destination))} (${String(activity.kind)}, ${String(activity.condition)})`;
    case 'destination.failed':
      return `${fn} → ${shortName(String(activity.destination))} failed: ${String(activity.error)}`;
    case 'message.dead-lettered':
      return `${String(activity.queue)} → ${String(activity.deadLetterQueue)}: moved to its DLQ after ${String(activity.receiveCount)} receives`;
    case 'message.moved':
      return `${String(activity.queue)} → ${String(activity.destinationQueue)}: message moved back`;
    case 'fault.injected':
      return faultText(activity);
    case 'email.sent':
      return `e-mail "${String(activity.subject)}" to ${String(activity.to)}`;
    default:
      if (activity.service === 'states') return `${shortName(String(activity.stateMachineArn))} / ${truncate(shortName(String(activity.executionArn)), 22)}: ${activity.type}`;
      return `${activity.type} ${JSON.stringify(activity).slice(0, 120)}`;
  }
}

/** `duplicate (eventbridge-target) → queue`, `lambda.after (Sandbox.Timedout) shop-payments-dev-capture`... */
function faultText(activity: LoggedActivity): string {
  const variant = activity.variant ? ` (${String(activity.variant)})` : '';
  const where = activity.targetArn ? `→ ${shortName(String(activity.targetArn))}` : String(activity.functionName ?? activity.tableName ?? activity.queue ?? activity.routeKey ?? activity.detailType ?? activity.to ?? '');
  return `${String(activity.fault)}${variant} ${where}`;
}
