import { randomUUID } from 'node:crypto';
import { deferred } from './async';
import { StatesError } from './states-error';

/**
 * A Task state waiting for its token (`.waitForTaskToken`): it ends with SendTaskSuccess / SendTaskFailure,
 * or fails with States.HeartbeatTimeout when no SendTaskHeartbeat (or result) arrives within HeartbeatSeconds.
 * The heartbeat clock starts once the request was submitted (for Lambda: once the function returned).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */

/** A token names its execution, so that the service finds the task without a global registry. */
export function newTaskToken(executionArn: string): string {
  return Buffer.from(JSON.stringify({ executionArn, task: randomUUID() })).toString('base64url');
}

/** The execution a token belongs to, or undefined for a token this service did not issue. */
export function executionOfToken(token: string): string | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const executionArn = (decoded as { executionArn?: unknown }).executionArn;
    return typeof executionArn === 'string' ? executionArn : undefined;
  } catch {
    return undefined;
  }
}

export class CallbackTask {
  readonly token: string;
  /** Closed: completed, timed out, or its execution / branch ended. Later calls with the token get TaskTimedOut. */
  closed = false;
  private heartbeatTimer?: NodeJS.Timeout;
  private heartbeatStarted = false;
  private readonly outcome = deferred<unknown>();

  constructor(
    executionArn: string,
    /** Already scaled by the cloud's time scale. */
    private readonly heartbeatMs: number | undefined,
  ) {
    this.token = newTaskToken(executionArn);
    // The answer may come before the submitting request returned, i.e. before anyone awaits `result`.
    this.outcome.promise.catch(() => undefined);
  }

  get result(): Promise<unknown> {
    return this.outcome.promise;
  }

  /** The request that carries the token was submitted: from now on the task must send heartbeats. */
  startHeartbeat(): void {
    this.heartbeatStarted = true;
    this.armHeartbeat();
  }

  heartbeat(): void {
    if (this.heartbeatStarted) this.armHeartbeat();
  }

  succeed(output: unknown): void {
    this.close();
    this.outcome.resolve(output);
  }

  fail(error: string, cause: string): void {
    this.close();
    this.outcome.reject(new StatesError(error, cause));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.heartbeatTimer);
  }

  private armHeartbeat(): void {
    if (this.heartbeatMs === undefined || this.closed) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.fail('States.HeartbeatTimeout', ''), this.heartbeatMs);
  }
}
