import { executionName, retryExecutionName, type NotificationRequest } from './notification-request';
import { startNotification, type NotificationSaga } from './start-notification';

const request: NotificationRequest = {
  orderId: '0c5e8f7a-3b2d-4c1e-9f8a-7b6c5d4e3f2a', outcome: 'CANCELLED', template: 'PAYMENT_FAILED', customerId: 'cust-7', recipient: 'grace@example.com',
  reason: 'DECLINED', cause: { metadata: { id: 'evt-2', correlationId: 'c' } },
};
const name = executionName(request.orderId, 'CANCELLED');
const retryName = retryExecutionName(request.orderId, 'CANCELLED', 'evt-2');

/** Step Functions as far as names go: a name is taken once; each execution has a status. */
function fakeSaga(existing: Record<string, string> = {}) {
  const executions = new Map(Object.entries(existing));
  const started: string[] = [];
  const saga: NotificationSaga = {
    async start(n) {
      if (executions.has(n)) return 'exists';
      executions.set(n, 'RUNNING');
      started.push(n);
      return 'started';
    },
    async status(n) {
      return executions.get(n)!;
    },
  };
  return { saga, started };
}

describe('startNotification', () => {
  it('starts the outcome execution', async () => {
    const { saga, started } = fakeSaga();
    await expect(startNotification(request, saga)).resolves.toEqual({ execution: name, started: true });
    expect(started).toEqual([name]);
  });

  it.each(['RUNNING', 'SUCCEEDED', 'PENDING_REDRIVE'])('treats a taken name whose execution is %s as already notified', async (status) => {
    const { saga, started } = fakeSaga({ [name]: status });
    await expect(startNotification(request, saga)).resolves.toEqual({ execution: name, started: false, reason: 'ALREADY_NOTIFIED' });
    expect(started).toEqual([]);
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])('starts one more attempt, named after this event, when the execution %s', async (status) => {
    const { saga, started } = fakeSaga({ [name]: status });
    await expect(startNotification(request, saga)).resolves.toEqual({ execution: retryName, started: true });
    expect(started).toEqual([retryName]);
  });

  it('starts nothing when this event already started its attempt', async () => {
    const { saga, started } = fakeSaga({ [name]: 'FAILED', [retryName]: 'FAILED' });
    await expect(startNotification(request, saga)).resolves.toEqual({ execution: retryName, started: false, reason: 'ALREADY_NOTIFIED' });
    expect(started).toEqual([]);
  });

  it('lets a Step Functions failure fail the consumer (Lambda retries it, then PoisonEventsQueue)', async () => {
    const saga: NotificationSaga = { start: async () => { throw new Error('ServiceUnavailable'); }, status: async () => 'RUNNING' };
    await expect(startNotification(request, saga)).rejects.toThrow('ServiceUnavailable');
  });
});
