import type { StateMachine } from 'aws-local-stepfunctions';
import { deferred } from './async';
import { defined } from './history';
import { StatesError, statesTimeout, TASK_CANCELLED } from './states-error';

export type EngineRun = ReturnType<StateMachine['run']>;
export type EngineEvent = EngineRun['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/**
 * One engine run of an execution: its top level, a Parallel branch or a Map iteration. It owns what runs
 * under it (task handlers in progress, nested runs), so that ending it ends all of them.
 */
export class Run {
  /** Task handlers in progress. */
  readonly pending = new Set<AbortController>();
  readonly children = new Set<Run>();
  engine?: EngineRun;
  ended = false;
  /** The engine reported the run's end (aborting it then would only cost). */
  engineEnded = false;
  private readonly outcome = deferred<unknown>();

  constructor(
    /** The history scope of the run's events (see History). */
    readonly scope: string,
  ) {
    // Nobody awaits the outcome of a run that is aborted.
    this.outcome.promise.catch(() => undefined);
  }

  /** The run's output, or a RunFailed / cancellation. */
  get result(): Promise<unknown> {
    return this.outcome.promise;
  }

  succeed(output: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.outcome.resolve(output);
  }

  fail(error: string | undefined, cause: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.outcome.reject(new RunFailed(error, cause));
  }

  /** Ends the run and everything under it; the engine run stops at its next step. */
  abort(): void {
    if (!this.ended) {
      this.ended = true;
      this.outcome.reject(TASK_CANCELLED);
    }
    for (const controller of this.pending) controller.abort(TASK_CANCELLED);
    this.pending.clear();
    for (const child of this.children) child.abort();
    if (!this.engineEnded) this.engine?.abort();
  }
}

/** A branch or iteration failed: its Parallel / Map state fails with the same error. */
export class RunFailed extends Error {
  constructor(
    readonly error: string | undefined,
    readonly errorCause: string | undefined,
  ) {
    super(errorCause ?? '');
  }
}

/** Errors that neither Retry nor Catch (States.ALL included) handle. */
const TERMINAL_ERRORS = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/** What a Parallel / Map handler throws to the engine for a failed branch or iteration (an engine error passes as it is). */
export async function asEngineError(error: unknown): Promise<unknown> {
  if (!(error instanceof RunFailed)) return error;
  if (error.error === 'States.Timeout') return statesTimeout();
  return new StatesError(error.error ?? '', error.errorCause ?? '', TERMINAL_ERRORS.has(error.error ?? ''));
}

/**
 * The engine's failure as the execution reports it: a Fail state without Error / Cause has none (the engine
 * fills in placeholders), and the engine's predefined errors (States.Timeout...) carry their name as their only cause.
 */
export function engineFailure(error: string, cause: unknown): { error?: string; cause?: string } {
  const causeText = typeof cause === 'string' ? cause : cause === undefined ? undefined : JSON.stringify(cause);
  return defined({
    error: error === 'FailStateError' || error === '' ? undefined : error,
    cause: causeText === 'Execution failed because of a Fail state' || causeText === error ? undefined : causeText,
  });
}
