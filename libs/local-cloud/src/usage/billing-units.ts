/**
 * How AWS turns what a request carries or how long it ran into billed units. Each rule is the documented one; the
 * usage meter counts in these units so that its counts are the bill's quantities.
 */

const KB = 1024;

/**
 * EventBridge custom events, SQS requests: "each 64 KB chunk of a payload is billed as 1" event or request
 * (https://aws.amazon.com/eventbridge/pricing/, https://aws.amazon.com/sqs/pricing/). A request with no payload
 * (DeleteMessage, an empty receive) is still one.
 */
export function chunks64k(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / (64 * KB)));
}

/**
 * API Gateway HTTP APIs meter requests "in 512 KB increments" (https://aws.amazon.com/api-gateway/pricing/); a request
 * without a body is one.
 */
export function chunks512k(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / (512 * KB)));
}

/** Lambda duration "rounded up to the nearest 1 ms" (https://aws.amazon.com/lambda/pricing/). */
export function lambdaBilledMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/**
 * Express workflow duration, "rounded up to the nearest 100ms", billed in 64 MB chunks of memory
 * (https://aws.amazon.com/step-functions/pricing/).
 */
export function expressBilledMs(durationMs: number): number {
  return Math.max(100, Math.ceil(durationMs / 100) * 100);
}

/** Megabytes per Express execution: AWS does not publish its memory estimate; the 64 MB minimum chunk is assumed. */
export const EXPRESS_MEMORY_MB = 64;

/** GB-seconds of a duration at a memory size, as Lambda and Express workflows bill them (1 GB = 1024 MB). */
export function gbSeconds(billedMs: number, memoryMb: number): number {
  return (billedMs / 1000) * (memoryMb / 1024);
}
