import { validationError } from '../errors';

export { MAX_PUT_EVENTS_ENTRIES, MAX_PUT_EVENTS_SIZE_BYTES, putEventsEntrySize } from '@shop/aws-limits';

/** "Each rule can have up to five (5) targets"; a PutTargets request carries at most 10 (API_PutTargets). */
export const MAX_TARGETS_PER_RULE = 5;
export const MAX_TARGETS_PER_REQUEST = 10;

/**
 * Target RetryPolicy bounds and defaults: "By default, EventBridge retries sending the event for 24 hours
 * and up to 185 times" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html,
 * ranges from API_RetryPolicy).
 */
export const RETRY_ATTEMPTS_RANGE = { min: 0, max: 185, default: 185 } as const;
export const EVENT_AGE_SECONDS_RANGE = { min: 60, max: 86_400, default: 86_400 } as const;

/**
 * AWS documents "exponential back off and jitter" without numbers; these are the emulator's choice
 * (full jitter: a random delay up to min(cap, base * 2^(retry-1))), in AWS milliseconds.
 */
export const RETRY_BACKOFF_BASE_MS = 1_000;
export const RETRY_BACKOFF_CAP_MS = 300_000;

/** "You can have a maximum of 10 active concurrent replays per account per AWS Region" (eb-replay-archived-event). */
export const MAX_ACTIVE_REPLAYS = 10;

/** Names of rules, archives, replays and target ids (API reference patterns). */
const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;

/** Required members fail like AWS's model validation, for the whole request. */
export function requireString(value: unknown, member: string): string {
  if (typeof value !== 'string' || value === '') {
    throw validationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function requireName(value: unknown, member: string, maxLength: number): string {
  const name = requireString(value, member);
  if (name.length > maxLength || !NAME_PATTERN.test(name)) {
    throw validationError(`1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length less than or equal to ${maxLength}`);
  }
  return name;
}

/** Timestamps arrive as epoch seconds from the JSON protocol, or as Date / ISO text from in-process callers. */
export function requireTime(value: unknown, member: string): number {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw validationError(`Parameter ${member} is not valid. Reason: a timestamp is required.`);
  return ms;
}
