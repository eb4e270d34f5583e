import { MAX_STATUS_CHANGE_PAYLOAD_BYTES, STATUS_CHANGE_DETAIL_TYPE } from './status-events';
import { closeTestClouds, functionArn, FunctionError, testStepFunctions, type TestStepFunctions } from './test-cloud';

afterEach(closeTestClouds);

const statusChanges = (t: TestStepFunctions, executionArn: string) =>
  t.fakes.serviceEvents.filter((event) => event.detailType === STATUS_CHANGE_DETAIL_TYPE && event.detail.executionArn === executionArn);

const statusesOf = (t: TestStepFunctions, executionArn: string) => statusChanges(t, executionArn).map((event) => event.detail.status);

describe('Step Functions Execution Status Change events (Standard workflows, on the default bus)', () => {
  test('RUNNING when it starts, SUCCEEDED when it ends, each in the shape AWS sends', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Done', States: { Done: { Type: 'Pass', Result: 'Hello World!', End: true } } }, { name: 'greeter' });
    const executionArn = await t.start(arn, { who: 'ada' }, 'greet-1');
    await t.finished(executionArn);
    await t.until(() => statusChanges(t, executionArn).length === 2, 'two status changes');
    const [running, succeeded] = statusChanges(t, executionArn);
    // No EventBusName: the account's default bus. The put is the service's own (awsService), so aws.states is allowed.
    expect(running).toEqual({ source: 'aws.states', detailType: 'Step Functions Execution Status Change', resources: [executionArn], eventBusName: undefined, detail: expect.any(Object) });
    expect(running!.detail).toEqual({
      executionArn,
      stateMachineArn: arn,
      name: 'greet-1',
      status: 'RUNNING',
      startDate: expect.any(Number),
      stopDate: null,
      input: '{"who":"ada"}',
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      error: null,
      cause: null,
      stateMachineVersionArn: null,
      stateMachineAliasArn: null,
      redriveCount: 0,
      redriveDate: null,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
    });
    expect(succeeded!.detail).toMatchObject({
      status: 'SUCCEEDED',
      startDate: running!.detail.startDate,
      output: '"Hello World!"',
      outputDetails: { included: true },
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    // Epoch milliseconds, as the events carry them (the API answers seconds).
    expect(succeeded!.detail.stopDate).toBeGreaterThanOrEqual(succeeded!.detail.startDate);
    expect(succeeded!.detail.startDate).toBeGreaterThan(1e12);
  });

  test('FAILED carries the error and cause, and is REDRIVABLE', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('charge', () => {
      throw new FunctionError('ProviderDown', 'the provider is down');
    });
    const arn = await t.createMachine({ StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: functionArn('charge'), End: true } } });
    const executionArn = await t.start(arn);
    await t.finished(executionArn);
    await t.until(() => statusChanges(t, executionArn).length === 2, 'two status changes');
    expect(statusesOf(t, executionArn)).toEqual(['RUNNING', 'FAILED']);
    expect(statusChanges(t, executionArn)[1]!.detail).toMatchObject({
      status: 'FAILED',
      error: 'ProviderDown',
      cause: expect.stringContaining('the provider is down'),
      output: null,
      outputDetails: null,
      redriveStatus: 'REDRIVABLE',
      redriveStatusReason: null,
    });
  });

  test('TIMED_OUT and ABORTED', async () => {
    const t = testStepFunctions();
    const slow = await t.createMachine({ TimeoutSeconds: 1, StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 60, End: true } } });
    const timedOut = await t.start(slow);
    const stopped = await t.start(slow);
    await t.call('StopExecution', { executionArn: stopped, error: 'Operator', cause: 'stopped by hand' });
    await t.finished(timedOut);
    await t.until(() => statusChanges(t, timedOut).length === 2 && statusChanges(t, stopped).length === 2, 'the closing status changes');
    expect(statusChanges(t, timedOut)[1]!.detail).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', redriveStatus: 'REDRIVABLE' });
    expect(statusChanges(t, stopped)[1]!.detail).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped by hand', redriveStatus: 'REDRIVABLE' });
  });

  test('Express executions send none', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, { type: 'EXPRESS' });
    const { status } = await t.call('StartSyncExecution', { stateMachineArn: arn, input: '{}' });
    expect(status).toBe('SUCCEEDED');
    expect(t.fakes.serviceEvents).toEqual([]);
  });

  test('input and output past 248 KB together are left out, and inputDetails / outputDetails say so', async () => {
    const t = testStepFunctions();
    const big = (kb: number) => 'x'.repeat(kb * 1024);
    const arn = await t.createMachine({ StartAt: 'Echo', States: { Echo: { Type: 'Pass', Parameters: { 'text.$': '$.output' }, End: true } } });
    // 150 KB in, 150 KB out: each fits, not both; the output is kept.
    const both = await t.start(arn, { output: big(150) });
    // 249 KB out: the output itself is over.
    const alone = await t.start(arn, { output: big(249) });
    await t.finished(both);
    await t.finished(alone);
    await t.until(() => statusChanges(t, both).length === 2 && statusChanges(t, alone).length === 2, 'the closing status changes');
    const bothEnded = statusChanges(t, both)[1]!.detail;
    expect(bothEnded).toMatchObject({ input: null, inputDetails: { included: false }, outputDetails: { included: true } });
    expect(JSON.parse(bothEnded.output).text).toHaveLength(150 * 1024);
    expect(statusChanges(t, both)[0]!.detail).toMatchObject({ inputDetails: { included: true } });
    expect(statusChanges(t, alone)[1]!.detail).toMatchObject({ output: null, outputDetails: { included: false }, input: null, inputDetails: { included: false } });
    expect(MAX_STATUS_CHANGE_PAYLOAD_BYTES).toBe(248 * 1024);
  });

  test('a refused put is recorded and does not change the execution', async () => {
    const t = testStepFunctions();
    t.cloud.events = { putEvents: async () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'no' }] }) };
    const arn = await t.createMachine({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const executionArn = await t.start(arn);
    expect((await t.finished(executionArn)).status).toBe('SUCCEEDED');
    await t.until(() => t.activity.filter((entry) => entry.type === 'status-change.failed').length === 2, 'two refusals recorded');
    expect(t.activity.find((entry) => entry.type === 'status-change.failed')).toMatchObject({ executionArn, status: 'RUNNING', reason: 'InternalFailure: no' });
  });
});
