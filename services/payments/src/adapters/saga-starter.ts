import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { stepFunctions } from './aws';

/**
 * Starts a Standard workflow execution under a deterministic name. A Standard workflow runs once per name: the same
 * name and input while it runs is answered as the first start, and a different input or a closed execution is
 * ExecutionAlreadyExists, which here means "already started" (the saga is idempotent per order).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export async function startSaga(
  stateMachineArn: string,
  name: string,
  input: unknown,
  client: Pick<SFNClient, 'send'> = stepFunctions(),
): Promise<{ started: boolean }> {
  try {
    await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { started: true };
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return { started: false };
    throw error;
  }
}
