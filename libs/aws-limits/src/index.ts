/**
 * AWS limits that both sides of this project depend on: the event publisher (so it never sends what AWS refuses)
 * and the local emulator (so it refuses what AWS refuses). One source for each published fact.
 */

/** PutEvents takes 1 to 10 entries (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
export const MAX_PUT_EVENTS_ENTRIES = 10;

/**
 * PutEvents size limit, in entry-size bytes (putEventsEntrySize), applied to the total of one request's entries
 * ("Total size of the entries in the request is over the limit."). AWS raised it from 256 KB to 1 MB on 2026-01-29,
 * with SQS messages and asynchronous Lambda payloads:
 * https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb
 */
export const MAX_PUT_EVENTS_SIZE_BYTES = 1024 * 1024;

/**
 * EventBridge compares numbers (numeric matching) only within -5.0e9..+5.0e9 inclusive, to six decimal places; any
 * other number matches no numeric filter at all, neither ">" nor "<=":
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-numeric-matching
 */
export const NUMERIC_MATCH_LIMIT = 5e9;

/**
 * Step Functions caps execution input and every state's input, output and task result at 256 KiB of UTF-8, even
 * now that EventBridge carries 1 MB: an event a saga starts with must fit
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 */
export const MAX_STEP_FUNCTIONS_PAYLOAD_BYTES = 256 * 1024;

/**
 * An HTTP API takes request payloads up to 10 MB, a quota that cannot be raised
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html); a Lambda integration is further
 * bound by the 6 MB of a synchronous invoke (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export const MAX_HTTP_API_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface PutEventsEntryLike {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: unknown;
  Time?: unknown;
}

const utf8Bytes = (value: string | undefined) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/**
 * Entry size as EventBridge computes it: Time counts 14 bytes when given, then the UTF-8 bytes of Source,
 * DetailType, Detail and each Resources entry (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
 */
export function putEventsEntrySize(entry: PutEventsEntryLike): number {
  const resources = Array.isArray(entry.Resources) ? (entry.Resources as unknown[]) : [];
  return (
    (entry.Time === undefined || entry.Time === null ? 0 : 14) +
    utf8Bytes(entry.Source) +
    utf8Bytes(entry.DetailType) +
    utf8Bytes(entry.Detail) +
    resources.reduce<number>((size, resource) => size + (typeof resource === 'string' ? utf8Bytes(resource) : 0), 0)
  );
}
