import { closeTestClouds, FunctionError, functionArn, testStepFunctions } from './test-cloud';

afterEach(closeTestClouds);

const invoke = (functionName: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: functionName, 'Payload.$': '$' },
  ResultSelector: { 'result.$': '$.Payload' },
  ...extra,
});

describe('a saga: Catch → compensate → Fail', () => {
  const saga = {
    StartAt: 'ReserveStock',
    States: {
      ReserveStock: invoke('reserve', { ResultPath: '$.reservation', Next: 'ChargeCard' }),
      ChargeCard: invoke('charge', { ResultPath: '$.payment', Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.failure', Next: 'ReleaseStock' }], Next: 'Confirmed' }),
      ReleaseStock: invoke('release', { ResultPath: null, Next: 'OrderFailed' }),
      OrderFailed: { Type: 'Fail', Error: 'OrderFailed', Cause: 'the payment was declined; the stock was released' },
      Confirmed: { Type: 'Succeed' },
    },
  };

  test('a declined payment releases the stock and fails the execution', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('reserve', () => ({ reservationId: 'r-1' }));
    t.fakes.functions.set('charge', () => {
      throw new FunctionError('PaymentDeclined', 'insufficient funds');
    });
    t.fakes.functions.set('release', () => ({ released: true }));
    const arn = await t.createMachine(saga);
    const executionArn = await t.start(arn, { orderId: 'o-1' });
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'OrderFailed', cause: 'the payment was declined; the stock was released' });
    const [release] = t.fakes.invocationsOf('release');
    expect(release).toEqual({
      orderId: 'o-1',
      reservation: { result: { reservationId: 'r-1' } },
      failure: { Error: 'PaymentDeclined', Cause: JSON.stringify({ errorType: 'PaymentDeclined', errorMessage: 'insufficient funds', trace: [] }) },
    });
    const types = (await t.history(executionArn)).map((event) => event.type);
    expect(types.slice(-12)).toEqual([
      'TaskStateEntered', // ChargeCard
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited', // ChargeCard, caught
      'TaskStateEntered', // ReleaseStock
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    const failed = (await t.history(executionArn)).find((event) => event.type === 'TaskFailed');
    expect(failed.taskFailedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'PaymentDeclined' });
    expect(t.sfn.getExecutionGraph(executionArn).states).toMatchObject({ ChargeCard: { status: 'CAUGHT' }, ReleaseStock: { status: 'SUCCEEDED' }, OrderFailed: { status: 'FAILED' }, Confirmed: { status: 'NOT_STARTED' } });
  });

  test('a successful payment confirms without compensating', async () => {
    const t = testStepFunctions();
    for (const name of ['reserve', 'charge', 'release']) t.fakes.functions.set(name, () => ({ ok: name }));
    const executionArn = await t.start(await t.createMachine(saga), { orderId: 'o-2' });
    expect((await t.finished(executionArn)).status).toBe('SUCCEEDED');
    expect(t.fakes.invocationsOf('release')).toEqual([]);
  });

  test('an error the Catch does not name fails the execution with that error', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('reserve', () => ({}));
    t.fakes.functions.set('charge', () => {
      throw new FunctionError('GatewayDown', 'try later');
    });
    const executionArn = await t.start(await t.createMachine(saga));
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'GatewayDown' });
    expect(t.fakes.invocationsOf('release')).toEqual([]);
  });
});

describe('Retry', () => {
  test('a Lambda error is retried, then the function succeeds', async () => {
    const t = testStepFunctions();
    let calls = 0;
    t.fakes.functions.set('flaky', () => {
      calls += 1;
      if (calls < 3) throw new FunctionError('Lambda.TooManyRequestsException', 'Rate exceeded');
      return { attempt: calls };
    });
    const arn = await t.createMachine({
      StartAt: 'Call',
      // 30 s then 60 s at AWS speed: the test only ends in time because the intervals are scaled.
      States: { Call: invoke('flaky', { Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 3 }], End: true }) },
    });
    const executionArn = await t.start(arn);
    expect(await t.finished(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"result":{"attempt":3}}' });
    const taskEvents = (await t.history(executionArn)).map((event) => event.type).filter((type) => type.startsWith('Task') && !type.startsWith('TaskState'));
    expect(taskEvents).toEqual(['TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded']);
    expect(t.sfn.getExecutionGraph(executionArn).states.Call).toMatchObject({ status: 'SUCCEEDED', retries: 2 });
  });

  test('after MaxAttempts the error goes on to Catch', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('broken', () => {
      throw new FunctionError('Boom', 'always');
    });
    const arn = await t.createMachine({
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: functionArn('broken'), Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['Boom'], Next: 'Handled' }], End: true },
        Handled: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await t.start(arn);
    const execution = await t.finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output).Error).toBe('Boom');
    expect(t.fakes.invocationsOf('broken')).toHaveLength(3);
    expect((await t.history(executionArn)).filter((event) => event.type === 'LambdaFunctionFailed')).toHaveLength(3);
  });
});

describe('Lambda error names', () => {
  const catchAll = (resource: object) => ({
    StartAt: 'Call',
    States: { Call: { ...resource, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true }, Caught: { Type: 'Pass', End: true } },
  });

  test('a missing function is Lambda.ResourceNotFoundException, with the cause Step Functions writes', async () => {
    const t = testStepFunctions();
    const executionArn = await t.start(await t.createMachine(catchAll(invoke('missing'))));
    const caught = JSON.parse((await t.finished(executionArn)).output);
    expect(caught.Error).toBe('Lambda.ResourceNotFoundException');
    expect(caught.Cause).toMatch(/^Function not found: missing \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]+; Proxy: null\)$/);
  });

  test('an error without errorType is Lambda.Unknown', async () => {
    const t = testStepFunctions();
    t.cloud.lambda.invoke = async () => ({ payload: '{"errorMessage":"Task timed out after 3.00 seconds"}', functionError: 'Unhandled' });
    const executionArn = await t.start(await t.createMachine(catchAll({ Type: 'Task', Resource: functionArn('slow') })));
    expect(JSON.parse((await t.finished(executionArn)).output)).toEqual({ Error: 'Lambda.Unknown', Cause: '{"errorMessage":"Task timed out after 3.00 seconds"}' });
  });

  test('lambda:invoke answers the Invoke response with the payload parsed; an Event invocation is asynchronous', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('echo', (event: any) => ({ echoed: event }));
    const arn = await t.createMachine({
      StartAt: 'Sync',
      States: {
        Sync: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: functionArn('echo'), Payload: { n: 1 } }, ResultPath: '$.sync', Next: 'Async' },
        Async: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'echo', InvocationType: 'Event', Payload: 'not json' }, ResultPath: '$.async', End: true },
      },
    });
    const output = JSON.parse((await t.finished(await t.start(arn))).output);
    expect(output.sync).toMatchObject({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: { echoed: { n: 1 } }, SdkHttpMetadata: { HttpStatusCode: 200 } });
    expect(output.async).toMatchObject({ StatusCode: 202, Payload: '' });
    expect(t.fakes.invocations.map(({ functionName, event, async }) => [functionName, event, async])).toEqual([
      ['echo', { n: 1 }, false],
      ['echo', 'not json', true],
    ]);
  });
});

describe('TimeoutSeconds', () => {
  const slow = (catchers: string[]) => ({
    StartAt: 'Slow',
    States: {
      Slow: { Type: 'Task', Resource: functionArn('slow'), TimeoutSeconds: 5, Catch: catchers.map((error) => ({ ErrorEquals: [error], Next: 'Caught' })), End: true },
      Caught: { Type: 'Pass', End: true },
    },
  });

  test('a task running longer fails with States.Timeout, which States.TaskFailed does not match', async () => {
    const t = testStepFunctions(0.001); // 5 s → 5 ms; the function takes 200 ms
    t.fakes.functions.set('slow', () => new Promise((resolve) => setTimeout(() => resolve('late'), 200)));
    const executionArn = await t.start(await t.createMachine(slow(['States.TaskFailed'])));
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect((await t.history(executionArn)).map((event) => event.type)).toContain('LambdaFunctionTimedOut');
  });

  test('States.Timeout is caught by its name and by States.ALL', async () => {
    const t = testStepFunctions(0.001);
    t.fakes.functions.set('slow', () => new Promise((resolve) => setTimeout(() => resolve('late'), 200)));
    for (const catcher of ['States.Timeout', 'States.ALL']) {
      const executionArn = await t.start(await t.createMachine(slow([catcher])));
      const execution = await t.finished(executionArn);
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output).Error).toBe('States.Timeout');
    }
  });

  test('TimeoutSecondsPath is read from the input', async () => {
    const t = testStepFunctions(0.001);
    t.fakes.functions.set('slow', () => new Promise((resolve) => setTimeout(() => resolve('late'), 200)));
    const arn = await t.createMachine({ StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: functionArn('slow'), TimeoutSecondsPath: '$.timeout', End: true } } });
    const executionArn = await t.start(arn, { timeout: 2 });
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const scheduled = (await t.history(executionArn)).find((event) => event.type === 'LambdaFunctionScheduled');
    expect(scheduled.lambdaFunctionScheduledEventDetails).toMatchObject({ timeoutInSeconds: 2, input: '{"timeout":2}' });
  });
});

describe('Parallel and Map failures', () => {
  test('a failing branch fails the Parallel state with its error, which the Parallel can catch', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('ok', () => 'fine');
    t.fakes.functions.set('bad', () => {
      throw new FunctionError('OutOfStock', 'sku a');
    });
    const arn = await t.createMachine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Good', States: { Good: { Type: 'Task', Resource: functionArn('ok'), End: true } } },
            { StartAt: 'Bad', States: { Bad: { Type: 'Task', Resource: functionArn('bad'), End: true } } },
          ],
          Catch: [{ ErrorEquals: ['OutOfStock'], Next: 'Compensate' }],
          End: true,
        },
        Compensate: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await t.start(arn);
    const execution = await t.finished(executionArn);
    expect(JSON.parse(execution.output).Error).toBe('OutOfStock');
    const types = (await t.history(executionArn)).map((event) => event.type);
    expect(types).toContain('ParallelStateFailed');
    expect(types).not.toContain('ParallelStateSucceeded');
    expect(types.indexOf('ParallelStateFailed')).toBeLessThan(types.indexOf('ParallelStateExited'));
  });

  test('a failing iteration fails the Map: its index is recorded, the others are aborted', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('check', (item: any) => {
      if (item.bad) throw new FunctionError('BadItem', String(item.id));
      return new Promise(() => undefined); // still running when item 2 fails
    });
    const arn = await t.createMachine({
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', MaxConcurrency: 2, ItemProcessor: { StartAt: 'Check', States: { Check: { Type: 'Task', Resource: functionArn('check'), End: true } } }, End: true },
      },
    });
    const executionArn = await t.start(arn, [{ id: 1 }, { id: 2, bad: true }, { id: 3 }, { id: 4 }]);
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'BadItem', cause: expect.stringContaining('"errorMessage":"2"') });
    const events = await t.history(executionArn);
    expect(events.filter((event) => event.type === 'MapIterationFailed').map((event) => event.mapIterationFailedEventDetails)).toEqual([{ name: 'Each', index: 1 }]);
    expect(events.filter((event) => event.type === 'MapIterationAborted').map((event) => event.mapIterationAbortedEventDetails)).toEqual([{ name: 'Each', index: 0 }]);
    // MaxConcurrency 2: items 3 and 4 never started.
    expect(t.fakes.invocationsOf('check').map((item) => item.id)).toEqual([1, 2]);
    expect(events.map((event) => event.type)).toContain('MapStateFailed');
  });

  test('a failed Parallel is retried as a whole', async () => {
    const t = testStepFunctions();
    let attempts = 0;
    t.fakes.functions.set('once', () => {
      attempts += 1;
      if (attempts === 1) throw new FunctionError('Transient', 'first time');
      return 'done';
    });
    const arn = await t.createMachine({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Once', States: { Once: { Type: 'Task', Resource: functionArn('once'), End: true } } }],
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1 }],
          End: true,
        },
      },
    });
    const executionArn = await t.start(arn);
    expect(await t.finished(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '["done"]' });
    const types = (await t.history(executionArn)).map((event) => event.type);
    expect(types.filter((type) => type === 'ParallelStateStarted')).toHaveLength(2);
    expect(types.filter((type) => type === 'ParallelStateFailed')).toHaveLength(1);
  });
});
