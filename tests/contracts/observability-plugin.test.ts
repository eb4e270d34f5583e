// The plugin is plain CommonJS: the Serverless Framework requires it as it is.
const ServerlessObservability = require('@shop/serverless-observability');

const TOPIC = { 'Fn::ImportValue': 'shop-event-bus-dev-AlarmTopicArn' };

/** The slice of the Serverless Framework the plugin touches: settings, the compiled template, step functions, naming. */
function serverlessWith(resources: Record<string, unknown>, options: { custom?: unknown; stateMachines?: Record<string, any> } = {}) {
  return {
    service: {
      custom: 'custom' in options ? options.custom : { observability: { alarmTopicArn: TOPIC } },
      provider: { compiledCloudFormationTemplate: { Resources: resources } },
      stepFunctions: { stateMachines: options.stateMachines ?? {} },
    },
    getProvider: () => ({ naming: { getStackName: () => 'shop-late-dev' } }),
  };
}

async function run(serverless: ReturnType<typeof serverlessWith>) {
  const plugin = new ServerlessObservability(serverless, {});
  await plugin.hooks['before:package:compileFunctions']();
  await plugin.hooks['before:aws:package:finalize:saveServiceState']();
  return serverless.service.provider.compiledCloudFormationTemplate.Resources as Record<string, { Type: string; Properties: any; Condition?: string }>;
}

const alarmsOf = (resources: Record<string, { Type: string; Properties: any }>) =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => ({ metric: r.Properties.MetricName, namespace: r.Properties.Namespace, dimensions: r.Properties.Dimensions }));

describe('@shop/serverless-observability on a template it has never seen', () => {
  it('watches resources added later by their role: a failed-sagas queue, a DLQ under another name, rules on both buses, a saga, a consumer', async () => {
    const resources = await run(
      serverlessWith({
        // Nothing in this stack points at it: its name says what it holds (another service routes failures into it).
        LateFailedSagasQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'shop-late-dev-failed-sagas' } },
        // A plain name, but a rule target's dead-letter queue.
        Spillway: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'shop-late-dev-spillway' } },
        // A work queue is not a failure queue: no alarm on its depth.
        Inbox: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'shop-late-dev-inbox', RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Spillway', 'Arn'] }, maxReceiveCount: 3 } } },
        OnThingLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'shop-late-dev-onThing' } },
        ThingRule: {
          Type: 'AWS::Events::Rule',
          Properties: {
            Name: 'shop-late-dev-thing',
            EventBusName: { 'Fn::ImportValue': 'shop-event-bus-dev-EventBusName' },
            Targets: [{ Id: 'on-thing', Arn: { 'Fn::GetAtt': ['OnThingLambdaFunction', 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Spillway', 'Arn'] } } }],
          },
        },
        // No name, on the default bus: the dimension is the rule's Ref.
        StatusRule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Id: 'q', Arn: { 'Fn::GetAtt': ['LateFailedSagasQueue', 'Arn'] } }] } },
        LateSaga: { Type: 'AWS::StepFunctions::StateMachine', Condition: 'WithSaga', Properties: { StateMachineName: 'shop-late-dev-late' } },
        QuickSaga: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'shop-late-dev-quick', StateMachineType: 'EXPRESS' } },
      }),
    );
    const alarms = alarmsOf(resources);
    const on = (dimensions: unknown) => alarms.filter((a) => JSON.stringify(a.dimensions) === JSON.stringify(dimensions)).map((a) => `${a.namespace} ${a.metric}`).sort();

    expect(on([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['LateFailedSagasQueue', 'QueueName'] } }])).toEqual(['AWS/SQS ApproximateNumberOfMessagesVisible']);
    expect(on([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Spillway', 'QueueName'] } }])).toEqual(['AWS/SQS ApproximateNumberOfMessagesVisible']);
    expect(on([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Inbox', 'QueueName'] } }])).toEqual([]);
    const ruleMetrics = ['AWS/Events DeadLetterInvocations', 'AWS/Events FailedInvocations', 'AWS/Events InvocationsFailedToBeSentToDlq'];
    expect(on([{ Name: 'EventBusName', Value: { 'Fn::ImportValue': 'shop-event-bus-dev-EventBusName' } }, { Name: 'RuleName', Value: 'shop-late-dev-thing' }])).toEqual(ruleMetrics);
    expect(on([{ Name: 'RuleName', Value: { Ref: 'StatusRule' } }])).toEqual(ruleMetrics);
    expect(on([{ Name: 'StateMachineArn', Value: { Ref: 'LateSaga' } }])).toEqual(['AWS/States ExecutionsAborted', 'AWS/States ExecutionsFailed', 'AWS/States ExecutionsTimedOut']);
    expect(on([{ Name: 'FunctionName', Value: { Ref: 'OnThingLambdaFunction' } }])).toEqual(['AWS/Lambda DestinationDeliveryFailures', 'AWS/Lambda Errors', 'AWS/Lambda Throttles']);
    // An Express workflow cannot be aborted: no ExecutionsAborted alarm.
    expect(on([{ Name: 'StateMachineArn', Value: { Ref: 'QuickSaga' } }])).toEqual(['AWS/States ExecutionsFailed', 'AWS/States ExecutionsTimedOut']);
    expect(alarms).toHaveLength(2 + 3 + 3 + 3 + 3 + 2);

    const sagaAlarm = resources.LateSagaExecutionsFailedAlarm!;
    expect(sagaAlarm.Condition).toBe('WithSaga');
    expect(sagaAlarm.Properties).toMatchObject({ AlarmName: 'shop-late-dev-LateSaga-ExecutionsFailed', AlarmActions: [TOPIC], OKActions: [TOPIC], Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('reads a rule on a custom bus given by ARN, and an unnamed one, as EventBridge names their metrics', async () => {
    const resources = await run(
      serverlessWith({ ByArn: { Type: 'AWS::Events::Rule', Properties: { EventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/shop-dev', Targets: [] } } }),
    );
    // The Ref of a rule on a custom bus is `bus|rule`.
    expect(alarmsOf(resources)[0]!.dimensions).toEqual([
      { Name: 'EventBusName', Value: 'shop-dev' },
      { Name: 'RuleName', Value: { 'Fn::Select': [1, { 'Fn::Split': ['|', { Ref: 'ByArn' }] }] } },
    ]);
  });

  it('logs and traces every state machine into its own log group, and refuses one that sets either itself', async () => {
    const stateMachines: Record<string, any> = { late: { id: 'LateSaga', name: 'shop-late-dev-late', definition: {} }, unnamed: { definition: {} } };
    const resources = await run(serverlessWith({}, { stateMachines }));
    expect(stateMachines.late.loggingConfig).toEqual({ level: 'ERROR', includeExecutionData: false, destinations: [{ 'Fn::GetAtt': ['LateSagaLogGroup', 'Arn'] }] });
    expect(stateMachines.late.tracingConfig).toEqual({ enabled: true });
    expect(resources.LateSagaLogGroup).toEqual({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/shop-late-dev-late', RetentionInDays: 30 } });
    expect(resources.UnnamedStateMachineLogGroup!.Properties.LogGroupName).toBe('/aws/vendedlogs/states/shop-late-dev-unnamed');

    const own = { late: { id: 'LateSaga', definition: {}, loggingConfig: { level: 'ALL' } } };
    await expect(run(serverlessWith({}, { stateMachines: own }))).rejects.toThrow('state machine late sets loggingConfig: @shop/serverless-observability sets it for every state machine');
  });

  it("grants X-Ray to the role of each actively traced function that lacks it, once", async () => {
    const role = () => ({ Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'own', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: 'x' }] } }] } });
    const resources = await run(
      serverlessWith({
        TracedRole: role(),
        UntracedRole: role(),
        Traced: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'Active' }, Role: { 'Fn::GetAtt': ['TracedRole', 'Arn'] } } },
        AlsoTraced: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'Active' }, Role: { 'Fn::GetAtt': ['TracedRole', 'Arn'] } } },
        Untraced: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['UntracedRole', 'Arn'] } } },
      }),
    );
    const actions = (id: string) => resources[id]!.Properties.Policies[0].PolicyDocument.Statement.map((s: { Action: string[] }) => s.Action);
    expect(actions('TracedRole')).toEqual([['dynamodb:GetItem'], ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']]);
    expect(actions('UntracedRole')).toEqual([['dynamodb:GetItem']]);
  });

  it('names its missing or bad settings', async () => {
    await expect(run(serverlessWith({}, { custom: undefined }))).rejects.toThrow('custom.observability.alarmTopicArn is required');
    await expect(run(serverlessWith({}, { custom: { observability: { alarmTopicArn: TOPIC, stateMachineLogRetentionInDays: 'a month' } } }))).rejects.toThrow(
      'custom.observability.stateMachineLogRetentionInDays must be a positive whole number of days, not "a month"',
    );
  });
});
