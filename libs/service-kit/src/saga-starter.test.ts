import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sagaStarter } from './saga-starter';

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
