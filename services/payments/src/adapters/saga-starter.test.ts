import { ExecutionAlreadyExists, InvalidName } from '@aws-sdk/client-sfn';
import { startSaga } from './saga-starter';

const client = (error?: Error) => ({ send: jest.fn(async () => { if (error) throw error; return {}; }) });

describe('startSaga', () => {
  it('starts the named execution with the input as JSON', async () => {
    const sfn = client();
    expect(await startSaga('arn:sm', 'pay-1', { orderId: '1' }, sfn as any)).toEqual({ started: true });
    expect((sfn.send.mock.calls[0] as any[])[0].input).toEqual({ stateMachineArn: 'arn:sm', name: 'pay-1', input: '{"orderId":"1"}' });
  });

  it('treats ExecutionAlreadyExists as already started (the saga runs once per order)', async () => {
    const error = new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });
    expect(await startSaga('arn:sm', 'pay-1', {}, client(error) as any)).toEqual({ started: false });
  });

  it('lets any other failure fail the consumer (Lambda retries it, then the poison queue)', async () => {
    const error = new InvalidName({ message: 'bad name', $metadata: {} });
    await expect(startSaga('arn:sm', 'pay 1', {}, client(error) as any)).rejects.toBe(error);
  });
});
