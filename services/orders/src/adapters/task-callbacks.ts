import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Decision } from '../domain/outcomes';
import { stepFunctions } from '@shop/service-kit';

export type AnswerResult = 'sent' | 'already-closed' | 'nothing-to-send';
export type AnswerWait = (decision: Decision) => Promise<AnswerResult>;

/**
 * The wait is over when Step Functions answers these: the task was already answered, timed out, or its execution
 * ended (TaskTimedOut), or the token is unknown (InvalidToken, TaskDoesNotExist).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
 */
const CLOSED_WAIT_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Answers a saga's waiting state (SendTaskSuccess / SendTaskFailure) as the correlation decided. */
export function waitAnswerer(client: Pick<SFNClient, 'send'> = stepFunctions(), log: (message: string, details: object) => void = () => undefined): AnswerWait {
  return async (decision) => {
    if (decision.action === 'none') return 'nothing-to-send';
    try {
      if (decision.action === 'succeed') {
        await client.send(new SendTaskSuccessCommand({ taskToken: decision.taskToken, output: JSON.stringify(decision.output) }));
      } else {
        await client.send(new SendTaskFailureCommand({ taskToken: decision.taskToken, error: decision.error, cause: decision.cause }));
      }
      return 'sent';
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (!CLOSED_WAIT_ERRORS.has(name)) throw error;
      log('the wait was already over', { error: name, action: decision.action });
      return 'already-closed';
    }
  };
}
