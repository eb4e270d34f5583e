import { newTaskToken } from './callbacks';
import { awsErrorOf, closeTestClouds, functionArn, testStepFunctions } from './test-cloud';

afterEach(closeTestClouds);

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/approvals';

const askBySqs = (extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  Parameters: { QueueUrl: QUEUE, MessageBody: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' } },
  End: true,
  ...extra,
});

describe('.waitForTaskToken', () => {
  test('two Parallel branches wait with distinct tokens and resume through SendTaskSuccess', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('notify', () => ({ accepted: true }));
    const arn = await t.createMachine({
      StartAt: 'Approvals',
      States: {
        Approvals: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Finance', States: { Finance: askBySqs() } },
            {
              StartAt: 'Warehouse',
              States: {
                Warehouse: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                  Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token', 'orderId.$': '$.orderId' } },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    });
    const executionArn = await t.start(arn, { orderId: 'o-1' });
    const financeToken = await t.tokenOf(executionArn, 'Finance');
    const warehouseToken = await t.tokenOf(executionArn, 'Warehouse');
    expect(financeToken).not.toBe(warehouseToken);
    expect(JSON.parse(t.fakes.messages[0]!.body)).toEqual({ orderId: 'o-1', taskToken: financeToken });
    expect(t.fakes.invocationsOf('notify')).toEqual([{ token: warehouseToken, orderId: 'o-1' }]);

    await t.call('SendTaskSuccess', { taskToken: warehouseToken, output: '{"picked":true}' });
    expect((await t.call('DescribeExecution', { executionArn })).status).toBe('RUNNING');
    await t.call('SendTaskSuccess', { taskToken: financeToken, output: '{"approved":true}' });
    expect((await t.finished(executionArn)).output).toBe('[{"approved":true},{"picked":true}]');

    const events = await t.history(executionArn);
    const submitted = events.filter((event) => event.type === 'TaskSubmitted').map((event) => event.taskSubmittedEventDetails.resource);
    expect(submitted.sort()).toEqual(['invoke.waitForTaskToken', 'sendMessage.waitForTaskToken']);
    const scheduled = events.find((event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails.resourceType === 'sqs');
    expect(JSON.parse(scheduled.taskScheduledEventDetails.parameters).MessageBody.taskToken).toBe(financeToken);
  });

  test('SendTaskFailure fails the task with the given error; the failing branch fails the Parallel, caught by name', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({
      StartAt: 'Approvals',
      States: {
        Approvals: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Finance', States: { Finance: askBySqs() } }, { StartAt: 'Legal', States: { Legal: askBySqs() } }],
          Catch: [{ ErrorEquals: ['Rejected'], Next: 'Rejected' }],
          End: true,
        },
        Rejected: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await t.start(arn, { orderId: 'o-2' });
    const finance = await t.tokenOf(executionArn, 'Finance');
    const legal = await t.tokenOf(executionArn, 'Legal');
    await t.call('SendTaskFailure', { taskToken: legal, error: 'Rejected', cause: 'contract missing' });
    const execution = await t.finished(executionArn);
    expect(JSON.parse(execution.output)).toEqual({ Error: 'Rejected', Cause: 'contract missing' });
    // The other branch was aborted: its token is closed.
    expect((await awsErrorOf(t.call('SendTaskSuccess', { taskToken: finance, output: '{}' }))).code).toBe('TaskTimedOut');
    const failed = (await t.history(executionArn)).find((event) => event.type === 'TaskFailed');
    expect(failed.taskFailedEventDetails).toEqual({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'Rejected', cause: 'contract missing' });
  });

  test('every Map iteration gets its own token', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemsPath: '$.orders', ItemSelector: { 'orderId.$': '$$.Map.Item.Value' }, ItemProcessor: { StartAt: 'Ask', States: { Ask: askBySqs() } }, End: true } },
    });
    const executionArn = await t.start(arn, { orders: ['a', 'b', 'c'] });
    await t.until(() => t.fakes.messages.length === 3, 'three messages');
    const asked = t.fakes.messages.map((message) => JSON.parse(message.body));
    expect(new Set(asked.map((body) => body.taskToken)).size).toBe(3);
    for (const { orderId, taskToken } of asked) await t.call('SendTaskSuccess', { taskToken, output: JSON.stringify(`done ${orderId}`) });
    expect((await t.finished(executionArn)).output).toBe('["done a","done b","done c"]');
  });

  test('$$.Task.Token works inside an intrinsic function; events:putEvents waits for it too', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({
      StartAt: 'Announce',
      States: {
        Announce: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
          Parameters: { Entries: [{ Source: 'shop.orders', DetailType: 'ApprovalRequested', Detail: { 'callback.$': "States.Format('token={}', $$.Task.Token)" } }] },
          End: true,
        },
      },
    });
    const executionArn = await t.start(arn);
    const token = await t.tokenOf(executionArn, 'Announce');
    expect(JSON.parse(t.fakes.events[0]!.Detail!)).toEqual({ callback: `token=${token}` });
    await t.call('SendTaskSuccess', { taskToken: token, output: '"ok"' });
    expect((await t.finished(executionArn)).output).toBe('"ok"');
  });

  test('an answer that comes before the request returned is kept', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('answersAtOnce', async (event: any) => {
      await t.call('SendTaskSuccess', { taskToken: event.token, output: '{"immediate":true}' });
      return 'submitted';
    });
    const arn = await t.createMachine({
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'answersAtOnce', Payload: { 'token.$': '$$.Task.Token' } }, End: true } },
    });
    expect((await t.finished(await t.start(arn))).output).toBe('{"immediate":true}');
  });
});

describe('heartbeats and timeouts', () => {
  test('without a heartbeat within HeartbeatSeconds the task fails with States.HeartbeatTimeout, which States.TaskFailed matches', async () => {
    const t = testStepFunctions(0.001);
    const arn = await t.createMachine({
      StartAt: 'Ask',
      States: { Ask: askBySqs({ HeartbeatSeconds: 20, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'NoAnswer' }], End: undefined, Next: 'Answered' }), Answered: { Type: 'Succeed' }, NoAnswer: { Type: 'Pass', End: true } },
    });
    const executionArn = await t.start(arn, { orderId: 'o-3' });
    const execution = await t.finished(executionArn);
    expect(JSON.parse(execution.output).Error).toBe('States.HeartbeatTimeout');
    const timedOut = (await t.history(executionArn)).find((event) => event.type === 'TaskTimedOut');
    expect(timedOut.taskTimedOutEventDetails).toMatchObject({ error: 'States.HeartbeatTimeout', resourceType: 'sqs' });
    const scheduled = (await t.history(executionArn)).find((event) => event.type === 'TaskScheduled');
    expect(scheduled.taskScheduledEventDetails.heartbeatInSeconds).toBe(20);
  });

  test('SendTaskHeartbeat is accepted while the task waits', async () => {
    const t = testStepFunctions(1);
    const arn = await t.createMachine({ StartAt: 'Ask', States: { Ask: askBySqs({ HeartbeatSeconds: 600 }) } });
    const executionArn = await t.start(arn, { orderId: 'o-4' });
    const token = await t.tokenOf(executionArn, 'Ask');
    await expect(t.call('SendTaskHeartbeat', { taskToken: token })).resolves.toEqual({});
    await t.call('SendTaskSuccess', { taskToken: token, output: '1' });
    expect((await t.finished(executionArn)).output).toBe('1');
    expect((await awsErrorOf(t.call('SendTaskHeartbeat', { taskToken: token }))).code).toBe('TaskTimedOut');
  });

  test('TimeoutSeconds ends the wait with States.Timeout; the token is then timed out', async () => {
    const t = testStepFunctions(0.001);
    const arn = await t.createMachine({ StartAt: 'Ask', States: { Ask: askBySqs({ TimeoutSeconds: 30 }) } });
    const executionArn = await t.start(arn, { orderId: 'o-5' });
    expect(await t.finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const token = JSON.parse(t.fakes.messages[0]!.body).taskToken;
    expect((await awsErrorOf(t.call('SendTaskSuccess', { taskToken: token, output: '{}' }))).code).toBe('TaskTimedOut');
  });
});

describe('token errors', () => {
  test('InvalidToken, TaskDoesNotExist, InvalidOutput, and a token used twice', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({ StartAt: 'Ask', States: { Ask: askBySqs() } });
    const executionArn = await t.start(arn, { orderId: 'o-6' });
    const token = await t.tokenOf(executionArn, 'Ask');
    expect((await awsErrorOf(t.call('SendTaskSuccess', { taskToken: 'garbage', output: '{}' }))).code).toBe('InvalidToken');
    expect((await awsErrorOf(t.call('SendTaskSuccess', { taskToken: newTaskToken(executionArn), output: '{}' }))).code).toBe('TaskDoesNotExist');
    expect((await awsErrorOf(t.call('SendTaskSuccess', { taskToken: token, output: '{not json' }))).code).toBe('InvalidOutput');
    expect((await awsErrorOf(t.call('SendTaskFailure', { taskToken: token, error: 'x'.repeat(257) }))).code).toBe('ValidationException');
    await t.call('SendTaskSuccess', { taskToken: token, output: '{}' });
    expect((await awsErrorOf(t.call('SendTaskSuccess', { taskToken: token, output: '{}' }))).code).toBe('TaskTimedOut');
  });

  test('a waitForTaskToken state that does not pass its token on waits for nothing but its timeout', async () => {
    const t = testStepFunctions(0.001);
    t.fakes.functions.set('noop', () => null);
    const arn = await t.createMachine({
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: functionArn('noop') }, TimeoutSeconds: 10, End: true } },
    });
    expect(await t.finished(await t.start(arn))).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });
});
