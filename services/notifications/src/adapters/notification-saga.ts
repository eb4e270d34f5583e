import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { NotificationSaga } from '../domain/start-notification';
import { requiredEnv, stepFunctions } from '@shop/service-kit';


/** The notification state machine on Step Functions; its ARN is read per call (functions share a process locally). */
export function stepFunctionsNotificationSaga(stateMachineArn = requiredEnv('NOTIFICATION_STATE_MACHINE_ARN'), sfn: Pick<SFNClient, 'send'> = stepFunctions()): NotificationSaga {
  return {
    async start(name, input) {
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return 'started';
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists || (error as Error).name === 'ExecutionAlreadyExists') return 'exists';
        throw error;
      }
    },
    async status(name) {
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, name) }));
      return status ?? 'UNKNOWN';
    },
  };
}

/** arn:aws:states:<region>:<account>:stateMachine:<machine> → arn:aws:states:<region>:<account>:execution:<machine>:<name>. */
export const executionArn = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
