import type { Cloud } from '../cloud';
import { AwsError } from '../errors';
import type { LambdaFunction } from './function-config';

/**
 * Lambda's admission of one invocation attempt: a function with ReservedConcurrentExecutions runs at most that
 * many invocations at once, and Lambda throttles the excess before any code runs
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html). Every attempt, whoever invokes, is
 * admitted here, so a refusal here is the one way the emulator throttles a function.
 */

/** What the activity record of a throttle says about the attempt. */
export interface AttemptLabel {
  functionName: string;
  requestId: string;
  invocationType: 'RequestResponse' | 'Event';
  attempt: number;
}

/** Lambda's Invoke answers a throttle with 429 TooManyRequestsException "Rate Exceeded." (API_Invoke errors). */
const throttled = () => new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429);

/** Whether an invocation refusal is Lambda's throttle or a Lambda service error (5xx), rather than a client error. */
export const isThrottleOrServiceError = (error: unknown): error is AwsError =>
  error instanceof AwsError && (error.statusCode === 429 || error.statusCode >= 500);

export class FunctionConcurrency {
  private readonly running = new Map<string, number>();

  constructor(private readonly cloud: Cloud) {}

  /**
   * Admits one attempt of `fn`, or throws TooManyRequestsException (429) before its handler runs. The returned
   * function gives the slot back when the attempt ends.
   */
  admit(fn: LambdaFunction, label: AttemptLabel): () => void {
    const running = this.running.get(fn.functionName) ?? 0;
    if (fn.reservedConcurrentExecutions !== undefined && running >= fn.reservedConcurrentExecutions) {
      this.cloud.record({ service: 'lambda', type: 'invocation.throttled', ...label, reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
      throw throttled();
    }
    this.running.set(fn.functionName, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(fn.functionName) ?? 1) - 1;
      if (left > 0) this.running.set(fn.functionName, left);
      else this.running.delete(fn.functionName);
    };
  }
}
