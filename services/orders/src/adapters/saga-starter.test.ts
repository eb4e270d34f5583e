import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { orderSagaStarter, SagaNotStartedError } from './saga-starter';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:shop-orders-dev-order';
const input = { orderId: '3f1c2a9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b', outcomeTimeoutSeconds: 300 };

/** A Step Functions client double: StartExecution and DescribeExecution each answer (or fail) as told. */
function sfn(answers: { start: unknown; describe?: unknown }) {
  const sent: string[] = [];
  const send = async (command: StartExecutionCommand | DescribeExecutionCommand) => {
    sent.push(command instanceof StartExecutionCommand ? `start ${command.input.name}` : `describe ${(command.input as { executionArn: string }).executionArn}`);
    const answer = command instanceof StartExecutionCommand ? answers.start : answers.describe;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { sent, client: { send } as never };
}
const executionArn = `arn:aws:states:us-east-1:000000000000:execution:shop-orders-dev-order:${input.orderId}`;

describe('orderSagaStarter', () => {
  it('starts the execution named after the order', async () => {
    const { sent, client } = sfn({ start: {} });
    await orderSagaStarter(MACHINE, client)(input);
    expect(sent).toEqual([`start ${input.orderId}`]);
  });

  it('a failed start whose execution exists all the same (its answer was lost) is a start', async () => {
    const { sent, client } = sfn({ start: new Error('socket hang up'), describe: { status: 'RUNNING' } });
    await expect(orderSagaStarter(MACHINE, client)(input)).resolves.toBeUndefined();
    expect(sent).toEqual([`start ${input.orderId}`, `describe ${executionArn}`]);
  });

  it('a failed start with no execution of that name is SagaNotStartedError', async () => {
    const { client } = sfn({ start: new Error('Rate exceeded'), describe: new ExecutionDoesNotExist({ message: 'no', $metadata: {} }) });
    const started = orderSagaStarter(MACHINE, client)(input);
    await expect(started).rejects.toThrow(SagaNotStartedError);
    await expect(started).rejects.toThrow('the order saga could not be started: Rate exceeded');
  });

  it('when the lookup fails too, whether it started is unknown: another error, naming both failures', async () => {
    const { client } = sfn({ start: new Error('Rate exceeded'), describe: new Error('connect ECONNREFUSED') });
    const started = orderSagaStarter(MACHINE, client)(input);
    await expect(started).rejects.not.toThrow(SagaNotStartedError);
    await expect(started).rejects.toThrow('whether the order saga started is unknown: StartExecution failed (Rate exceeded), then DescribeExecution (connect ECONNREFUSED)');
  });
});
