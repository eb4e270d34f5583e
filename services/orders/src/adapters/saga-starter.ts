import type { SFNClient } from '@aws-sdk/client-sfn';
import { requiredEnv, sagaStarter } from '@shop/service-kit';

export interface OrderSagaInput {
  orderId: string;
  /** How long the saga waits for each outcome (TimeoutSecondsPath of its waiting states). */
  outcomeTimeoutSeconds: number;
}

export type StartOrderSaga = (input: OrderSagaInput) => Promise<void>;

/**
 * One Standard execution per order, named after it: a repeated start with the same name and input is not a second
 * run. https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export function orderSagaStarter(stateMachineArn: string, client?: Pick<SFNClient, 'send'>): StartOrderSaga {
  const start = sagaStarter(stateMachineArn, client);
  return async (input) => {
    await start({ name: input.orderId, input });
  };
}

export const orderSagaStarterFromEnv = (): StartOrderSaga => orderSagaStarter(requiredEnv('ORDER_STATE_MACHINE_ARN'));
