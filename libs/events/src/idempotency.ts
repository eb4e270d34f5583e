/**
 * How long a consumer keeps the record of an event it handled (Powertools `expiresAfterSeconds`). A repeat within it is
 * answered from the record; a later one finds none and runs the handler again. So it outlasts the longest redelivery a
 * consumer can meet in the packaged templates (tests/contracts/idempotency-window.test.ts computes it from them and
 * fails when this is shorter). The longest is an archive replay: an event as old as the archive keeps them
 * (services/event-bus, 30 days), then the rule target's retries (RetryPolicy.MaximumEventAgeInSeconds, 1 h) and
 * Lambda's asynchronous retries (MaximumEventAgeInSeconds, 6 h by default). A DLQ redrive comes sooner (the DLQs keep
 * a message 14 days). Repeats later still need an operator to redrive or replay twice; README "Data" says why they are
 * harmless all the same.
 */
export const CONSUMER_IDEMPOTENCY_EXPIRY_SECONDS = (30 * 24 + 1 + 6) * 3600;

/**
 * The record attribute that holds its expiry, in epoch seconds: Powertools' DynamoDBPersistenceLayer default, and the
 * attribute every idempotency table's TTL deletes by (services/serverless.common.yml `tables.idempotency`).
 */
export const IDEMPOTENCY_EXPIRY_ATTRIBUTE = 'expiration';
