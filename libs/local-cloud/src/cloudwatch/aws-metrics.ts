import type { CloudActivity } from '../cloud';
import type { Dimension } from './metric-store';

/**
 * The metrics AWS services publish about themselves, derived from what the emulated services record
 * (`cloud.monitor` 'activity'), with AWS's names, units and dimensions:
 * - AWS/Events (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html): per rule, RuleName on
 *   the default bus, EventBusName and RuleName on a custom one. Invocations counts deliveries that succeeded or failed
 *   for good without a DLQ, FailedInvocations those failures, DeadLetterInvocations the events sent to the target's
 *   DLQ instead, InvocationsFailedToBeSentToDlq those the DLQ refused. ThrottledRules counts delivery attempts the
 *   target throttled (the emulator has no EventBridge invocation quota of its own to throttle by).
 * - AWS/Lambda (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html), FunctionName.
 * - AWS/States (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html), StateMachineArn.
 * - AWS/SQS (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html),
 *   QueueName: the counts from activity, the gauges (depth, oldest message) sampled once a minute as SQS reports them.
 * - AWS/SNS (https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html), TopicName.
 */

export interface AwsDatum {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  value: number;
  unit: 'Count' | 'Milliseconds' | 'Seconds';
}

export interface QueueGauge {
  queueName: string;
  visible: number;
  notVisible: number;
  delayed: number;
  oldestAgeSeconds: number;
}

const THROTTLED = 'THROTTLING';

export class AwsMetrics {
  /** Execution start times (epoch ms) by execution ARN, for ExecutionTime. */
  private readonly executionsStarted = new Map<string, number>();

  /** The datapoints one activity stands for (none for most). */
  of(activity: CloudActivity): AwsDatum[] {
    switch (activity.service) {
      case 'events':
        return this.events(activity);
      case 'lambda':
        return lambda(activity);
      case 'states':
        return this.states(activity);
      case 'sqs':
        return sqs(activity);
      case 'sns':
        return sns(activity);
      case 'faults':
        // An injected `lambda.before` throttle is a throttle as the caller and Lambda's metrics see it.
        return activity.fault === 'lambda.before' && activity.variant === 'TooManyRequestsException' && typeof activity.functionName === 'string'
          ? [count('AWS/Lambda', 'Throttles', [{ Name: 'FunctionName', Value: activity.functionName }])]
          : [];
      default:
        return [];
    }
  }

  /** The AWS/SQS gauges of every queue at one sampling. */
  gauges(queues: QueueGauge[]): AwsDatum[] {
    return queues.flatMap((queue) => {
      const dimensions = [{ Name: 'QueueName', Value: queue.queueName }];
      return [
        count('AWS/SQS', 'ApproximateNumberOfMessagesVisible', dimensions, queue.visible),
        count('AWS/SQS', 'ApproximateNumberOfMessagesNotVisible', dimensions, queue.notVisible),
        count('AWS/SQS', 'ApproximateNumberOfMessagesDelayed', dimensions, queue.delayed),
        { namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions, value: queue.oldestAgeSeconds, unit: 'Seconds' as const },
      ];
    });
  }

  private events(activity: CloudActivity): AwsDatum[] {
    const rule = typeof activity.ruleArn === 'string' ? ruleDimensions(activity.ruleArn) : undefined;
    if (!rule) return [];
    switch (activity.type) {
      case 'rule.matched':
        return [count('AWS/Events', 'MatchedEvents', rule), count('AWS/Events', 'MatchedEvents', []), count('AWS/Events', 'TriggeredRules', rule)];
      case 'delivery.succeeded':
        return [count('AWS/Events', 'Invocations', rule), count('AWS/Events', 'Invocations', []), count('AWS/Events', 'InvocationAttempts', rule)];
      case 'delivery.failed':
        return [count('AWS/Events', 'InvocationAttempts', rule), ...(activity.errorCode === THROTTLED ? [count('AWS/Events', 'ThrottledRules', rule)] : [])];
      case 'delivery.dead-lettered':
        return [count('AWS/Events', 'DeadLetterInvocations', rule), count('AWS/Events', 'InvocationsSentToDlq', rule)];
      case 'event.dropped':
        if (activity.deadLetterQueueArn) return [count('AWS/Events', 'InvocationsFailedToBeSentToDlq', rule)];
        // A drop with no error code is the emulator stopping, not a failed invocation.
        return activity.errorCode ? [count('AWS/Events', 'FailedInvocations', rule), count('AWS/Events', 'Invocations', rule), count('AWS/Events', 'Invocations', [])] : [];
      default:
        return [];
    }
  }

  private states(activity: CloudActivity): AwsDatum[] {
    const arn = activity.stateMachineArn;
    const executionArn = activity.executionArn;
    if (typeof arn !== 'string' || typeof executionArn !== 'string') return [];
    const dimensions = [{ Name: 'StateMachineArn', Value: arn }];
    const at = (activity.event as { timestamp?: number } | undefined)?.timestamp ?? Date.parse(activity.time);
    if (activity.type === 'execution.started') {
      this.executionsStarted.set(executionArn, at);
      return [count('AWS/States', 'ExecutionsStarted', dimensions)];
    }
    const metricName = EXECUTION_END_METRICS[activity.type];
    if (!metricName) return [];
    const started = this.executionsStarted.get(executionArn);
    this.executionsStarted.delete(executionArn);
    return [
      count('AWS/States', metricName, dimensions),
      ...(started === undefined ? [] : [{ namespace: 'AWS/States', metricName: 'ExecutionTime', dimensions, value: at - started, unit: 'Milliseconds' as const }]),
    ];
  }
}

const EXECUTION_END_METRICS: Record<string, string> = {
  'execution.succeeded': 'ExecutionsSucceeded',
  'execution.failed': 'ExecutionsFailed',
  'execution.timed_out': 'ExecutionsTimedOut',
  'execution.aborted': 'ExecutionsAborted',
};

function lambda(activity: CloudActivity): AwsDatum[] {
  if (typeof activity.functionName !== 'string') return [];
  const dimensions = [{ Name: 'FunctionName', Value: activity.functionName }];
  const duration = typeof activity.durationMs === 'number' ? [{ namespace: 'AWS/Lambda', metricName: 'Duration', dimensions, value: activity.durationMs, unit: 'Milliseconds' as const }] : [];
  switch (activity.type) {
    case 'invocation.succeeded':
      // Lambda publishes Errors with every invocation, 0 when it succeeded: an alarm on Errors sees data, not a gap.
      return [count('AWS/Lambda', 'Invocations', dimensions), count('AWS/Lambda', 'Errors', dimensions, 0), ...duration];
    case 'invocation.failed':
      return [count('AWS/Lambda', 'Invocations', dimensions), count('AWS/Lambda', 'Errors', dimensions), ...duration];
    case 'invocation.throttled':
      return [count('AWS/Lambda', 'Throttles', dimensions)];
    case 'async.queued':
      return [count('AWS/Lambda', 'AsyncEventsReceived', dimensions)];
    case 'async.failed':
      // Retries or the event's age ran out: Lambda drops the event (after sending it to its destination or DLQ, if any).
      return [count('AWS/Lambda', 'AsyncEventsDropped', dimensions)];
    case 'destination.failed':
      return [count('AWS/Lambda', activity.kind === 'dead-letter-queue' ? 'DeadLetterErrors' : 'DestinationDeliveryFailures', dimensions)];
    default:
      return [];
  }
}

function sqs(activity: CloudActivity): AwsDatum[] {
  if (typeof activity.queue !== 'string') return [];
  const dimensions = [{ Name: 'QueueName', Value: activity.queue }];
  const metricName = { 'message.sent': 'NumberOfMessagesSent', 'message.received': 'NumberOfMessagesReceived', 'message.deleted': 'NumberOfMessagesDeleted' }[activity.type];
  return metricName ? [count('AWS/SQS', metricName, dimensions)] : [];
}

function sns(activity: CloudActivity): AwsDatum[] {
  if (typeof activity.topicArn !== 'string') return [];
  const dimensions = [{ Name: 'TopicName', Value: activity.topicArn.split(':').pop()! }];
  const metricName = { 'message.published': 'NumberOfMessagesPublished', 'notification.delivered': 'NumberOfNotificationsDelivered', 'notification.failed': 'NumberOfNotificationsFailed' }[activity.type];
  return metricName ? [count('AWS/SNS', metricName, dimensions)] : [];
}

/** `rule/<name>` is a rule of the default bus, `rule/<bus>/<name>` one of a custom bus. */
function ruleDimensions(ruleArn: string): Dimension[] | undefined {
  const resource = ruleArn.split(':').slice(5).join(':');
  const [kind, ...path] = resource.split('/');
  if (kind !== 'rule' || path.length === 0) return undefined;
  return path.length === 1 ? [{ Name: 'RuleName', Value: path[0]! }] : [{ Name: 'EventBusName', Value: path[0]! }, { Name: 'RuleName', Value: path.slice(1).join('/') }];
}

function count(namespace: string, metricName: string, dimensions: Dimension[], value = 1): AwsDatum {
  return { namespace, metricName, dimensions, value, unit: 'Count' };
}
