import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import { executionArn, requiredEnv, sagaStarter, stepFunctions } from '@shop/service-kit';

export interface OrderSagaInput {
  orderId: string;
  /** How long the saga waits for each outcome (TimeoutSecondsPath of its waiting states). */
  outcomeTimeoutSeconds: number;
}

export type StartOrderSaga = (input: OrderSagaInput) => Promise<void>;

/** StartExecution failed and no execution of the order's name exists: the saga surely did not start. */
export class SagaNotStartedError extends Error {
  override readonly name = 'SagaNotStartedError';
}

/**
 * One Standard execution per order, named after it: a repeated start with the same name and input is not a second
 * run. https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 * A failed start may still have started the execution (its answer was lost), so the name is looked up before
 * answering SagaNotStartedError; when that lookup fails too, whether the saga runs is unknown (another error).
 */
export function orderSagaStarter(stateMachineArn: string, client: Pick<SFNClient, 'send'> = stepFunctions()): StartOrderSaga {
  const start = sagaStarter(stateMachineArn, client);
  return async (input) => {
    try {
      await start({ name: input.orderId, input });
    } catch (error) {
      const failure = (error as Error).message;
      let exists: boolean;
      try {
        exists = await executionExists(client, executionArn(stateMachineArn, input.orderId));
      } catch (lookup) {
        throw new Error(`whether the order saga started is unknown: StartExecution failed (${failure}), then DescribeExecution (${(lookup as Error).message})`, { cause: lookup });
      }
      if (!exists) throw new SagaNotStartedError(`the order saga could not be started: ${failure}`, { cause: error });
    }
  };
}

async function executionExists(client: Pick<SFNClient, 'send'>, arn: string): Promise<boolean> {
  try {
    await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    return true;
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return false;
    throw error;
  }
}

export const orderSagaStarterFromEnv = (): StartOrderSaga => orderSagaStarter(requiredEnv('ORDER_STATE_MACHINE_ARN'));
