import { ExecutionAlreadyExists, StartExecutionCommand, StartSyncExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { requiredEnv } from './config';
import { stepFunctions } from './step-functions';

export type StartSaga = (start: { name: string; input: unknown }) => Promise<{ started: boolean }>;

/**
 * Starts a Standard execution under a deterministic name (e.g. the order's). A repeat with the same name and input while it runs succeeds
 * without a second run; once it has closed, AWS answers ExecutionAlreadyExists: the saga for this order exists, so that
 * is success too, not a failure to retry.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export function sagaStarter(stateMachineArn: string, client: Pick<SFNClient, 'send'> = stepFunctions()): StartSaga {
  return async ({ name, input }) => {
    try {
      await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { started: true };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return { started: false };
      throw error;
    }
  };
}

export const sagaStarterFromEnv = (variable: string): StartSaga => sagaStarter(requiredEnv(variable));

/** An Express execution that did not succeed, as StartSyncExecution answered it. */
export class SagaFailedError extends Error {
  override readonly name = 'SagaFailedError';
}

/**
 * Runs an Express execution to its end (StartSyncExecution: at most once, at most five minutes). Express executions
 * send no status-change events and cannot be redriven, so their failure is the caller's: an execution that did not
 * succeed throws, naming it with its status, error and cause, and the caller's retries and dead-letter queue recover
 * it. The saga must be safe to run again from its start (the name does not make a repeat harmless, as it would for a
 * Standard workflow). https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html
 */
export function syncSagaRunner(stateMachineArn: string, client: Pick<SFNClient, 'send'> = stepFunctions()): StartSaga {
  return async ({ name, input }) => {
    const { status, executionArn, error, cause } = await client.send(new StartSyncExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    if (status !== 'SUCCEEDED') throw new SagaFailedError(`saga ${executionArn ?? name} ${status}: ${error ?? 'no error'}${cause ? `: ${cause}` : ''}`);
    return { started: true };
  };
}

export const syncSagaRunnerFromEnv = (variable: string): StartSaga => syncSagaRunner(requiredEnv(variable));

/** arn:aws:states:<region>:<account>:stateMachine:<machine> → arn:aws:states:<region>:<account>:execution:<machine>:<name>. */
export const executionArn = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
