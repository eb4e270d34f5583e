// @ts-check
'use strict';
/**
 * The CloudWatch alarms of a template, derived from its resources: every dead-letter, poison and failed-sagas queue,
 * every EventBridge rule, every state machine and every asynchronous consumer gets its alarms, so a resource added
 * later is watched without anyone writing its alarm.
 *
 * Metric names, namespaces, dimensions and statistics, as AWS documents them:
 * - SQS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 *   (AWS/SQS; QueueName is the only dimension; ApproximateNumberOfMessagesVisible: Average, Minimum, Maximum, Sum).
 *   A queue with no activity for six hours stops sending metrics even when it holds messages
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/monitoring-using-cloudwatch.html), so a
 *   missing data point keeps the alarm where it was instead of calling the queue empty.
 * - EventBridge: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html (AWS/Events; a rule of the
 *   default bus has the dimension RuleName, a rule of a custom bus EventBusName and RuleName; counts: Sum;
 *   FailedInvocations is sent only when it is not zero, so missing data is "nothing failed").
 * - Step Functions: https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html (AWS/States;
 *   execution metrics have the dimension StateMachineArn; counts: Sum).
 * - Lambda: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html (AWS/Lambda, dimension
 *   FunctionName; invocation metrics are counts to read with Sum; DestinationDeliveryFailures is for asynchronous
 *   invocations whose record could not reach the destination).
 * - Missing data: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
 */
const { referencedIds, valuesUnder } = require('./references');

/**
 * @typedef {{ Type: string, Properties?: Record<string, any>, Condition?: string }} Resource
 * @typedef {Record<string, Resource>} Resources
 * @typedef {'queue' | 'rule' | 'stateMachine' | 'consumer'} Kind
 * @typedef {{ kind: Kind, logicalId: string, role: string }} Watched
 * @typedef {{ name: string, means: string, standardOnly?: boolean }} Metric
 */

/** @type {Record<Kind, { namespace: string, statistic: string, treatMissingData: string, metrics: Metric[] }>} */
const KINDS = {
  queue: {
    namespace: 'AWS/SQS',
    statistic: 'Maximum',
    treatMissingData: 'ignore',
    metrics: [{ name: 'ApproximateNumberOfMessagesVisible', means: 'messages are waiting in it: read why each one failed, then redrive them once the cause is fixed (npm run redrive)' }],
  },
  rule: {
    namespace: 'AWS/Events',
    statistic: 'Sum',
    treatMissingData: 'notBreaching',
    metrics: [
      { name: 'FailedInvocations', means: 'invocations of a target failed for good (after the retry policy)' },
      { name: 'DeadLetterInvocations', means: 'matched events were not delivered to a target (they went to its dead-letter queue)' },
      { name: 'InvocationsFailedToBeSentToDlq', means: 'undeliverable events could not be put in the dead-letter queue either (permissions, a missing queue, size): they are lost' },
    ],
  },
  stateMachine: {
    namespace: 'AWS/States',
    statistic: 'Sum',
    treatMissingData: 'notBreaching',
    metrics: [
      { name: 'ExecutionsFailed', means: 'executions failed (an error no Catch handled, or a Fail state: business outcomes that end in Fail count too)' },
      { name: 'ExecutionsTimedOut', means: 'executions timed out' },
      // StopExecution does not exist for Express workflows: they cannot be aborted.
      // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html
      { name: 'ExecutionsAborted', means: 'executions were aborted', standardOnly: true },
    ],
  },
  consumer: {
    namespace: 'AWS/Lambda',
    statistic: 'Sum',
    treatMissingData: 'notBreaching',
    metrics: [
      { name: 'Errors', means: 'invocations failed (Lambda retries an asynchronous one, then sends its record to the on-failure destination)' },
      { name: 'Throttles', means: 'invocations were throttled' },
      { name: 'DestinationDeliveryFailures', means: 'invocation records could not be sent to the on-failure destination: those events are lost' },
    ],
  },
};

/** Where a queue receives what failed elsewhere: rule-target and function DLQs, redrive policies, on-failure destinations. */
const DEAD_LETTER_KEYS = new Set(['DeadLetterConfig', 'RedrivePolicy', 'OnFailure']);
/** Queues whose name says what they hold, in case nothing in this template points at them. */
const FAILURE_QUEUE_NAME = /dead-?letter|dlq|poison|failed-?sagas/i;

/**
 * @param {Resources} resources
 * @param {string} type
 */
const idsOfType = (resources, type) => Object.keys(resources).filter((id) => resources[id]?.Type === type).sort();

/**
 * What a template holds that must be watched, and in what role.
 * @param {Resources} resources
 * @returns {Watched[]}
 */
function watchedResources(resources) {
  const isType = (/** @type {string} */ type) => (/** @type {string} */ id) => resources[id]?.Type === type;
  /** @type {Map<string, Set<string>>} */
  const deadLetterOf = new Map();
  for (const [id, resource] of Object.entries(resources)) {
    for (const target of referencedIds(valuesUnder(resource.Properties, DEAD_LETTER_KEYS)).filter(isType('AWS::SQS::Queue'))) {
      deadLetterOf.set(target, (deadLetterOf.get(target) ?? new Set()).add(id));
    }
  }
  const queues = idsOfType(resources, 'AWS::SQS::Queue').flatMap((id) => {
    const of = deadLetterOf.get(id);
    const name = resources[id]?.Properties?.QueueName;
    if (of) return [{ kind: /** @type {const} */ ('queue'), logicalId: id, role: `receives what failed in ${[...of].sort().join(', ')}` }];
    if (FAILURE_QUEUE_NAME.test(id) || (typeof name === 'string' && FAILURE_QUEUE_NAME.test(name))) {
      return [{ kind: /** @type {const} */ ('queue'), logicalId: id, role: 'named as a queue of failures' }];
    }
    return [];
  });

  /** @type {Map<string, string>} */
  const asynchronous = new Map();
  for (const id of idsOfType(resources, 'AWS::Events::Rule')) {
    const targets = /** @type {unknown[]} */ (resources[id]?.Properties?.Targets ?? []);
    for (const fn of referencedIds(targets.map((t) => /** @type {any} */ (t)?.Arn)).filter(isType('AWS::Lambda::Function'))) asynchronous.set(fn, `target of rule ${id}`);
  }
  for (const id of idsOfType(resources, 'AWS::Lambda::EventInvokeConfig')) {
    for (const fn of referencedIds(resources[id]?.Properties?.FunctionName).filter(isType('AWS::Lambda::Function'))) {
      if (!asynchronous.has(fn)) asynchronous.set(fn, `asynchronous invocation configured by ${id}`);
    }
  }
  for (const id of idsOfType(resources, 'AWS::Lambda::Function')) {
    if (resources[id]?.Properties?.DeadLetterConfig && !asynchronous.has(id)) asynchronous.set(id, 'function with a dead-letter queue');
  }

  return [
    ...queues,
    ...idsOfType(resources, 'AWS::Events::Rule').map((id) => ({ kind: /** @type {const} */ ('rule'), logicalId: id, role: 'rule' })),
    ...idsOfType(resources, 'AWS::StepFunctions::StateMachine').map((id) => ({ kind: /** @type {const} */ ('stateMachine'), logicalId: id, role: 'state machine' })),
    ...[...asynchronous].sort(([a], [b]) => a.localeCompare(b)).map(([id, role]) => ({ kind: /** @type {const} */ ('consumer'), logicalId: id, role: `asynchronous consumer (${role})` })),
  ];
}

/**
 * A rule's dimensions. Its Ref is the rule name on the default bus and `bus|rule` on a custom bus
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html#aws-resource-events-rule-return-values).
 * @param {string} id
 * @param {Record<string, any>} props
 */
function ruleDimensions(id, props) {
  const bus = props.EventBusName;
  const defaultBus = bus === undefined || bus === 'default';
  const ruleName = props.Name ?? (defaultBus ? { Ref: id } : { 'Fn::Select': [1, { 'Fn::Split': ['|', { Ref: id }] }] });
  if (defaultBus) return [{ Name: 'RuleName', Value: ruleName }];
  // The bus may be given by ARN (…:event-bus/<name>); the dimension is its name.
  const busName = typeof bus === 'string' && bus.startsWith('arn:') ? bus.slice(bus.indexOf(':event-bus/') + ':event-bus/'.length) : bus;
  return [{ Name: 'EventBusName', Value: busName }, { Name: 'RuleName', Value: ruleName }];
}

/**
 * @param {Kind} kind
 * @param {string} id
 * @param {Record<string, any>} props
 */
function dimensions(kind, id, props) {
  switch (kind) {
    case 'queue':
      return [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }];
    case 'rule':
      return ruleDimensions(id, props);
    case 'stateMachine':
      return [{ Name: 'StateMachineArn', Value: { Ref: id } }];
    case 'consumer':
      return [{ Name: 'FunctionName', Value: { Ref: id } }];
  }
}

/**
 * One alarm per metric of each watched resource, to the topic: above zero in one minute, and back to OK.
 * @param {Resources} resources
 * @param {{ topicArn: unknown, namePrefix: string }} options
 * @returns {Resources}
 */
function alarmsFor(resources, { topicArn, namePrefix }) {
  /** @type {Resources} */
  const alarms = {};
  for (const { kind, logicalId, role } of watchedResources(resources)) {
    const resource = /** @type {Resource} */ (resources[logicalId]);
    const { namespace, statistic, treatMissingData, metrics } = KINDS[kind];
    const express = kind === 'stateMachine' && resource.Properties?.StateMachineType === 'EXPRESS';
    for (const metric of metrics.filter((m) => !(express && m.standardOnly))) {
      alarms[`${logicalId}${metric.name}Alarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        ...(resource.Condition ? { Condition: resource.Condition } : {}),
        Properties: {
          AlarmName: `${namePrefix}-${logicalId}-${metric.name}`,
          AlarmDescription: `${logicalId} (${role}): ${metric.means}.`,
          Namespace: namespace,
          MetricName: metric.name,
          Dimensions: dimensions(kind, logicalId, resource.Properties ?? {}),
          Statistic: statistic,
          Period: 60,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: treatMissingData,
          AlarmActions: [topicArn],
          OKActions: [topicArn],
        },
      };
    }
  }
  return alarms;
}

/**
 * A sweep publishes what it found as `Shop`/`SweepFound` (dimensions service and sweep: libs/service-kit sweep.ts)
 * each run; anything found means a saga left something broken. Every schedule (AWS::Scheduler::Schedule) of the stack
 * that invokes one of its functions is a sweep: the sweep is the schedule's name after the stack's
 * (`shop-orders-dev-overdue-orders` → `overdue-orders`), the service the function's POWERTOOLS_SERVICE_NAME. The
 * alarm's period is the schedule's (15 minutes), and it keeps its state between runs (missing data ignored), so it
 * stays in ALARM until a run finds nothing.
 * @param {Resources} resources
 * @param {{ topicArn: unknown, namePrefix: string, periodSeconds?: number }} options
 * @returns {Resources}
 */
function sweepAlarmsFor(resources, { topicArn, namePrefix, periodSeconds = 900 }) {
  /** @type {Resources} */
  const alarms = {};
  for (const [id, schedule] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule')) {
    const name = schedule.Properties?.Name;
    const functionId = schedule.Properties?.Target?.Arn?.['Fn::GetAtt']?.[0];
    const service = resources[functionId]?.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    if (typeof name !== 'string' || !name.startsWith(`${namePrefix}-`) || typeof service !== 'string') {
      throw new Error(`@shop/serverless-observability: schedule ${id} must be named ${namePrefix}-<sweep> and invoke a function of this stack with POWERTOOLS_SERVICE_NAME`);
    }
    const sweep = name.slice(namePrefix.length + 1);
    alarms[`${id}SweepFoundAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${namePrefix}-${id}-SweepFound`,
        AlarmDescription: `${id} (sweep ${sweep}): the sweep found something the sagas should have prevented; it repaired it, but look at why.`,
        Namespace: 'Shop',
        MetricName: 'SweepFound',
        Dimensions: [{ Name: 'service', Value: service }, { Name: 'sweep', Value: sweep }],
        Statistic: 'Maximum',
        Period: periodSeconds,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'ignore',
        AlarmActions: [topicArn],
        OKActions: [topicArn],
      },
    };
  }
  return alarms;
}

module.exports = { alarmsFor, sweepAlarmsFor, watchedResources, KINDS };
