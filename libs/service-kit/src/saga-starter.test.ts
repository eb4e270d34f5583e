import { ExecutionAlreadyExists, StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { SagaFailedError, sagaStarter, syncSagaRunner } from './saga-starter';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';

describe('sagaStarter', () => {
  it('starts a named execution with the input as JSON', async () => {
    const send = jest.fn(async (_command: unknown) => ({}));
    await expect(sagaStarter(ARN, { send } as never)({ name: 'reserve-1', input: { orderId: '1' } })).resolves.toEqual({ started: true });
    const command = send.mock.calls[0]![0] as StartExecutionCommand;
    expect(command).toBeInstanceOf(StartExecutionCommand);
    expect(command.input).toEqual({ stateMachineArn: ARN, name: 'reserve-1', input: '{"orderId":"1"}' });
  });

  it('treats ExecutionAlreadyExists as "this order already has its saga"', async () => {
    const send = jest.fn(async () => Promise.reject(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} })));
    await expect(sagaStarter(ARN, { send } as never)({ name: 'reserve-1', input: {} })).resolves.toEqual({ started: false });
  });

  it('lets other errors fail', async () => {
    const send = jest.fn(async () => Promise.reject(new Error('network down')));
    await expect(sagaStarter(ARN, { send } as never)({ name: 'reserve-1', input: {} })).rejects.toThrow('network down');
  });
});

describe('syncSagaRunner', () => {
  it('runs the Express execution to its end under the name, with the input as JSON', async () => {
    const send = jest.fn(async (_command: unknown) => ({ status: 'SUCCEEDED', executionArn: 'arn:x' }));
    await expect(syncSagaRunner(ARN, { send } as never)({ name: 'reserve-1', input: { orderId: '1' } })).resolves.toEqual({ started: true });
    const command = send.mock.calls[0]![0] as StartSyncExecutionCommand;
    expect(command).toBeInstanceOf(StartSyncExecutionCommand);
    expect(command.input).toEqual({ stateMachineArn: ARN, name: 'reserve-1', input: '{"orderId":"1"}' });
  });

  it('fails when the execution did not succeed, naming it with its status, error and cause', async () => {
    for (const [answer, message] of [
      [{ status: 'FAILED', executionArn: 'arn:x', error: 'ReservationFailed', cause: 'a step failed' }, 'saga arn:x FAILED: ReservationFailed: a step failed'],
      [{ status: 'TIMED_OUT', executionArn: 'arn:y', error: 'States.Timeout' }, 'saga arn:y TIMED_OUT: States.Timeout'],
    ] as const) {
      const failed = syncSagaRunner(ARN, { send: async () => answer } as never)({ name: 'reserve-1', input: {} });
      await expect(failed).rejects.toThrow(new SagaFailedError(message));
    }
  });
});
