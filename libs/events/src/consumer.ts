import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { isDetailType, type DetailOf, type DetailType } from './catalog';
import { CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS, IDEMPOTENCY_EXPIRY_ATTRIBUTE } from './idempotency';
import { upcasters } from './versions';
import { assertValidDetail } from './validation';

/** An event a consumer received, after validation (and upcasting). */
export type Received<T extends DetailType> = {
  [K in T]: { detailType: K; detail: DetailOf<K>; source: string; eventBridgeId: string; time: string };
}[T];

export class UnsupportedEventError extends Error {
  override readonly name = 'UnsupportedEventError';
}

export interface ConsumerOptions<T extends DetailType> {
  /**
   * The consumer's identity, e.g. `payments.order-placed`: the prefix of its idempotency keys. Powertools would
   * otherwise prefix with AWS_LAMBDA_FUNCTION_NAME, which is absent or shared when functions run in one process locally,
   * and two consumers of one event must never see each other's records.
   */
  name: string;
  /** The detail-types this consumer subscribes to (the contract tests hold its rules to exactly these). */
  accepts: readonly T[];
  /** Upcast older versions with a known upcaster (OrderPlaced.v1 → v2) before `handle` sees them. */
  upcast?: boolean;
  handle: (event: Received<T>, tools: { logger: Logger; context: Context }) => Promise<unknown>;
  /** Idempotency records table; defaults to env IDEMPOTENCY_TABLE. */
  idempotencyTable?: string;
  /**
   * For a consumer that holds an event for long (it runs a saga to its end): a duplicate that finds the same event in
   * progress waits for that run, polling every `pollMs`, while its own remaining time allows, instead of failing at
   * once. Lambda retries a failed duplicate only twice (after 1 and 2 more minutes), which could all fall within the
   * first run; waiting, it answers that run's result, or runs the event itself if that run failed.
   */
  waitWhileInProgress?: { pollMs: number };
  /**
   * How long the in-progress lock lasts at most (default: the invocation's remaining time). A consumer that holds the
   * event for long and whose work is safe to run again concurrently keeps it short: a lock whose own write's answer was
   * lost (the SDK's retry finds it and reads it as another run's) then blocks its retries for this long only.
   */
  inProgressLockMs?: number;
  logger?: Logger;
}

type Handler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<unknown>;

/**
 * Wraps a consumer for EventBridge events (a rule target invoking Lambda asynchronously):
 * - rejects detail-types outside `accepts` and details that violate their schema by THROWING, with an error naming
 *   the fields: the failure goes through Lambda's retries to the function's on-failure destination (never dropped);
 * - logs through Powertools Logger with the envelope's correlation id;
 * - runs `handle` at most once per `detail.metadata.id` (Powertools idempotency, DynamoDB persistence), for as long as
 *   the longest redelivery (CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS). EventBridge gives every PutEvents call a new
 *   envelope `id`, so only the producer's metadata.id survives producer retries.
 * Failures are never caught here: a handler that logs and returns would defeat every DLQ.
 */
export function createEventHandler<T extends DetailType>(options: ConsumerOptions<T>): Handler {
  const logger = options.logger ?? new Logger();
  const accepted = new Set<string>(options.accepts);
  let idempotent: ((event: Received<T>, context: Context) => Promise<unknown>) | undefined;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'detail.metadata.id',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS,
  });

  function idempotentHandle(): (event: Received<T>, context: Context) => Promise<unknown> {
    if (idempotent) return idempotent;
    const tableName = options.idempotencyTable ?? process.env.IDEMPOTENCY_TABLE;
    if (!tableName) throw new Error('createEventHandler: no idempotency table (set IDEMPOTENCY_TABLE)');
    idempotent = makeIdempotent((event: Received<T>, context: Context) => options.handle(event, { logger, context }), {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName, expiryAttr: IDEMPOTENCY_EXPIRY_ATTRIBUTE }),
      config,
      keyPrefix: options.name,
    });
    return idempotent;
  }

  return async (event, context) => {
    const detailType = event['detail-type'];
    if (!accepted.has(detailType) || !isDetailType(detailType)) {
      throw new UnsupportedEventError(`${detailType} is not consumed here (accepts ${[...accepted].join(', ')})`);
    }
    assertValidDetail(detailType, event.detail);
    let received = { detailType, detail: event.detail, source: event.source, eventBridgeId: event.id, time: event.time } as Received<T>;
    const upcaster = options.upcast ? upcasters[detailType] : undefined;
    if (upcaster) received = { ...received, detailType: upcaster.to, detail: upcaster.upcast(received.detail as never) } as Received<T>;

    const { metadata } = received.detail;
    logger.addContext(context);
    logger.appendKeys({ correlationId: metadata.correlationId, eventId: metadata.id, detailType: received.detailType });
    try {
      const lockContext = options.inProgressLockMs === undefined ? context : withLockOf(context, options.inProgressLockMs);
      config.registerLambdaContext(lockContext);
      return await runOnce(() => idempotentHandle()(received, lockContext), context, options.waitWhileInProgress);
    } finally {
      logger.resetKeys();
    }
  };
}

/** The context as Powertools reads it for the in-progress lock's expiry: at most `lockMs` left. */
const withLockOf = (context: Context, lockMs: number): Context => ({ ...context, getRemainingTimeInMillis: () => Math.min(context.getRemainingTimeInMillis(), lockMs) });

async function runOnce(run: () => Promise<unknown>, context: Context, wait: ConsumerOptions<DetailType>['waitWhileInProgress']): Promise<unknown> {
  for (;;) {
    try {
      return await run();
    } catch (error) {
      const canWait = wait && error instanceof IdempotencyAlreadyInProgressError && context.getRemainingTimeInMillis() > 2 * wait.pollMs;
      if (!canWait) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait.pollMs));
    }
  }
}
