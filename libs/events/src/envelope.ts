import { randomUUID } from 'node:crypto';
import { v5 as uuidV5 } from 'uuid';
import { parseDetailType, schemaOf, sourceOf, type DetailOf, type DetailType } from './catalog';


/** What a service publishes: the detail-type, its source and the `detail` = { metadata, data }. */
export interface DomainEvent<T extends DetailType = DetailType> {
  detailType: T;
  source: string;
  detail: DetailOf<T>;
}

export interface EnvelopeOptions {
  /** The publishing service (e.g. `orders`); defaults to the POWERTOOLS_SERVICE_NAME / SERVICE_NAME env. */
  service?: string;
  /** The event this one reacts to: its correlationId is carried over and its id becomes causationId. */
  causedBy?: { metadata: { id: string; correlationId: string } };
  /** A new flow's correlation id (e.g. the orderId); ignored when causedBy is given. */
  correlationId?: string;
  /**
   * A deterministic id, for events a saga may publish again after a retry: the same id makes
   * consumers' idempotency treat the repeat as the same event. Defaults to a random UUID.
   */
  id?: string;
  now?: Date;
}

/** Namespace of the shop's name-based (v5) event ids. */
const EVENT_ID_NAMESPACE = '5b0f7c3e-2d0a-4f39-9a59-6f1f1c2b8e47';

/**
 * A UUID derived from what makes an event unique in its flow (e.g. the orderId and the detail-type): a saga step that
 * is retried after it already published republishes the same metadata.id, so consumers see one event, not two.
 */
export function deterministicEventId(...parts: string[]): string {
  return uuidV5(parts.join('\u0000'), EVENT_ID_NAMESPACE);
}

function domainOf(detailType: DetailType): string {
  const schema = schemaOf(detailType) as unknown as { properties: { metadata: { properties: { domain: { enum: string[] } } } } };
  return schema.properties.metadata.properties.domain.enum[0]!;
}

/** Wraps `data` in the envelope of design.md: `{ metadata: { id, version, timestamp, correlationId, domain, service, causationId? }, data }`. */
export function createEvent<T extends DetailType>(
  detailType: T,
  data: DetailOf<T>['data'],
  options: EnvelopeOptions = {},
): DomainEvent<T> {
  const id = options.id ?? randomUUID();
  const service = options.service ?? process.env.POWERTOOLS_SERVICE_NAME ?? process.env.SERVICE_NAME;
  if (!service) throw new Error('createEvent: no service name (pass options.service or set POWERTOOLS_SERVICE_NAME)');
  // version and domain come from the catalogue, so they match what the schema of detailType requires.
  const metadata = {
    id,
    version: parseDetailType(detailType).version,
    timestamp: (options.now ?? new Date()).toISOString(),
    correlationId: options.causedBy?.metadata.correlationId ?? options.correlationId ?? id,
    domain: domainOf(detailType),
    service,
    ...(options.causedBy ? { causationId: options.causedBy.metadata.id } : {}),
  };
  return { detailType, source: sourceOf(detailType), detail: { metadata, data } as DetailOf<T> };
}
