import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/**
 * An error a state reports, as the engine matches it against Retry / Catch: `name` is the error name
 * (`ErrorEquals`), `message` the cause (the catcher's output is `{Error: name, Cause: message}`).
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    cause = '',
    /** Terminal errors (States.Runtime, States.DataLimitExceeded) are neither retried nor caught, not even by States.ALL. */
    private readonly terminal = false,
  ) {
    super(cause);
    this.name = error;
  }

  // Read by the engine's StateExecutor.shouldRetry / catchError.
  get isRetryable(): boolean {
    return !this.terminal;
  }

  get isCatchable(): boolean {
    return !this.terminal;
  }
}

/** Ends a Task whose execution, branch or iteration was closed under it; the engine no longer listens (one instance will do). */
export const TASK_CANCELLED = new StatesError('States.Runtime', 'The task was cancelled because its execution, branch or iteration ended', true);

/**
 * States.Timeout as the engine's own class: its Retry/Catch treat only instances of that class as a timeout
 * ("States.TaskFailed" matches every Task error except States.Timeout), and the package does not export it.
 * It is taken, on first use, from a probe Task that times out after 1 ms.
 */
let statesTimeoutClass: Promise<new () => Error> | undefined;

async function probeStatesTimeoutClass(): Promise<new () => Error> {
  const probe: StateMachineDefinition = {
    StartAt: 'Probe',
    States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } },
  };
  const run = new StateMachine(probe, { validationOptions: { noValidate: true } }).run(null, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } },
  });
  const failure = await run.result.then(
    () => undefined,
    (error: Error) => error.cause,
  );
  if (!(failure instanceof Error) || failure.name !== 'States.Timeout') throw new Error('aws-local-stepfunctions: could not obtain its States.Timeout error');
  return failure.constructor as new () => Error;
}

export async function statesTimeout(): Promise<Error> {
  statesTimeoutClass ??= probeStatesTimeoutClass();
  return new (await statesTimeoutClass)();
}
