import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
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

/** arn:aws:states:<region>:<account>:stateMachine:<machine> → arn:aws:states:<region>:<account>:execution:<machine>:<name>. */
export const executionArn = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
