import { awsErrorOf, closeTestClouds, functionArn, FunctionError, testStepFunctions, type TestStepFunctions } from './test-cloud';

afterEach(() => {
  jest.useRealTimers();
  closeTestClouds();
});

/** A function that fails with `ProviderDown` while `broken.value`, and answers its input plus `{charged: true}` once fixed. */
function chargeFunction(t: TestStepFunctions, name = 'charge') {
  const broken = { value: true };
  t.fakes.functions.set(name, (input: object) => {
    if (broken.value) throw new FunctionError('ProviderDown', 'the provider is down');
    return { ...input, charged: true };
  });
  return broken;
}

const reserveThenCharge = {
  StartAt: 'Reserve',
  States: {
    Reserve: { Type: 'Task', Resource: functionArn('reserve'), ResultPath: '$.reserved', Next: 'Charge' },
    Charge: {
      Type: 'Task',
      Resource: functionArn('charge'),
      Retry: [{ ErrorEquals: ['ProviderDown'], IntervalSeconds: 1, MaxAttempts: 2 }],
      Next: 'Done',
    },
    Done: { Type: 'Pass', Parameters: { 'charged.$': '$.charged', 'redriveCount.$': '$$.Execution.RedriveCount' }, End: true },
  },
};

async function failedCharge(t: TestStepFunctions) {
  t.fakes.functions.set('reserve', () => 'held');
  const broken = chargeFunction(t);
  const arn = await t.createMachine(reserveThenCharge);
  const executionArn = await t.start(arn, { orderId: 'o-1' }, 'order-1');
  expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'ProviderDown' });
  return { arn, executionArn, broken };
}

describe('RedriveExecution', () => {
  test('resumes at the state that failed, with its input, keeping the history and the states that succeeded', async () => {
    const t = testStepFunctions();
    const { executionArn, broken } = await failedCharge(t);
    const before = await t.history(executionArn);
    expect(t.fakes.invocationsOf('charge')).toHaveLength(3);

    broken.value = false;
    const { redriveDate } = await t.call('RedriveExecution', { executionArn });
    expect(redriveDate).toEqual(expect.any(Number));
    const execution = await t.finished(executionArn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: '{"charged":true,"redriveCount":1}', redriveCount: 1, redriveDate, redriveStatus: 'NOT_REDRIVABLE' });
    expect(execution.error).toBeUndefined();
    // Reserve did not run again; Charge ran once more, with the input it had (Reserve's result in it), its retries from 0.
    expect(t.fakes.invocationsOf('reserve')).toHaveLength(1);
    expect(t.fakes.invocationsOf('charge').slice(3)).toEqual([{ orderId: 'o-1', reserved: 'held' }]);

    const history = await t.history(executionArn);
    expect(history.slice(0, before.length)).toEqual(before);
    const appended = history.slice(before.length);
    expect(appended.map((event) => event.type)).toEqual([
      'ExecutionRedriven',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(appended[0]).toMatchObject({ id: before.length + 1, previousEventId: before.length, executionRedrivenEventDetails: { redriveCount: 1 } });
    expect(appended[1]).toMatchObject({ previousEventId: appended[0]!.id, stateEnteredEventDetails: { name: 'Charge', input: '{"orderId":"o-1","reserved":"held"}' } });
  });

  test('sends RUNNING again with the redrive count, then the new outcome', async () => {
    const t = testStepFunctions();
    const { executionArn, broken } = await failedCharge(t);
    broken.value = false;
    await t.call('RedriveExecution', { executionArn });
    await t.finished(executionArn);
    const changes = () => t.fakes.serviceEvents.filter((event) => event.detail.executionArn === executionArn).map((event) => event.detail);
    await t.until(() => changes().length === 4, 'four status changes');
    expect(changes().map((detail) => [detail.status, detail.redriveCount])).toEqual([
      ['RUNNING', 0],
      ['FAILED', 0],
      ['RUNNING', 1],
      ['SUCCEEDED', 1],
    ]);
    const redriven = changes()[2]!;
    expect(redriven).toMatchObject({ stopDate: null, error: null, cause: null, redriveDate: expect.any(Number), redriveStatus: 'NOT_REDRIVABLE' });
    expect(redriven.startDate).toBe(changes()[0]!.startDate);
  });

  test('DescribeExecution and ListExecutions tell the redrive count, date and status', async () => {
    const t = testStepFunctions();
    const { arn, executionArn, broken } = await failedCharge(t);
    expect(await t.call('DescribeExecution', { executionArn })).toMatchObject({ redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    expect((await t.call('DescribeExecution', { executionArn })).redriveStatusReason).toBeUndefined();
    await t.call('RedriveExecution', { executionArn });
    const running = await t.call('DescribeExecution', { executionArn });
    expect(running).toMatchObject({ status: 'RUNNING', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is RUNNING and cannot be redriven' });
    expect(running.stopDate).toBeUndefined();
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', redriveCount: 1, redriveStatus: 'REDRIVABLE' });

    const other = await t.start(arn, {}, 'order-2');
    await t.finished(other);
    const names = async (redriveFilter?: string) => (await t.call('ListExecutions', { stateMachineArn: arn, redriveFilter })).executions.map((e: any) => e.name);
    expect(await names('REDRIVEN')).toEqual(['order-1']);
    expect(await names('NOT_REDRIVEN')).toEqual(['order-2']);
    expect((await t.call('ListExecutions', { stateMachineArn: arn })).executions[1]).toMatchObject({ name: 'order-1', redriveCount: 1, redriveDate: expect.any(Number) });
    expect((await awsErrorOf(t.call('ListExecutions', { stateMachineArn: arn, redriveFilter: 'SOMETIMES' }))).code).toBe('ValidationException');
    broken.value = false;
  });

  test('refuses what AWS does not redrive, with its reasons', async () => {
    const t = testStepFunctions();
    const { arn, executionArn, broken } = await failedCharge(t);
    const refusal = async (executionArn: unknown) => {
      const error = await awsErrorOf(t.call('RedriveExecution', { executionArn }));
      return `${error.code}: ${error.message}`;
    };
    await t.call('RedriveExecution', { executionArn });
    expect(await refusal(executionArn)).toBe('ExecutionNotRedrivable: Execution is RUNNING and cannot be redriven');
    broken.value = false;
    await t.finished(executionArn);
    expect(await refusal(executionArn)).toBe('ExecutionNotRedrivable: Execution is SUCCEEDED and cannot be redriven');

    expect(await refusal(`${executionArn}-none`)).toBe(`ExecutionDoesNotExist: Execution Does Not Exist: '${executionArn}-none'`);
    expect(await refusal('not-an-arn')).toBe("InvalidArn: Invalid Arn: 'not-an-arn'");
    expect((await awsErrorOf(t.call('RedriveExecution', { executionArn, clientToken: 'x'.repeat(65) }))).code).toBe('ValidationException');

    const express = await t.createMachine({ StartAt: 'Stop', States: { Stop: { Type: 'Fail', Error: 'Nope' } } }, { type: 'EXPRESS' });
    const { executionArn: expressArn } = await t.call('StartSyncExecution', { stateMachineArn: express });
    expect(await refusal(expressArn)).toBe("InvalidArn: Invalid Arn: 'Resource type not valid in this context: express'");
    expect((await awsErrorOf(t.call('StartExecution', { stateMachineArn: arn, name: 'order-1' }))).code).toBe('ExecutionAlreadyExists');
  });

  test('14 days after it stopped, or a year after it started, an execution is no longer redrivable', async () => {
    const t = testStepFunctions();
    const { executionArn } = await failedCharge(t);
    // Only Date is faked: the emulator's timers keep running.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    const day = 24 * 60 * 60 * 1000;
    const { stopDate, startDate } = await t.call('DescribeExecution', { executionArn });
    jest.setSystemTime(stopDate * 1000 + 14 * day - 1000);
    expect((await t.call('DescribeExecution', { executionArn })).redriveStatus).toBe('REDRIVABLE');
    jest.setSystemTime(stopDate * 1000 + 14 * day + 1000);
    expect(await t.call('DescribeExecution', { executionArn })).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded' });
    expect((await awsErrorOf(t.call('RedriveExecution', { executionArn }))).message).toBe('Execution redrivable period exceeded');
    jest.setSystemTime(startDate * 1000 + 366 * day);
    expect((await t.call('DescribeExecution', { executionArn })).redriveStatusReason).toBe('Execution has exceeded the max execution time');
  });

  test('the same clientToken answers the same redrive instead of redriving again', async () => {
    const t = testStepFunctions();
    const { executionArn } = await failedCharge(t);
    const first = await t.call('RedriveExecution', { executionArn, clientToken: 'redrive-1' });
    expect(await t.call('RedriveExecution', { executionArn, clientToken: 'redrive-1' })).toEqual(first);
    expect((await awsErrorOf(t.call('RedriveExecution', { executionArn, clientToken: 'redrive-2' }))).code).toBe('ExecutionNotRedrivable');
    await t.finished(executionArn);
    expect((await t.call('DescribeExecution', { executionArn })).redriveCount).toBe(1);
    expect(await t.call('RedriveExecution', { executionArn, clientToken: 'redrive-1' })).toEqual(first);
    await t.call('RedriveExecution', { executionArn, clientToken: 'redrive-2' });
    expect((await t.call('DescribeExecution', { executionArn })).redriveCount).toBe(2);
  });

  test('TIMED_OUT and ABORTED executions are redriven too; the execution timeout starts anew', async () => {
    const t = testStepFunctions();
    const broken = { value: true };
    t.fakes.functions.set('slow', () => (broken.value ? new Promise(() => undefined) : 'done'));
    const arn = await t.createMachine({ TimeoutSeconds: 2, StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: functionArn('slow'), End: true } } });
    const timedOut = await t.start(arn, {}, 'timed-out');
    const aborted = await t.start(arn, {}, 'aborted');
    await t.call('StopExecution', { executionArn: aborted });
    expect((await t.finished(timedOut)).status).toBe('TIMED_OUT');
    expect((await t.finished(aborted)).status).toBe('ABORTED');
    broken.value = false;
    await t.call('RedriveExecution', { executionArn: timedOut });
    await t.call('RedriveExecution', { executionArn: aborted });
    expect(await t.finished(timedOut)).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
    expect(await t.finished(aborted)).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
  });

  test('an execution that ended in a Fail state fails the same way again', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Check', States: { Check: { Type: 'Pass', Next: 'Declined' }, Declined: { Type: 'Fail', Error: 'PaymentDeclined', Cause: 'declined' } } });
    const executionArn = await t.start(arn);
    await t.finished(executionArn);
    await t.call('RedriveExecution', { executionArn });
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'PaymentDeclined', redriveCount: 1 });
    const types = (await t.history(executionArn)).map((event) => event.type);
    expect(types.slice(types.indexOf('ExecutionRedriven'))).toEqual(['ExecutionRedriven', 'FailStateEntered', 'ExecutionFailed']);
  });

  test('a Parallel state reruns only the branches that did not succeed; a Map only the iterations', async () => {
    const t = testStepFunctions();
    const broken = chargeFunction(t);
    t.fakes.functions.set('notify', (input: object) => ({ ...input, notified: true }));
    const arn = await t.createMachine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Notify', States: { Notify: { Type: 'Task', Resource: functionArn('notify'), End: true } } },
            { StartAt: 'ChargeIt', States: { ChargeIt: { Type: 'Task', Resource: functionArn('charge'), End: true } } },
          ],
          Next: 'Each',
        },
        Each: {
          Type: 'Map',
          ItemsPath: '$[0].items',
          // One at a time: item 2 never starts once item 1 failed.
          MaxConcurrency: 1,
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Task', Resource: functionArn('item'), End: true } } },
          End: true,
        },
      },
    });
    const failingItems = new Set([1]);
    t.fakes.functions.set('item', (n: number) => {
      if (failingItems.has(n)) throw new FunctionError('ItemBroken', `item ${n}`);
      return n * 10;
    });
    const executionArn = await t.start(arn, { items: [0, 1, 2] });
    expect((await t.finished(executionArn)).error).toBe('ProviderDown');
    expect(t.fakes.invocationsOf('notify')).toHaveLength(1);

    broken.value = false;
    await t.call('RedriveExecution', { executionArn });
    expect((await t.finished(executionArn)).error).toBe('ItemBroken');
    // The Notify branch succeeded the first time: only ChargeIt ran again.
    expect(t.fakes.invocationsOf('notify')).toHaveLength(1);
    expect(t.fakes.invocationsOf('charge')).toHaveLength(2);
    const itemCalls = () => t.fakes.invocationsOf('item');
    expect(itemCalls()).toEqual([0, 1]);

    failingItems.clear();
    await t.call('RedriveExecution', { executionArn });
    const execution = await t.finished(executionArn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 2 });
    expect(JSON.parse(execution.output)).toEqual([0, 10, 20]);
    // Item 0 succeeded before: only the iteration that failed and the one that never ran.
    expect(itemCalls().slice(2)).toEqual([1, 2]);
  });

  test('not while the state machine is being deleted', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('step', (input: { hang: boolean }) => (input.hang ? new Promise(() => undefined) : Promise.reject(new FunctionError('Broken', 'broken'))));
    const arn = await t.createMachine({ StartAt: 'Step', States: { Step: { Type: 'Task', Resource: functionArn('step'), End: true } } });
    const failed = await t.start(arn, { hang: false });
    await t.finished(failed);
    // A running execution keeps its machine DELETING (not gone) while it runs.
    const running = await t.start(arn, { hang: true });
    await t.until(() => t.sfn.getExecutionGraph(running).states.Step?.status === 'RUNNING', 'the running execution to enter Step');
    await t.call('DeleteStateMachine', { stateMachineArn: arn });
    expect(await t.call('DescribeExecution', { executionArn: failed })).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'State machine is in DELETING status' });
    expect((await awsErrorOf(t.call('RedriveExecution', { executionArn: failed }))).message).toBe('State machine is in DELETING status');
    await t.call('StopExecution', { executionArn: running });
  });
});
