import type { CloudActivity } from '../../libs/local-cloud/src/cloud';
import type { LoggedActivity } from './api-types';

const TIMELINE_TYPES: Record<CloudActivity['service'], (type: string) => boolean> = {
  events: () => true,
  scheduler: () => true,
  lambda: (type) => type.startsWith('async.') || type.startsWith('destination.') || type === 'invocation.failed',
  sqs: (type) => type === 'message.dead-lettered' || type === 'message.moved',
  states: (type) => type.startsWith('execution.'),
  schemas: () => false,
  ses: (type) => type === 'email.sent',
  dynamodb: (type) => type === 'operation.unsupported',
  faults: (type) => type === 'fault.injected',
  cloudwatch: (type) => type === 'alarm.state-changed',
  sns: (type) => type === 'notification.failed',
};

/**
 * What a developer follows on the timeline: the bus (events, rules, deliveries, DLQs), Lambda's async retries and
 * destinations, SQS dead-lettering, executions starting and ending, alarms changing state and SNS deliveries that failed. Every DynamoDB call and every state transition
 * would drown it (the saga graph shows those).
 */
export function isTimelineActivity(activity: CloudActivity): boolean {
  return TIMELINE_TYPES[activity.service]?.(activity.type) ?? false;
}

/** `detail.data.orderId` and `detail.metadata.correlationId` of a shop event, when it has them. */
export function eventKeys(detail: unknown): { orderId?: string; correlationId?: string } {
  const envelope = (detail ?? {}) as { data?: { orderId?: unknown }; metadata?: { correlationId?: unknown } };
  const orderId = envelope.data?.orderId;
  const correlationId = envelope.metadata?.correlationId;
  return {
    ...(typeof orderId === 'string' && { orderId }),
    ...(typeof correlationId === 'string' && { correlationId }),
  };
}

/** A bounded ring buffer of timeline activity; each entry gets the next sequence number, so pollers ask for what is new. */
export class ActivityLog {
  private readonly ring: Array<LoggedActivity | undefined>;
  private nextSeq = 1;

  constructor(readonly capacity = 5000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, not ${capacity}`);
    this.ring = new Array<LoggedActivity | undefined>(capacity);
  }

  /** Keeps a timeline activity (others are ignored); returns what was kept. */
  add(activity: CloudActivity): LoggedActivity | undefined {
    if (!isTimelineActivity(activity)) return undefined;
    const logged: LoggedActivity = { ...activity, seq: this.nextSeq++, ...(activity.type === 'event.received' && eventKeys(activity.detail)) };
    this.ring[logged.seq % this.capacity] = logged;
    return logged;
  }

  /** The sequence number of the latest entry (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** The oldest entry still held. */
  get firstSeq(): number {
    return Math.max(1, this.nextSeq - this.capacity);
  }

  /** Entries after `seq`, oldest first, at most `limit` (older ones first, so a poller catches up in order). */
  after(seq: number, limit = 1000): LoggedActivity[] {
    const from = Math.max(seq + 1, this.firstSeq);
    const to = Math.min(this.lastSeq, from + limit - 1);
    const found: LoggedActivity[] = [];
    for (let s = from; s <= to; s++) found.push(this.ring[s % this.capacity]!);
    return found;
  }

  /** Every entry held that matches, oldest first. */
  filter(predicate: (activity: LoggedActivity) => boolean): LoggedActivity[] {
    return this.after(0, this.capacity).filter(predicate);
  }
}
