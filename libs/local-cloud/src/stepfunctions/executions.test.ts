import { awsErrorOf, closeTestClouds, functionArn, testStepFunctions } from './test-cloud';

afterEach(closeTestClouds);

const callbackState = (next: object = { End: true }) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/approvals', MessageBody: { 'token.$': '$$.Task.Token' } },
  ...next,
});
const waitsForApproval = { StartAt: 'Approve', States: { Approve: callbackState() } };

describe('StartExecution / DescribeExecution', () => {
  test('runs the machine and describes the outcome', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('total', (order: any) => ({ total: order.lines.reduce((sum: number, line: any) => sum + line.price, 0) }));
    const arn = await t.createMachine({ StartAt: 'Total', States: { Total: { Type: 'Task', Resource: functionArn('total'), End: true } } });
    const executionArn = await t.start(arn, { lines: [{ price: 2 }, { price: 3 }] }, 'order-1');
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:machine-1:order-1');
    const execution = await t.finished(executionArn);
    expect(execution).toMatchObject({ name: 'order-1', status: 'SUCCEEDED', stateMachineArn: arn, output: '{"total":5}', input: '{"lines":[{"price":2},{"price":3}]}' });
    expect(execution.stopDate).toBeGreaterThanOrEqual(execution.startDate);
  });

  test('refuses input that is not JSON, names that are not valid, machines that do not exist', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    expect((await awsErrorOf(t.call('StartExecution', { stateMachineArn: arn, input: '{oops' }))).code).toBe('InvalidExecutionInput');
    expect((await awsErrorOf(t.call('StartExecution', { stateMachineArn: arn, name: 'a/b' }))).code).toBe('InvalidName');
    expect((await awsErrorOf(t.call('StartExecution', { stateMachineArn: `${arn}-gone` }))).code).toBe('StateMachineDoesNotExist');
    expect((await awsErrorOf(t.call('DescribeExecution', { executionArn: `${arn.replace('stateMachine', 'execution')}:nope` }))).code).toBe('ExecutionDoesNotExist');
  });

  test('the input defaults to {}', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const { executionArn } = await t.call('StartExecution', { stateMachineArn: arn });
    expect((await t.finished(executionArn)).output).toBe('{}');
  });

  test('StatesApi.startExecution (EventBridge targets) starts an execution', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const started = await t.cloud.states.startExecution({ stateMachineArn: arn, input: '{"from":"events"}' });
    expect(started.startDate).toBeInstanceOf(Date);
    expect((await t.finished(started.executionArn)).output).toBe('{"from":"events"}');
  });
});

describe('execution names (Standard)', () => {
  test('the same name and input while running answers the running execution', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(waitsForApproval);
    const first = await t.call('StartExecution', { stateMachineArn: arn, name: 'order-7', input: '{"id":7}' });
    const again = await t.call('StartExecution', { stateMachineArn: arn, name: 'order-7', input: '{"id":7}' });
    expect(again).toEqual(first);
    expect((await t.call('ListExecutions', { stateMachineArn: arn })).executions).toHaveLength(1);
  });

  test('the same name with another input is ExecutionAlreadyExists', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(waitsForApproval);
    await t.call('StartExecution', { stateMachineArn: arn, name: 'order-7', input: '{"id":7}' });
    const error = await awsErrorOf(t.call('StartExecution', { stateMachineArn: arn, name: 'order-7', input: '{"id":8}' }));
    expect(error.code).toBe('ExecutionAlreadyExists');
  });

  test('a closed execution keeps its name, whatever the input', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const executionArn = await t.start(arn, { id: 7 }, 'order-7');
    await t.finished(executionArn);
    expect((await awsErrorOf(t.start(arn, { id: 7 }, 'order-7'))).code).toBe('ExecutionAlreadyExists');
  });

  test('names are per state machine', async () => {
    const t = testStepFunctions();
    const one = await t.createMachine(waitsForApproval);
    const two = await t.createMachine(waitsForApproval);
    await t.start(one, {}, 'order-7');
    await expect(t.start(two, { other: true }, 'order-7')).resolves.toContain(':machine-2:order-7');
  });
});

describe('StopExecution', () => {
  test('aborts a running execution with the given error and cause; its token is then timed out', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(waitsForApproval);
    const executionArn = await t.start(arn);
    const token = await t.tokenOf(executionArn, 'Approve');
    const { stopDate } = await t.call('StopExecution', { executionArn, error: 'Cancelled', cause: 'customer asked' });
    expect(typeof stopDate).toBe('number');
    expect(await t.call('DescribeExecution', { executionArn })).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'customer asked' });
    const events = await t.history(executionArn);
    expect(events[events.length - 1]).toMatchObject({ type: 'ExecutionAborted', previousEventId: 0, executionAbortedEventDetails: { error: 'Cancelled', cause: 'customer asked' } });
    expect((await awsErrorOf(t.call('SendTaskSuccess', { taskToken: token, output: '{}' }))).code).toBe('TaskTimedOut');
  });

  test('without error and cause, DescribeExecution leaves them out', async () => {
    const t = testStepFunctions();
    const executionArn = await t.start(await t.createMachine(waitsForApproval));
    await t.call('StopExecution', { executionArn });
    const execution = await t.call('DescribeExecution', { executionArn });
    expect(execution.status).toBe('ABORTED');
    expect(execution).not.toHaveProperty('error');
    expect((await t.history(executionArn)).pop()).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: {} });
  });

  test('stops a Wait state: nothing after it runs', async () => {
    const t = testStepFunctions(1);
    t.fakes.functions.set('after', () => 'ran');
    const arn = await t.createMachine({
      StartAt: 'Pause',
      States: { Pause: { Type: 'Wait', Seconds: 3600, Next: 'After' }, After: { Type: 'Task', Resource: functionArn('after'), End: true } },
    });
    const executionArn = await t.start(arn);
    await t.until(() => t.sfn.getExecutionGraph(executionArn).states.Pause?.status === 'RUNNING', 'the wait');
    await t.call('StopExecution', { executionArn });
    expect((await t.finished(executionArn)).status).toBe('ABORTED');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.fakes.invocationsOf('after')).toEqual([]);
  });
});

describe('Express state machines', () => {
  const express = { StartAt: 'Check', States: { Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Yes' }], Default: 'No' }, Yes: { Type: 'Pass', Result: 'accepted', End: true }, No: { Type: 'Fail', Error: 'Rejected', Cause: 'not ok' } } };

  test('StartSyncExecution answers the outcome', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(express, { type: 'EXPRESS' });
    const succeeded = await t.call('StartSyncExecution', { stateMachineArn: arn, input: '{"ok":true}', name: 'sync-1' });
    expect(succeeded).toMatchObject({ status: 'SUCCEEDED', output: '"accepted"', name: 'sync-1', stateMachineArn: arn, input: '{"ok":true}' });
    expect(succeeded.executionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:express:machine-1:sync-1:[0-9a-f-]{36}$/);
    expect(succeeded.billingDetails.billedDurationInMilliseconds).toBeGreaterThanOrEqual(100);
    const failed = await t.call('StartSyncExecution', { stateMachineArn: arn, input: '{"ok":false}' });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'not ok' });
    expect(failed).not.toHaveProperty('output');
  });

  test('the usage meter counts each Express request, its transitions and the duration StartSyncExecution bills', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(express, { type: 'EXPRESS' });
    const { billingDetails } = await t.call('StartSyncExecution', { stateMachineArn: arn, input: '{"ok":true}' });
    expect(t.cloud.usage.snapshot().states['machine-1']).toEqual({
      type: 'EXPRESS',
      executions: 1,
      transitions: 2,
      byState: { Check: 1, Yes: 1 },
      billedMs: billingDetails.billedDurationInMilliseconds,
    });
  });

  test('the usage meter counts a retry as a transition of its state', async () => {
    const t = testStepFunctions();
    let calls = 0;
    t.fakes.functions.set('flaky', () => {
      if (++calls < 3) throw new Error('not yet');
      return { ok: true };
    });
    const retried = { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: functionArn('flaky'), Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3 }], End: true } } };
    const machine = await t.createMachine(retried);
    await t.finished(await t.start(machine, {}, 'retried-1'));
    expect(t.cloud.usage.snapshot().states['machine-1']).toMatchObject({ type: 'STANDARD', executions: 1, transitions: 3, byState: { Call: 3 } });
  });

  test('Express names are not unique, and the execution APIs of Standard workflows are refused', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(express, { type: 'EXPRESS' });
    const one = await t.call('StartSyncExecution', { stateMachineArn: arn, name: 'same', input: '{"ok":true}' });
    const two = await t.call('StartSyncExecution', { stateMachineArn: arn, name: 'same', input: '{"ok":true}' });
    expect(two.executionArn).not.toBe(one.executionArn);
    expect((await awsErrorOf(t.call('ListExecutions', { stateMachineArn: arn }))).code).toBe('StateMachineTypeNotSupported');
    for (const operation of ['DescribeExecution', 'GetExecutionHistory', 'StopExecution', 'DescribeStateMachineForExecution', 'RedriveExecution']) {
      const error = await awsErrorOf(t.call(operation, { executionArn: one.executionArn }));
      expect(`${operation}: ${error.code}: ${error.message}`).toBe(`${operation}: InvalidArn: Invalid Arn: 'Resource type not valid in this context: express'`);
    }
    expect(t.sfn.getExecutionGraph(one.executionArn).status).toBe('SUCCEEDED');
  });

  test('a StartExecution with a name already used starts another execution, and is not refused', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(express, { type: 'EXPRESS' });
    const one = await t.start(arn, { ok: true }, 'order-1');
    const two = await t.start(arn, { ok: false }, 'order-1');
    expect(two).not.toBe(one);
    await t.until(() => t.sfn.getExecutionGraph(two).status !== 'RUNNING', 'the second execution');
    expect(t.sfn.getExecutionGraph(one).status).toBe('SUCCEEDED');
    expect(t.sfn.getExecutionGraph(two)).toMatchObject({ name: 'order-1', status: 'FAILED', error: 'Rejected' });
  });

  test('at-least-once: with the fault plan, an asynchronous start may run twice; a synchronous one never does', async () => {
    const t = testStepFunctions();
    t.cloud.faults.set({ duplicate: { rate: 1, scope: 'counted' } });
    t.fakes.functions.set('count', (event) => event);
    const arn = await t.createMachine({ StartAt: 'Count', States: { Count: { Type: 'Task', Resource: functionArn('count'), End: true } } }, { type: 'EXPRESS', name: 'counted' });
    const executionArn = await t.start(arn, { n: 1 }, 'twice');
    await t.until(() => t.fakes.invocationsOf('count').length === 2, 'two runs');
    expect(t.fakes.invocationsOf('count')).toEqual([{ n: 1 }, { n: 1 }]);
    const injected = t.activity.filter((entry) => entry.type === 'fault.injected');
    expect(injected).toEqual([expect.objectContaining({ fault: 'duplicate', variant: 'express-execution', executionArn })]);
    const sync = await t.call('StartSyncExecution', { stateMachineArn: arn, input: '{"n":2}' });
    expect(sync.status).toBe('SUCCEEDED');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.fakes.invocationsOf('count').filter((event) => event.n === 2)).toHaveLength(1);
  });

  test('the five-minute limit: an execution still running after 300 s is TIMED_OUT, whatever its TimeoutSeconds', async () => {
    // At 0.02, 300 s last 6 s (above the 5 s of real time the limit keeps under any scale); the Wait 8 s.
    const t = testStepFunctions(0.02);
    const slow = (TimeoutSeconds?: number) => ({ ...(TimeoutSeconds && { TimeoutSeconds }), StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 400, End: true } } });
    const machines = [await t.createMachine(slow(), { type: 'EXPRESS' }), await t.createMachine(slow(3600), { type: 'EXPRESS' })];
    const standard = await t.start(await t.createMachine(slow()));
    const answers = await Promise.all(machines.map((stateMachineArn) => t.call('StartSyncExecution', { stateMachineArn })));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
      expect(answer.stopDate - answer.startDate).toBeGreaterThanOrEqual(6);
      expect(answer.stopDate - answer.startDate).toBeLessThan(8);
    }
    expect((await t.finished(standard)).status).toBe('SUCCEEDED');
    const shorter = await t.createMachine(slow(60), { type: 'EXPRESS' });
    expect(await t.call('StartSyncExecution', { stateMachineArn: shorter })).toMatchObject({ status: 'TIMED_OUT' });
  });

  test('under a strong time scale the limit, and a shorter TimeoutSeconds, still leave 5 s of real time for the work', async () => {
    const t = testStepFunctions(0.001);
    const wait = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 1000, End: true } } };
    // 1000 s scaled is 1 s: past 300 s (0.3 s) and 120 s (0.12 s) of AWS time, within the 5 s floor.
    for (const definition of [wait, { ...wait, TimeoutSeconds: 120 }]) {
      const arn = await t.createMachine(definition, { type: 'EXPRESS' });
      expect(await t.call('StartSyncExecution', { stateMachineArn: arn })).toMatchObject({ status: 'SUCCEEDED' });
    }
  });

  test('StartSyncExecution refuses a Standard machine', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(express);
    expect((await awsErrorOf(t.call('StartSyncExecution', { stateMachineArn: arn }))).code).toBe('StateMachineTypeNotSupported');
  });
});

describe('ListExecutions', () => {
  test('filters by status and pages, most recent first', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Check', States: { Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Yes' }], Default: 'No' }, Yes: { Type: 'Succeed' }, No: { Type: 'Fail' } } });
    for (const [name, ok] of [['a', true], ['b', false], ['c', true], ['d', true]] as const) await t.finished(await t.start(arn, { ok }, name));
    const succeeded = await t.call('ListExecutions', { stateMachineArn: arn, statusFilter: 'SUCCEEDED', maxResults: 2 });
    expect(succeeded.executions.map((execution: any) => execution.name)).toEqual(['d', 'c']);
    const rest = await t.call('ListExecutions', { stateMachineArn: arn, statusFilter: 'SUCCEEDED', maxResults: 2, nextToken: succeeded.nextToken });
    expect(rest.executions.map((execution: any) => execution.name)).toEqual(['a']);
    expect(rest.nextToken).toBeUndefined();
    const failed = await t.call('ListExecutions', { stateMachineArn: arn, statusFilter: 'FAILED' });
    expect(failed.executions).toEqual([expect.objectContaining({ name: 'b', status: 'FAILED', stopDate: expect.any(Number) })]);
    expect((await awsErrorOf(t.call('ListExecutions', { stateMachineArn: arn, statusFilter: 'DONE' }))).code).toBe('ValidationException');
  });
});

describe('GetExecutionHistory', () => {
  test('events in order, each linked to its predecessor', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('reserve', () => ({ reserved: true }));
    const arn = await t.createMachine({
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { sku: 'a' }, Next: 'Reserve' },
        Reserve: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'reserve', 'Payload.$': '$' }, OutputPath: '$.Payload', Next: 'Reserved?' },
        'Reserved?': { Type: 'Choice', Choices: [{ Variable: '$.reserved', BooleanEquals: true, Next: 'Done' }] },
        Done: { Type: 'Succeed' },
      },
    });
    const executionArn = await t.start(arn);
    await t.finished(executionArn);
    const events = await t.history(executionArn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((event) => event.id)).toEqual(events.map((_event, i) => i + 1));
    expect(events.map((event) => event.previousEventId)).toEqual([0, 0, ...events.slice(1, -1).map((event) => event.id)]);
    expect(events[4].taskScheduledEventDetails).toEqual({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', parameters: '{"FunctionName":"reserve","Payload":{"sku":"a"}}' });
    expect(events[7].stateExitedEventDetails).toEqual({ name: 'Reserve', output: '{"reserved":true}', outputDetails: { truncated: false } });
    expect(typeof events[0].timestamp).toBe('number');
  });

  test('pages forwards and backwards, with or without execution data', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } });
    const executionArn = await t.start(arn, { secret: 1 });
    await t.finished(executionArn);
    const first = await t.call('GetExecutionHistory', { executionArn, maxResults: 4 });
    const second = await t.call('GetExecutionHistory', { executionArn, maxResults: 4, nextToken: first.nextToken });
    expect([...first.events, ...second.events].map((event: any) => event.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const reversed = await t.call('GetExecutionHistory', { executionArn, reverseOrder: true, maxResults: 2 });
    expect(reversed.events.map((event: any) => event.type)).toEqual(['ExecutionSucceeded', 'PassStateExited']);
    const withoutData = await t.call('GetExecutionHistory', { executionArn, includeExecutionData: false });
    expect(withoutData.events[0].executionStartedEventDetails).toEqual({ roleArn: expect.any(String) });
    expect(withoutData.events[1].stateEnteredEventDetails).toEqual({ name: 'A' });
  });

  test('Parallel and Map states as AWS records them', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
            { StartAt: 'Each', States: { Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } }, End: true } } },
          ],
          End: true,
        },
      },
    });
    const executionArn = await t.start(arn, { items: [1, 2] });
    expect((await t.finished(executionArn)).output).toBe('[{"items":[1,2]},[1,2]]');
    const events = await t.history(executionArn);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted']);
    expect(types.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
    const mapStarted = events.find((event) => event.type === 'MapStateStarted');
    expect(mapStarted.mapStateStartedEventDetails).toEqual({ length: 2 });
    expect(events.filter((event) => event.type === 'MapIterationStarted').map((event) => event.mapIterationStartedEventDetails)).toEqual([
      { name: 'Each', index: 0 },
      { name: 'Each', index: 1 },
    ]);
    expect(types.indexOf('MapStateEntered')).toBeLessThan(types.indexOf('MapStateStarted'));
    expect(types.lastIndexOf('MapIterationSucceeded')).toBeLessThan(types.indexOf('MapStateSucceeded'));
    expect(types.indexOf('MapStateSucceeded')).toBeLessThan(types.indexOf('MapStateExited'));
    // The first event of each branch follows ParallelStateStarted, not the other branch's events.
    const parallelStarted = events.find((event) => event.type === 'ParallelStateStarted');
    const left = events.find((event) => event.stateEnteredEventDetails?.name === 'Left');
    const each = events.find((event) => event.stateEnteredEventDetails?.name === 'Each');
    expect([left.previousEventId, each.previousEventId]).toEqual([parallelStarted.id, parallelStarted.id]);
  });
});

describe('time', () => {
  test('Wait states are scaled by the cloud time scale, whichever field sets them', async () => {
    const t = testStepFunctions(0.0001);
    const hourLater = new Date(Date.now() + 3_600_000).toISOString();
    const arn = await t.createMachine({
      StartAt: 'Seconds',
      States: {
        Seconds: { Type: 'Wait', Seconds: 3600, Next: 'SecondsPath' },
        SecondsPath: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Timestamp' },
        Timestamp: { Type: 'Wait', Timestamp: hourLater, Next: 'TimestampPath' },
        TimestampPath: { Type: 'Wait', TimestampPath: '$.until', InputPath: '$', End: true },
      },
    });
    // An hour each at AWS speed: 0.36 s each at this scale.
    const executionArn = await t.start(arn, { delay: 3600, until: hourLater });
    const execution = await t.finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output)).toEqual({ delay: 3600, until: hourLater });
    expect((await t.history(executionArn)).filter((event) => event.type === 'WaitStateEntered')).toHaveLength(4);
  });

  test('a SecondsPath that is not a number fails the execution with States.Runtime', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Pause', States: { Pause: { Type: 'Wait', SecondsPath: '$.delay', End: true } } });
    expect(await t.finished(await t.start(arn, { delay: 'soon' }))).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  test('the execution TimeoutSeconds ends it TIMED_OUT', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ TimeoutSeconds: 5, ...waitsForApproval });
    const executionArn = await t.start(arn);
    expect(await t.finished(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect((await t.history(executionArn)).pop()).toMatchObject({ type: 'ExecutionTimedOut', previousEventId: 0, executionTimedOutEventDetails: { error: 'States.Timeout' } });
  });
});

describe('context object', () => {
  test('$$.Execution, $$.StateMachine and $$.State, also inside Parallel branches and Map iterations', async () => {
    const t = testStepFunctions();
    const context = { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'input.$': '$$.Execution.Input', 'machine.$': '$$.StateMachine.Name', 'state.$': '$$.State.Name' };
    const arn = await t.createMachine({
      StartAt: 'Top',
      States: {
        Top: { Type: 'Pass', Parameters: context, ResultPath: '$.top', Next: 'Fan' },
        Fan: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'InBranch', States: { InBranch: { Type: 'Pass', Parameters: context, End: true } } }],
          ResultPath: '$.branch',
          Next: 'Each',
        },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
          ItemProcessor: { StartAt: 'InMap', States: { InMap: { Type: 'Pass', Parameters: { 'item.$': '$', 'label.$': "States.Format('{} of {}', $$.State.Name, $$.Execution.Name)" }, End: true } } },
          ResultPath: '$.map',
          End: true,
        },
      },
    });
    const executionArn = await t.start(arn, { items: ['x'] }, 'ctx-1');
    const output = JSON.parse((await t.finished(executionArn)).output);
    const expected = { id: executionArn, name: 'ctx-1', input: { items: ['x'] }, machine: 'machine-1' };
    expect(output.top).toEqual({ ...expected, state: 'Top' });
    expect(output.branch).toEqual([{ ...expected, state: 'InBranch' }]);
    expect(output.map).toEqual([{ item: { value: 'x', index: 0 }, label: 'InMap of ctx-1' }]);
  });
});

describe('context object, continued', () => {
  test('only the values of ".$" fields are paths: literals that look like paths stay as written', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({
      StartAt: 'Literal',
      States: {
        Literal: { Type: 'Pass', Parameters: { path: '$$.Execution.Id', 'nested.$': '$.value' }, ResultPath: '$.parameters', Next: 'Result' },
        Result: { Type: 'Pass', Result: { 'name.$': '$$.State.Name' }, ResultPath: '$.result', End: true },
      },
    });
    const output = JSON.parse((await t.finished(await t.start(arn, { value: 1 }))).output);
    expect(output).toEqual({ value: 1, parameters: { path: '$$.Execution.Id', nested: 1 }, result: { 'name.$': '$$.State.Name' } });
  });

  test('$$.Task.Token outside a waitForTaskToken state does not resolve: States.Runtime', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('f', () => 1);
    const arn = await t.createMachine({
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f', Payload: { 'token.$': '$$.Task.Token' } }, End: true } },
    });
    expect(await t.finished(await t.start(arn))).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(t.fakes.invocations).toEqual([]);
  });
});

describe('quotas', () => {
  test('a state output above 256 KiB fails the execution with States.DataLimitExceeded, which no Catch takes', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('huge', () => 'x'.repeat(300_000));
    const arn = await t.createMachine({
      StartAt: 'Huge',
      States: { Huge: { Type: 'Task', Resource: functionArn('huge'), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true }, Caught: { Type: 'Succeed' } },
    });
    expect(await t.finished(await t.start(arn))).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });
});

describe('dashboard view', () => {
  test('getExecutionGraph has the definition and each state status; activity tells what happened', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Approve', States: { Approve: callbackState({ Next: 'Ship' }), Ship: { Type: 'Pass', End: true }, Never: { Type: 'Fail' } } }).catch(() => undefined);
    expect(arn).toBeUndefined(); // "Never" is unreachable: refused
    const machine = await t.createMachine({ StartAt: 'Approve', States: { Approve: callbackState({ Next: 'Ship' }), Ship: { Type: 'Pass', End: true } } });
    const executionArn = await t.start(machine, { order: 1 });
    const token = await t.tokenOf(executionArn, 'Approve');
    const waiting = t.sfn.getExecutionGraph(executionArn);
    expect(waiting).toMatchObject({ status: 'RUNNING', states: { Approve: { type: 'Task', status: 'WAITING', entered: 1, input: '{"order":1}', taskToken: token }, Ship: { status: 'NOT_STARTED' } } });
    expect((waiting.definition as any).StartAt).toBe('Approve');
    await t.call('SendTaskSuccess', { taskToken: token, output: '{"approved":true}' });
    await t.finished(executionArn);
    expect(t.sfn.getExecutionGraph(executionArn).states).toMatchObject({ Approve: { status: 'SUCCEEDED', output: '{"approved":true}' }, Ship: { status: 'SUCCEEDED' } });
    const mine = t.activity.filter((entry) => entry.executionArn === executionArn);
    expect(mine.map((entry) => [entry.type, entry.stateName])).toEqual([
      ['execution.started', undefined],
      ['state.entered', 'Approve'],
      ['task.scheduled', 'Approve'],
      ['task.started', 'Approve'],
      ['task.submitted', 'Approve'],
      ['task.succeeded', 'Approve'],
      ['state.exited', 'Approve'],
      ['state.entered', 'Ship'],
      ['state.exited', 'Ship'],
      ['execution.succeeded', undefined],
    ]);
    expect(mine.every((entry) => entry.service === 'states' && entry.stateMachineArn === machine)).toBe(true);
  });
});
