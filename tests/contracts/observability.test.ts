import fs from 'node:fs';
import { listServices } from '../../scripts/package-services';
import { contracts, packagedResources, repoPath, resourcesOfType, type CfnResource } from './services';

/**
 * What every packaged template is watched with (@shop/serverless-observability): this test states, on its own, which
 * resources need which alarms, and reads the templates `sls package` wrote.
 */
const busTemplate = JSON.parse(fs.readFileSync(repoPath('services', 'event-bus', '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'));
const topicExport: string = busTemplate.Outputs.AlarmTopicArn.Export.Name;
const topicOf = (service: string) => (service === 'event-bus' ? { Ref: 'AlarmTopic' } : { 'Fn::ImportValue': topicExport });

const getAttTarget = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
const refTarget = (value: unknown) => (value as { Ref?: string } | undefined)?.Ref ?? getAttTarget(value);

/** Queues that hold what failed: a dead-letter target, an on-failure destination, or named for failures. */
function failureQueues(resources: Record<string, CfnResource>): string[] {
  const targets = new Set<string>();
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::Events::Rule') for (const t of r.Properties.Targets ?? []) targets.add(getAttTarget(t.DeadLetterConfig?.Arn) ?? '');
    if (r.Type === 'AWS::Lambda::EventInvokeConfig') targets.add(getAttTarget(r.Properties.DestinationConfig?.OnFailure?.Destination) ?? '');
    if (r.Type === 'AWS::Lambda::Function') targets.add(getAttTarget(r.Properties.DeadLetterConfig?.TargetArn) ?? '');
    if (r.Type === 'AWS::SQS::Queue') targets.add(getAttTarget(r.Properties.RedrivePolicy?.deadLetterTargetArn) ?? '');
  }
  return Object.entries(resources)
    .filter(([id, r]) => r.Type === 'AWS::SQS::Queue' && (targets.has(id) || /DeadLetter|Dlq|Poison|FailedSagas/i.test(`${id} ${r.Properties.QueueName}`)))
    .map(([id]) => id);
}

/** Functions invoked asynchronously: rule targets, and functions with an asynchronous invocation configuration. */
function asynchronousConsumers(resources: Record<string, CfnResource>): string[] {
  const ids = new Set<string>();
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::Events::Rule') for (const t of r.Properties.Targets ?? []) ids.add(getAttTarget(t.Arn) ?? '');
    if (r.Type === 'AWS::Lambda::EventInvokeConfig') ids.add(refTarget(r.Properties.FunctionName) ?? '');
  }
  return [...ids].filter((id) => resources[id]?.Type === 'AWS::Lambda::Function');
}

interface Expected {
  namespace: string;
  statistic: string;
  treatMissingData: string;
  metrics: string[];
  dimensions: (id: string, r: CfnResource) => Array<{ Name: string; Value: unknown }>;
}

const QUEUE: Expected = {
  namespace: 'AWS/SQS',
  statistic: 'Maximum',
  treatMissingData: 'ignore',
  metrics: ['ApproximateNumberOfMessagesVisible'],
  dimensions: (id) => [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
};
const RULE: Expected = {
  namespace: 'AWS/Events',
  statistic: 'Sum',
  treatMissingData: 'notBreaching',
  metrics: ['FailedInvocations', 'DeadLetterInvocations', 'InvocationsFailedToBeSentToDlq'],
  // A custom bus's rules are measured by bus and rule, the default bus's by rule alone.
  dimensions: (_, r) =>
    r.Properties.EventBusName === undefined
      ? [{ Name: 'RuleName', Value: r.Properties.Name }]
      : [{ Name: 'EventBusName', Value: r.Properties.EventBusName }, { Name: 'RuleName', Value: r.Properties.Name }],
};
const STATE_MACHINE: Expected = {
  namespace: 'AWS/States',
  statistic: 'Sum',
  treatMissingData: 'notBreaching',
  metrics: ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'],
  dimensions: (id) => [{ Name: 'StateMachineArn', Value: { Ref: id } }],
};
/** An Express workflow cannot be stopped (no StopExecution): failed and timed-out executions only. */
const EXPRESS_STATE_MACHINE: Expected = { ...STATE_MACHINE, metrics: ['ExecutionsFailed', 'ExecutionsTimedOut'] };
const CONSUMER: Expected = {
  namespace: 'AWS/Lambda',
  statistic: 'Sum',
  treatMissingData: 'notBreaching',
  metrics: ['Errors', 'Throttles', 'DestinationDeliveryFailures'],
  dimensions: (id) => [{ Name: 'FunctionName', Value: { Ref: id } }],
};

const watched = listServices().flatMap((service) => {
  const resources = packagedResources(service);
  const of = (ids: string[], expected: Expected, kind: string) => ids.map((id) => ({ service, kind, id, resource: resources[id]!, expected }));
  const machines = (type: string) => resourcesOfType(service, 'AWS::StepFunctions::StateMachine').filter(([, machine]) => (machine.Properties.StateMachineType ?? 'STANDARD') === type).map(([id]) => id);
  return [
    ...of(failureQueues(resources), QUEUE, 'queue'),
    ...of(resourcesOfType(service, 'AWS::Events::Rule').map(([id]) => id), RULE, 'rule'),
    ...of(machines('STANDARD'), STATE_MACHINE, 'state machine'),
    ...of(machines('EXPRESS'), EXPRESS_STATE_MACHINE, 'state machine'),
    ...of(asynchronousConsumers(resources), CONSUMER, 'consumer'),
  ];
});

describe('alarms of the packaged templates', () => {
  it('find what they watch: each domain service has its delivery DLQ, poison queue, rules, sagas and consumers', () => {
    for (const service of ['orders', 'payments', 'inventory', 'notifications']) {
      const kinds = watched.filter((w) => w.service === service);
      const queues = kinds.filter((w) => w.kind === 'queue').map((w) => w.id);
      expect({ service, queues: queues.filter((id) => ['EventDeliveryDlq', 'PoisonEventsQueue'].includes(id)).sort() }).toEqual({ service, queues: ['EventDeliveryDlq', 'PoisonEventsQueue'] });
      for (const kind of ['rule', 'state machine', 'consumer']) expect({ service, kind, some: kinds.some((w) => w.kind === kind) }).toEqual({ service, kind, some: true });
    }
  });

  it.each(watched.map((w) => [`${w.service} ${w.kind} ${w.id}`, w] as const))('%s has its alarms, to the stage topic', (_, { service, id, resource, expected }) => {
    const alarms = resourcesOfType(service, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const dimensions = expected.dimensions(id, resource);
    for (const metric of expected.metrics) {
      const found = alarms.filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify(dimensions));
      expect({ metric, alarms: found.length }).toEqual({ metric, alarms: 1 });
      expect(found[0]).toMatchObject({
        Namespace: expected.namespace,
        Statistic: expected.statistic,
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: expected.treatMissingData,
        AlarmActions: [topicOf(service)],
        OKActions: [topicOf(service)],
      });
    }
  });

  it.each(contracts.map(({ service }) => [service] as const))('%s: every sweep schedule has an alarm on what its sweep found (Shop/SweepFound > 0)', (service) => {
    const schedules = resourcesOfType(service, 'AWS::Scheduler::Schedule');
    expect(schedules.length).toBeGreaterThan(0);
    const alarms = resourcesOfType(service, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    for (const [, schedule] of schedules) {
      const sweep = String(schedule.Properties.Name).replace(`shop-${service}-dev-`, '');
      expect(alarms.filter((alarm) => alarm.MetricName === 'SweepFound' && alarm.Dimensions.some((d: { Name: string; Value: string }) => d.Name === 'sweep' && d.Value === sweep))).toEqual([
        expect.objectContaining({
          Namespace: 'Shop',
          Dimensions: [{ Name: 'service', Value: service }, { Name: 'sweep', Value: sweep }],
          Statistic: 'Maximum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'ignore',
          AlarmActions: [{ 'Fn::ImportValue': 'shop-event-bus-dev-AlarmTopicArn' }],
        }),
      ]);
    }
  });

  it('come from the shared plugin alone: no serverless.yml writes an alarm, a logging or a tracing setting itself', () => {
    for (const service of listServices()) {
      const yml = fs.readFileSync(repoPath('services', service, 'serverless.yml'), 'utf8');
      for (const key of ['AWS::CloudWatch::Alarm', 'loggingConfig', 'tracingConfig']) {
        expect({ service, key, written: yml.includes(key) }).toEqual({ service, key, written: false });
      }
    }
  });
});

describe('the alarm topic (services/event-bus)', () => {
  const resources = packagedResources('event-bus');

  it('is one SNS topic per stage, e-mailed to the alarmEmail param', () => {
    expect(resourcesOfType('event-bus', 'AWS::SNS::Topic').map(([id, r]) => [id, r.Properties.TopicName])).toEqual([['AlarmTopic', 'shop-dev-alarms']]);
    const subscriptions = resourcesOfType('event-bus', 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    expect(subscriptions).toEqual([{ TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[a-z]+$/) }]);
    expect(resources.AlarmTopic).toBeDefined();
  });

  it('is exported under the event-bus naming, as the bus is (shop-event-bus-<stage>-<output>)', () => {
    expect(busTemplate.Outputs.AlarmTopicArn).toEqual({ Value: { Ref: 'AlarmTopic' }, Export: { Name: 'shop-event-bus-dev-AlarmTopicArn' } });
    for (const output of ['EventBusName', 'EventBusArn']) expect(busTemplate.Outputs[output].Export.Name).toBe(`shop-event-bus-dev-${output}`);
  });
});

const stateMachines = listServices().flatMap((service) => resourcesOfType(service, 'AWS::StepFunctions::StateMachine').map(([id, machine]) => ({ service, id, machine })));
const functions = listServices().flatMap((service) => resourcesOfType(service, 'AWS::Lambda::Function').map(([id, fn]) => ({ service, id, fn })));

const roleStatements = (service: string, role: unknown) =>
  (packagedResources(service)[getAttTarget(role)!]!.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<{ Action: string | string[] }> } }>)
    .flatMap((p) => p.PolicyDocument.Statement)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('logging and tracing', () => {
  it('cover every state machine and every function', () => {
    expect(stateMachines.length).toBeGreaterThanOrEqual(6);
    expect(functions.length).toBeGreaterThan(20);
  });

  it.each(stateMachines.map((s) => [`${s.service} ${s.id}`, s] as const))('%s logs errors, without execution data, to a log group kept 30 days, and is traced', (_, { service, machine }) => {
    const { LoggingConfiguration, TracingConfiguration, RoleArn } = machine.Properties;
    expect(LoggingConfiguration).toEqual({ Level: 'ERROR', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } }] });
    const logGroup = packagedResources(service)[getAttTarget(LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn)!]!;
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties).toEqual({ LogGroupName: `/aws/vendedlogs/states/${machine.Properties.StateMachineName}`, RetentionInDays: 30 });
    expect(TracingConfiguration).toEqual({ Enabled: true });
    expect(roleStatements(service, RoleArn)).toEqual(expect.arrayContaining(['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
  });

  it.each(functions.map((f) => [`${f.service} ${f.id}`, f] as const))('%s is traced actively, and its role may send the traces', (_, { service, fn }) => {
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(roleStatements(service, fn.Properties.Role)).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
  });
});
