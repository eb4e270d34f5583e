import { randomBytes } from 'node:crypto';
import { defaultAttributes, parseRedrivePolicy, type RedrivePolicy } from './attributes';
import type { StoredMessage } from './model';

/** FIFO deduplication interval: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html */
const DEDUPLICATION_INTERVAL_MS = 5 * 60_000;

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

/**
 * One queue's state: its attributes and its messages, each visible, in flight (received, hidden until its
 * visibility timeout ends) or delayed (sent with a delay). Receivers that long-poll wait on `changed()`.
 */
export class Queue {
  readonly fifo: boolean;
  readonly createdTimestamp = Math.floor(Date.now() / 1000);
  lastModifiedTimestamp = this.createdTimestamp;
  attributes: Record<string, string>;
  tags: Record<string, string> = {};
  lastPurgeAt?: number;
  private messages: StoredMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly deduplication = new Map<string, { messageId: string; sequenceNumber?: string; expiresAt: number }>();
  private sequence = 0n;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly url: string,
    attributes: Record<string, string>,
  ) {
    this.fifo = name.endsWith('.fifo');
    this.attributes = { ...defaultAttributes(this.fifo), ...attributes };
  }

  numberAttribute(name: string): number {
    return Number(this.attributes[name] ?? 0);
  }

  get redrivePolicy(): RedrivePolicy | undefined {
    const value = this.attributes.RedrivePolicy;
    return value ? parseRedrivePolicy(value) : undefined;
  }

  counts(now = Date.now()): QueueCounts {
    this.expire(now);
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages) {
      if (message.visibleAt <= now) counts.visible++;
      else if (message.receiptHandle) counts.inFlight++;
      else counts.delayed++;
    }
    return counts;
  }

  /** A FIFO send whose deduplication id was seen in the last 5 minutes: the first send's ids. */
  duplicateOf(deduplicationId: string, now = Date.now()): { messageId: string; sequenceNumber?: string } | undefined {
    const seen = this.deduplication.get(deduplicationId);
    return seen && seen.expiresAt > now ? seen : undefined;
  }

  enqueue(message: StoredMessage): void {
    if (this.fifo) {
      this.sequence += 1n;
      message.sequenceNumber = (18_000_000_000_000_000_000n + this.sequence).toString();
    }
    this.messages.push(message);
    this.notify();
  }

  /** Remembers a FIFO send's deduplication id for the deduplication interval. */
  rememberDeduplicationId(message: StoredMessage): void {
    if (!message.messageDeduplicationId) return;
    this.deduplication.set(message.messageDeduplicationId, {
      messageId: message.messageId,
      sequenceNumber: message.sequenceNumber,
      expiresAt: Date.now() + DEDUPLICATION_INTERVAL_MS,
    });
  }

  /**
   * Visible messages in receive order, at most `max`. A FIFO queue returns a group's messages in order and
   * none of a group while one of its messages is in flight.
   */
  visibleMessages(max: number, now = Date.now()): StoredMessage[] {
    this.expire(now);
    const blockedGroups = new Set<string>();
    if (this.fifo) {
      for (const message of this.messages) if (message.visibleAt > now && message.receiptHandle) blockedGroups.add(message.messageGroupId!);
    }
    const found: StoredMessage[] = [];
    for (const message of this.messages) {
      if (found.length >= max) break;
      if (message.visibleAt > now) {
        if (this.fifo) blockedGroups.add(message.messageGroupId!);
        continue;
      }
      if (this.fifo && blockedGroups.has(message.messageGroupId!)) continue;
      found.push(message);
    }
    return found;
  }

  /** Marks a message received: a new receipt handle, hidden for `visibilityTimeout` seconds. */
  markReceived(message: StoredMessage, visibilityTimeout: number, now = Date.now()): void {
    message.receiveCount++;
    message.firstReceiveTimestamp ??= now;
    message.receiptHandle = encodeReceiptHandle(this.name, message.messageId);
    message.visibleAt = now + visibilityTimeout * 1000;
  }

  /** Every message held (visible, in flight or delayed), in queue order, without changing any. */
  peek(now = Date.now()): readonly StoredMessage[] {
    this.expire(now);
    return [...this.messages];
  }

  find(messageId: string): StoredMessage | undefined {
    return this.messages.find((message) => message.messageId === messageId);
  }

  remove(message: StoredMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }

  setVisibleAt(message: StoredMessage, visibleAt: number): void {
    message.visibleAt = visibleAt;
    this.notify();
  }

  purge(): number {
    const count = this.messages.length;
    this.messages = [];
    return count;
  }

  /** Resolves at the next send or visibility change, or after `ms` at the latest. */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.waiters.add(wake);
    });
  }

  /** Epoch ms at which a hidden message becomes visible next (for a long poll's wake-up). */
  nextVisibleAt(now = Date.now()): number | undefined {
    let next: number | undefined;
    for (const message of this.messages) if (message.visibleAt > now && (next === undefined || message.visibleAt < next)) next = message.visibleAt;
    return next;
  }

  /** Wakes every long poll (on a change, or to end them when the queue or the emulator goes away). */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Drops messages older than MessageRetentionPeriod. */
  private expire(now: number): void {
    const oldest = now - this.numberAttribute('MessageRetentionPeriod') * 1000;
    if (this.messages.some((message) => message.sentTimestamp <= oldest)) {
      this.messages = this.messages.filter((message) => message.sentTimestamp > oldest);
    }
    for (const [id, seen] of this.deduplication) if (seen.expiresAt <= now) this.deduplication.delete(id);
  }
}

/** An opaque handle that names its queue and message; each receive makes a new one. */
function encodeReceiptHandle(queueName: string, messageId: string): string {
  return Buffer.from(JSON.stringify([queueName, messageId, randomBytes(12).toString('hex')])).toString('base64url');
}

export function decodeReceiptHandle(handle: string): { queueName: string; messageId: string } | undefined {
  try {
    const parts: unknown = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8'));
    const [queueName, messageId] = Array.isArray(parts) ? parts : [];
    if (typeof queueName === 'string' && typeof messageId === 'string') return { queueName, messageId };
  } catch {
    // not one of ours: invalid
  }
  return undefined;
}
