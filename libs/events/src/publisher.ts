import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DetailType } from './catalog';
import type { DomainEvent } from './envelope';
import { MAX_PUT_EVENTS_ENTRIES, MAX_PUT_EVENTS_SIZE_BYTES, putEventsEntrySize } from '@shop/aws-limits';
import { assertValidDetail } from './validation';

/** One event that was not put, with why. */
export interface UnpublishedEvent {
  id: string;
  detailType: string;
  errorCode: string;
  errorMessage: string;
}

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly failed: UnpublishedEvent[],
    /** metadata.id of the events that were put (a retry by the caller is safe: consumers are idempotent on metadata.id). */
    readonly published: string[],
  ) {
    super(
      `could not put ${failed.length} of ${failed.length + published.length} events: ` +
        failed.map((f) => `${f.detailType} ${f.id} (${f.errorCode}: ${f.errorMessage})`).join('; '),
    );
  }
}

export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
  constructor(
    readonly detailType: string,
    readonly id: string,
    readonly size: number,
  ) {
    super(`${detailType} ${id} is ${size} bytes: over the ${MAX_PUT_EVENTS_SIZE_BYTES}-byte PutEvents entry limit`);
  }
}

/**
 * Entry error codes that a later attempt cannot fix (the entry itself is wrong, or access is denied);
 * everything else (InternalFailure, ThrottlingException, ...) is retried.
 */
const PERMANENT_ERROR_CODES = new Set(['MalformedDetail', 'InvalidArgument', 'AccessDeniedException', 'NotAuthorizedForSourceException', 'NotAuthorizedForDetailTypeException']);

export interface PublisherOptions {
  eventBusName: string;
  client?: Pick<EventBridgeClient, 'send'>;
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Pending {
  event: DomainEvent;
  entry: PutEventsRequestEntry;
  size: number;
  lastError?: { code: string; message: string };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Puts domain events on the bus: validates each against its schema first, batches within the PutEvents limits,
 * retries only the entries that failed (FailedEntryCount > 0 does not throw in the SDK: it must be checked),
 * and throws a PublishError naming every event it could not put. Never reports success for an event not put.
 */
export class EventPublisher {
  private readonly client: Pick<EventBridgeClient, 'send'>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PublisherOptions) {
    this.client = options.client ?? new EventBridgeClient({});
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async publish(events: ReadonlyArray<DomainEvent>): Promise<{ published: string[] }> {
    let pending = events.map((event) => this.prepare(event));
    const published: string[] = [];
    const failed: UnpublishedEvent[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(this.backoff(attempt - 1));
      const retry: Pending[] = [];
      for (const batch of batches(pending)) {
        for (const outcome of await this.put(batch)) {
          if (!outcome.error) published.push(outcome.item.event.detail.metadata.id);
          else if (PERMANENT_ERROR_CODES.has(outcome.error.code) || attempt >= this.maxAttempts) failed.push(unpublished(outcome.item, outcome.error));
          else retry.push({ ...outcome.item, lastError: outcome.error });
        }
      }
      pending = retry;
    }
    if (failed.length > 0) throw new PublishError(failed, published);
    return { published };
  }

  private prepare(event: DomainEvent): Pending {
    assertValidDetail(event.detailType as DetailType, event.detail);
    const entry: PutEventsRequestEntry = {
      EventBusName: this.options.eventBusName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
    };
    const size = putEventsEntrySize(entry);
    if (size > MAX_PUT_EVENTS_SIZE_BYTES) throw new EventTooLargeError(event.detailType, event.detail.metadata.id, size);
    return { event, entry, size };
  }

  /** One PutEvents call; a call that throws (after the SDK's own retries) fails each of its entries. */
  private async put(batch: Pending[]): Promise<Array<{ item: Pending; error?: { code: string; message: string } }>> {
    try {
      const response = await this.client.send(new PutEventsCommand({ Entries: batch.map((item) => item.entry) }));
      const entries = response.Entries ?? [];
      return batch.map((item, i) => {
        const result = entries[i];
        if (result?.EventId && !result.ErrorCode) return { item };
        return { item, error: { code: result?.ErrorCode ?? 'MissingResult', message: result?.ErrorMessage ?? 'no result entry for this event' } };
      });
    } catch (error) {
      const code = (error as { name?: string }).name ?? 'Error';
      const message = (error as Error).message ?? String(error);
      return batch.map((item) => ({ item, error: { code, message } }));
    }
  }

  private backoff(retry: number): number {
    return Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1));
  }
}

function unpublished(item: Pending, error: { code: string; message: string }): UnpublishedEvent {
  return { id: item.event.detail.metadata.id, detailType: item.event.detailType, errorCode: error.code, errorMessage: error.message };
}

/** Groups entries into PutEvents calls of at most 10 entries whose sizes add up to at most the request limit. */
export function batches<T extends { size: number }>(items: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length === MAX_PUT_EVENTS_ENTRIES || bytes + item.size > MAX_PUT_EVENTS_SIZE_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
