import { awsErrorOf, closeTestClouds, functionArn, testStepFunctions } from './test-cloud';

afterEach(closeTestClouds);

const ROLE = 'arn:aws:iam::000000000000:role/states';
const pass = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };

describe('CreateStateMachine', () => {
  const create = (t: ReturnType<typeof testStepFunctions>, definition: unknown, extra: object = {}) =>
    t.call('CreateStateMachine', { name: 'checkout', roleArn: ROLE, definition: typeof definition === 'string' ? definition : JSON.stringify(definition), ...extra });

  test('answers the ARN and creation date, and describes the machine', async () => {
    const t = testStepFunctions();
    const created = await create(t, pass, { type: 'EXPRESS' });
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:checkout');
    expect(typeof created.creationDate).toBe('number');
    const described = await t.call('DescribeStateMachine', { stateMachineArn: created.stateMachineArn });
    expect(described).toMatchObject({ name: 'checkout', status: 'ACTIVE', type: 'EXPRESS', roleArn: ROLE, definition: JSON.stringify(pass) });
  });

  test('refuses a definition that is not JSON', async () => {
    const error = await awsErrorOf(create(testStepFunctions(), '{"StartAt": '));
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toContain('INVALID_JSON_DESCRIPTION');
  });

  test('refuses a transition to a missing state, naming it', async () => {
    const error = await awsErrorOf(create(testStepFunctions(), { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }));
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toContain('Nowhere');
  });

  test('refuses a state name used twice, even in different Parallel branches', async () => {
    const branch = { StartAt: 'Same', States: { Same: { Type: 'Pass', End: true } } };
    const error = await awsErrorOf(create(testStepFunctions(), { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch, branch], End: true } } }));
    expect(error.message).toContain('DUPLICATE_STATE_NAMES');
  });

  test('refuses a resource the emulator cannot run, naming the state and the resource', async () => {
    const definition = { StartAt: 'Publish', States: { Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } } };
    const error = await awsErrorOf(create(testStepFunctions(), definition));
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toContain('arn:aws:states:::sns:publish');
    expect(error.message).toContain('/States/Publish/Resource');
  });

  test('refuses an unknown resource nested in a Map processor', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'Sync', States: { Sync: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', End: true } } }, End: true } },
    };
    const error = await awsErrorOf(create(testStepFunctions(), definition));
    expect(error.message).toContain('/States/Each/ItemProcessor/States/Sync/Resource');
  });

  test('refuses DynamoDB with .waitForTaskToken (request-response only)', async () => {
    const definition = { StartAt: 'Get', States: { Get: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem.waitForTaskToken', End: true } } };
    expect((await awsErrorOf(create(testStepFunctions(), definition))).code).toBe('InvalidDefinition');
  });

  test('refuses JSONata and Variables: the local engine runs JSONPath only', async () => {
    const t = testStepFunctions();
    const jsonata = await awsErrorOf(create(t, { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% 1 %}', End: true } } }));
    expect(jsonata.code).toBe('InvalidDefinition');
    expect(jsonata.message).toContain('supports JSONPath only');
    const variables = await awsErrorOf(create(t, { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { total: 1 }, End: true } } }));
    expect(variables.message).toContain('supports JSONPath only');
    expect(variables.message).toContain('/States/A/Assign');
  });

  test('refuses .waitForTaskToken in an EXPRESS state machine', async () => {
    const definition = {
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: 'x' }, End: true } },
    };
    const t = testStepFunctions();
    expect((await awsErrorOf(create(t, definition, { type: 'EXPRESS' }))).message).toContain('waitForTaskToken');
    await expect(create(t, definition, { type: 'STANDARD' })).resolves.toHaveProperty('stateMachineArn');
  });

  test('refuses .sync and activities in an EXPRESS state machine, naming the state', async () => {
    const task = (Resource: string) => ({ StartAt: 'Outer', States: { Outer: { Type: 'Parallel', Branches: [{ StartAt: 'Job', States: { Job: { Type: 'Task', Resource, End: true } } }], End: true } } });
    const t = testStepFunctions();
    for (const resource of ['arn:aws:states:::states:startExecution.sync:2', 'arn:aws:states:::ecs:runTask.sync']) {
      const error = await awsErrorOf(create(t, task(resource), { type: 'EXPRESS' }));
      expect(error.code).toBe('InvalidDefinition');
      expect(error.message).toContain("Express state machine does not support '.sync' service integration at /States/Outer/Branches/0/States/Job/Resource");
    }
    const activity = await awsErrorOf(create(t, task('arn:aws:states:us-east-1:000000000000:activity:approve'), { type: 'EXPRESS' }));
    expect(activity.message).toContain('Express state machine does not support activities at /States/Outer/Branches/0/States/Job/Resource');
    const validated = await t.call('ValidateStateMachineDefinition', { definition: JSON.stringify(task('arn:aws:states:::ecs:runTask.sync')), type: 'EXPRESS' });
    expect(validated).toMatchObject({ result: 'FAIL', diagnostics: [expect.objectContaining({ location: '/States/Outer/Branches/0/States/Job/Resource' })] });
  });

  test('refuses HeartbeatSeconds not smaller than TimeoutSeconds', async () => {
    const definition = {
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', HeartbeatSeconds: 60, TimeoutSeconds: 60, End: true } },
    };
    expect((await awsErrorOf(create(testStepFunctions(), definition))).message).toContain('HeartbeatSeconds must be smaller than TimeoutSeconds');
  });

  test('refuses a Distributed Map', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, End: true },
      },
    };
    expect((await awsErrorOf(create(testStepFunctions(), definition))).message).toContain('Distributed Map');
  });

  test('refuses invalid names and types, and requires a role', async () => {
    const t = testStepFunctions();
    expect((await awsErrorOf(create(t, pass, { name: 'has space' }))).code).toBe('InvalidName');
    expect((await awsErrorOf(create(t, pass, { name: 'x'.repeat(81) }))).code).toBe('InvalidName');
    expect((await awsErrorOf(create(t, pass, { type: 'FAST' }))).code).toBe('ValidationException');
    expect((await awsErrorOf(t.call('CreateStateMachine', { name: 'n', definition: JSON.stringify(pass) }))).code).toBe('ValidationException');
  });

  test('is idempotent for the same definition; another definition under the same name is StateMachineAlreadyExists', async () => {
    const t = testStepFunctions();
    const first = await create(t, pass);
    await expect(create(t, pass)).resolves.toEqual(first);
    const other = { StartAt: 'Other', States: { Other: { Type: 'Succeed' } } };
    expect((await awsErrorOf(create(t, other))).code).toBe('StateMachineAlreadyExists');
  });
});

describe('UpdateStateMachine / DeleteStateMachine / ListStateMachines', () => {
  test('an update applies to new executions; running ones keep their definition', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('slow', () => new Promise((resolve) => setTimeout(() => resolve('old'), 50)));
    const arn = await t.createMachine({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: functionArn('slow'), End: true } } });
    const running = await t.start(arn);
    await t.call('UpdateStateMachine', { stateMachineArn: arn, definition: JSON.stringify({ StartAt: 'New', States: { New: { Type: 'Pass', Result: 'new', End: true } } }) });
    const updated = await t.start(arn);
    expect((await t.finished(running)).output).toBe('"old"');
    expect((await t.finished(updated)).output).toBe('"new"');
    const forExecution = await t.call('DescribeStateMachineForExecution', { executionArn: running });
    expect(JSON.parse(forExecution.definition).StartAt).toBe('Work');
  });

  test('an update needs something to change and a valid definition', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(pass);
    expect((await awsErrorOf(t.call('UpdateStateMachine', { stateMachineArn: arn }))).code).toBe('MissingRequiredParameter');
    expect((await awsErrorOf(t.call('UpdateStateMachine', { stateMachineArn: arn, definition: '{}' }))).code).toBe('InvalidDefinition');
  });

  test('a deleted machine without executions is gone at once; unknown and malformed ARNs are told apart', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine(pass);
    await t.call('DeleteStateMachine', { stateMachineArn: arn });
    expect((await awsErrorOf(t.call('DescribeStateMachine', { stateMachineArn: arn }))).code).toBe('StateMachineDoesNotExist');
    expect((await awsErrorOf(t.call('DescribeStateMachine', { stateMachineArn: 'not-an-arn' }))).code).toBe('InvalidArn');
    expect(t.activity.map((entry) => entry.type)).toEqual(['statemachine.created', 'statemachine.deleted']);
  });

  test('a machine with a running execution is DELETING; the execution fails at its next transition', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({
      StartAt: 'Ask',
      States: {
        Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } }, Next: 'After' },
        After: { Type: 'Pass', End: true },
      },
    });
    const execution = await t.start(arn);
    const token = await t.tokenOf(execution, 'Ask');
    await t.call('DeleteStateMachine', { stateMachineArn: arn });
    expect((await t.call('DescribeStateMachine', { stateMachineArn: arn })).status).toBe('DELETING');
    expect((await awsErrorOf(t.start(arn))).code).toBe('StateMachineDeleting');
    await t.call('SendTaskSuccess', { taskToken: token, output: '{}' });
    const describe = () => t.call('DescribeStateMachine', { stateMachineArn: arn }).then(() => 'exists', (error) => error.code);
    await t.until(async () => (await describe()) === 'StateMachineDoesNotExist', 'the machine to go');
    const failed = t.activity.find((entry) => entry.type === 'execution.failed' && entry.executionArn === execution);
    expect(failed?.event).toMatchObject({ executionFailedEventDetails: { error: 'States.Runtime', cause: `State machine ${arn.split(':').pop()} has been deleted.` } });
    expect(t.activity.some((entry) => entry.type === 'state.entered' && entry.stateName === 'After')).toBe(false);
  });

  test('lists machines page by page', async () => {
    const t = testStepFunctions();
    for (let i = 0; i < 3; i++) await t.createMachine(pass);
    const first = await t.call('ListStateMachines', { maxResults: 2 });
    expect(first.stateMachines.map((machine: any) => machine.name)).toEqual(['machine-1', 'machine-2']);
    const second = await t.call('ListStateMachines', { maxResults: 2, nextToken: first.nextToken });
    expect(second.stateMachines.map((machine: any) => machine.name)).toEqual(['machine-3']);
    expect(second.nextToken).toBeUndefined();
    expect((await awsErrorOf(t.call('ListStateMachines', { nextToken: 'bogus' }))).code).toBe('InvalidToken');
  });
});

describe('ValidateStateMachineDefinition', () => {
  test('answers OK, or FAIL with located diagnostics', async () => {
    const t = testStepFunctions();
    expect(await t.call('ValidateStateMachineDefinition', { definition: JSON.stringify(pass) })).toEqual({ result: 'OK', diagnostics: [], truncated: false });
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun', End: true } } };
    const answer = await t.call('ValidateStateMachineDefinition', { definition: JSON.stringify(definition) });
    expect(answer.result).toBe('FAIL');
    expect(answer.diagnostics).toEqual([expect.objectContaining({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Resource' })]);
  });
});

describe('tags', () => {
  test('are kept from CreateStateMachine and changed by TagResource / UntagResource', async () => {
    const t = testStepFunctions();
    const { stateMachineArn } = await t.call('CreateStateMachine', { name: 'tagged', roleArn: ROLE, definition: JSON.stringify(pass), tags: [{ key: 'team', value: 'orders' }] });
    await t.call('TagResource', { resourceArn: stateMachineArn, tags: [{ key: 'env', value: 'local' }] });
    await t.call('UntagResource', { resourceArn: stateMachineArn, tagKeys: ['team'] });
    expect((await t.call('ListTagsForResource', { resourceArn: stateMachineArn })).tags).toEqual([{ key: 'env', value: 'local' }]);
  });
});
