import type { Cloud, LambdaInvokeResult } from '../cloud';
import { holdBack, unlimitedAbortController } from '../faults/injector';
import { isThrottleOrServiceError } from './concurrency';
import { sendToDeadLetterQueue, sendToDestination, type AsyncOutcome, type InvocationCondition } from './destinations';
import type { LambdaFunction } from './function-config';
import { unhandled } from './invoker';

/**
 * Lambda's asynchronous invocation: the event is queued and the caller answered at once; a function error is
 * retried after about one minute, then two (MaximumRetryAttempts, default 2); an event older than
 * MaximumEventAgeInSeconds is dropped; then the on-failure destination gets an invocation record and the
 * dead-letter queue the event. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 * A throttled attempt (or a Lambda service error) returns the event to the queue instead: retried with backoff from
 * 1 s to 5 minutes until MaximumEventAgeInSeconds, not counted against MaximumRetryAttempts
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 * Waits are AWS time, scaled by cloud.timeScale.
 */

const RETRY_DELAYS_MS = [60_000, 120_000];
const REQUEUE_BACKOFF_BASE_MS = 1_000;
const REQUEUE_BACKOFF_CAP_MS = 300_000;

export class AsyncInvocations {
  // Every held-back delivery and retry wait listens on it: hundreds at once are expected, not a leak.
  private readonly stopping = unlimitedAbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly cloud: Cloud,
    private readonly execute: (fn: LambdaFunction, payload: string, requestId: string, attempt: number) => Promise<LambdaInvokeResult>,
  ) {}

  /** Queues one event; returns without waiting for it to run. */
  enqueue(fn: LambdaFunction, payload: string, requestId: string): void {
    this.cloud.record({ service: 'lambda', type: 'async.queued', functionName: fn.functionName, requestId });
    // "Even if your function doesn't return an error, it's possible for it to receive the same event from Lambda
    // multiple times because the queue itself is eventually consistent" (invocation-async-error-handling.html):
    // the fault plan's `duplicate` runs the event twice; `delay` holds it back, so events run out of order.
    const site = { names: [fn.functionName], context: { functionName: fn.functionName, requestId } };
    const receivedAt = Date.now();
    for (const held of this.cloud.faults.deliveries(site, 'lambda-async')) {
      const run: Promise<void> = holdBack(held, this.stopping.signal)
        .then(() => (this.stopping.signal.aborted ? undefined : this.process(fn, payload, requestId, receivedAt)))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /** Ends retry waits at once; lets attempts under way finish. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /** Resolves when every queued event has reached its outcome (for tests and scripts). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async process(fn: LambdaFunction, payload: string, requestId: string, receivedAt: number): Promise<void> {
    let attempts = 0;
    let requeues = 0;
    let result: LambdaInvokeResult | undefined;
    for (;;) {
      if (this.ageSeconds(receivedAt) >= fn.maximumEventAgeInSeconds) return this.fail(fn, payload, requestId, 'EventAgeExceeded', attempts, result);
      try {
        result = await this.execute(fn, payload, requestId, attempts + 1);
      } catch (error) {
        if (isThrottleOrServiceError(error)) {
          const delayMs = Math.min(REQUEUE_BACKOFF_CAP_MS, REQUEUE_BACKOFF_BASE_MS * 2 ** requeues++);
          this.cloud.record({ service: 'lambda', type: 'async.requeued', functionName: fn.functionName, requestId, errorCode: error.code, delayMs });
          await this.cloud.sleep(delayMs, this.stopping.signal);
          if (this.stopping.signal.aborted) return;
          continue;
        }
        // Any other refusal of the attempt fails it as a function error would.
        result = unhandled(error);
      }
      attempts++;
      if (!result.functionError) {
        if (fn.onSuccessDestinationArn) {
          await sendToDestination(this.cloud, fn.onSuccessDestinationArn, { fn, requestId, payload, condition: 'Success', attempts, result });
        }
        return;
      }
      if (attempts > fn.maximumRetryAttempts) return this.fail(fn, payload, requestId, 'RetriesExhausted', attempts, result);
      const delayMs = RETRY_DELAYS_MS[attempts - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]!;
      this.cloud.record({ service: 'lambda', type: 'async.retry-scheduled', functionName: fn.functionName, requestId, attempt: attempts, delayMs });
      await this.cloud.sleep(delayMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
    }
  }

  private async fail(
    fn: LambdaFunction,
    payload: string,
    requestId: string,
    condition: InvocationCondition,
    attempts: number,
    result: LambdaInvokeResult | undefined,
  ): Promise<void> {
    this.cloud.record({ service: 'lambda', type: 'async.failed', functionName: fn.functionName, requestId, condition, attempts });
    const outcome: AsyncOutcome = { fn, requestId, payload, condition, attempts, result };
    if (fn.onFailureDestinationArn) await sendToDestination(this.cloud, fn.onFailureDestinationArn, outcome);
    if (fn.deadLetterTargetArn) await sendToDeadLetterQueue(this.cloud, fn.deadLetterTargetArn, outcome);
    if (!fn.onFailureDestinationArn && !fn.deadLetterTargetArn) {
      this.cloud.record({ service: 'lambda', type: 'async.discarded', functionName: fn.functionName, requestId, condition });
    }
  }

  /** The event's age in AWS seconds (real time divided by timeScale). */
  private ageSeconds(receivedAt: number): number {
    return (Date.now() - receivedAt) / this.cloud.timeScale / 1000;
  }
}
