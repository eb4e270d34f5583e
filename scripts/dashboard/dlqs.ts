/**
 * The dead-letter queues of the running system and what they hold. A queue is a DLQ because something names it as
 * one: another queue's RedrivePolicy, a rule target's DeadLetterConfig, a function's on-failure destination or DLQ,
 * or a rule that sends it Step Functions status changes (a FailedSagasQueue: failed executions).
 * They are found from the live configuration (what the loaded templates created, and anything added since).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalCloud } from '../../libs/local-cloud/src';
import { SFNClient } from '@aws-sdk/client-sfn';
import { dlqMessageKind, redriveQueue, STATUS_CHANGE_DETAIL_TYPE, tryJson, type DlqMessage, type RedriveReport } from '../redrive-dlq';
import { eventKeys } from './activity-log';
import type { DeadLetterQueue, DlqReason, DlqRole, DlqView } from './api-types';
import { badRequest } from './http';

const attribute = (message: DlqMessage, name: string) => message.MessageAttributes?.[name]?.StringValue;

/** The shop event inside a message body (an EventBridge event, or a Lambda invocation record's requestPayload). */
function eventOf(value: unknown): DlqReason['event'] {
  const event = value as { source?: unknown; 'detail-type'?: unknown; detail?: unknown } | undefined;
  if (!event || typeof event.source !== 'string') return undefined;
  const { orderId } = eventKeys(event.detail);
  return { source: event.source, detailType: String(event['detail-type']), ...(orderId && { orderId }) };
}

/**
 * - EventBridge rule DLQ: the event, with ERROR_CODE / ERROR_MESSAGE / RULE_ARN / TARGET_ARN / RETRY_ATTEMPTS attributes;
 * - Lambda on-failure destination: an invocation record, requestContext.condition and responsePayload's error;
 * - Lambda function DLQ: the event, with ErrorCode / ErrorMessage attributes;
 * - SQS redrive DLQ: the original message, with the DeadLetterQueueSourceArn system attribute;
 * - FailedSagasQueue: the Step Functions status-change event, its status, error and cause.
 */
export function dlqReason(message: DlqMessage): DlqReason {
  const shape = dlqMessageKind(message);
  const event = eventOf(shape.kind === 'lambda-on-failure' ? shape.record.requestPayload : shape.body);
  switch (shape.kind) {
    case 'rule-target': {
      const exhausted = attribute(message, 'EXHAUSTED_RETRY_CONDITION');
      return {
        kind: 'rule-target',
        reason: `${attribute(message, 'ERROR_CODE') ?? 'ERROR'}: ${attribute(message, 'ERROR_MESSAGE') ?? ''}${exhausted ? ` (${exhausted})` : ''}`,
        failed: `${shape.ruleArn} → ${attribute(message, 'TARGET_ARN') ?? '?'}`,
        ...(attribute(message, 'RETRY_ATTEMPTS') !== undefined && { attempts: `${attribute(message, 'RETRY_ATTEMPTS')} retries` }),
        event,
      };
    }
    case 'lambda-on-failure': {
      const { condition = 'failed', functionArn, approximateInvokeCount } = shape.record.requestContext;
      const error = shape.record.responsePayload;
      return {
        kind: 'lambda-on-failure',
        reason: `${condition}${error?.errorMessage ? `: ${error.errorType ? `${error.errorType}: ` : ''}${error.errorMessage}` : ''}`,
        failed: functionArn.replace(/:\$LATEST$/, ''),
        ...(approximateInvokeCount !== undefined && { attempts: `${approximateInvokeCount} invocations` }),
        event,
      };
    }
    case 'lambda-dlq':
      return { kind: 'lambda-dlq', reason: `${attribute(message, 'ErrorCode')}: ${attribute(message, 'ErrorMessage') ?? ''}`, event };
    case 'sqs-redrive':
      return { kind: 'sqs-redrive', reason: `received too many times (maxReceiveCount) from ${shape.sourceArn}`, failed: shape.sourceArn, event };
    case 'failed-execution': {
      const { status, error, cause, executionArn, input, redriveCount = 0 } = shape.event.detail;
      // Every saga's input names its order.
      const orderId = (tryJson(input ?? '') as { orderId?: unknown } | undefined)?.orderId;
      return {
        kind: 'failed-execution',
        reason: [status, error, cause].filter(Boolean).join(': '),
        failed: executionArn,
        ...(redriveCount > 0 && { attempts: `${redriveCount} redrive${redriveCount === 1 ? '' : 's'} before` }),
        event: { source: shape.event.source, detailType: STATUS_CHANGE_DETAIL_TYPE, ...(typeof orderId === 'string' && { orderId }) },
      };
    }
    case 'unknown':
      return { kind: 'unknown', reason: 'not a message of a known DLQ kind', event };
  }
}

/** Every DLQ the configuration names, by queue ARN, with each role it plays. */
export async function findDeadLetterQueues(local: LocalCloud): Promise<DeadLetterQueue[]> {
  const roles = new Map<string, DlqRole[]>();
  const add = (arn: string | undefined, role: DlqRole) => {
    if (!arn || arn.split(':')[2] !== 'sqs') return;
    roles.set(arn, [...(roles.get(arn) ?? []), role]);
  };

  const { QueueUrls = [] } = (await local.sqs.dispatch('ListQueues', { MaxResults: 1000 })) as { QueueUrls?: string[] };
  for (const url of QueueUrls) {
    const { Attributes = {} } = (await local.sqs.dispatch('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['RedrivePolicy'] })) as { Attributes?: Record<string, string> };
    if (!Attributes.RedrivePolicy) continue;
    const policy = JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    add(policy.deadLetterTargetArn, { kind: 'sqs-redrive', source: url.split('/').pop()!, maxReceiveCount: Number(policy.maxReceiveCount) });
  }

  const { EventBuses = [] } = (await local.events.dispatch('ListEventBuses', {})) as { EventBuses?: Array<{ Name: string }> };
  for (const bus of EventBuses) {
    const { Rules = [] } = (await local.events.dispatch('ListRules', { EventBusName: bus.Name })) as { Rules?: Array<{ Name: string; EventPattern?: string }> };
    for (const rule of Rules) {
      const { Targets = [] } = (await local.events.dispatch('ListTargetsByRule', { Rule: rule.Name, EventBusName: bus.Name })) as {
        Targets?: Array<{ Id: string; Arn: string; DeadLetterConfig?: { Arn?: string } }>;
      };
      for (const target of Targets) {
        add(target.DeadLetterConfig?.Arn, { kind: 'rule-target', rule: rule.Name, bus: bus.Name, target: target.Arn });
        if (onStatusChanges(rule.EventPattern)) add(target.Arn, { kind: 'failed-execution', rule: rule.Name });
      }
    }
  }

  for (const fn of local.lambda.listFunctions()) {
    add(fn.onFailureDestinationArn, { kind: 'lambda-on-failure', functionName: fn.functionName });
    add(fn.deadLetterTargetArn, { kind: 'lambda-dlq', functionName: fn.functionName });
  }

  const queues: DeadLetterQueue[] = [];
  for (const [arn, queueRoles] of roles) {
    const name = arn.split(':')[5]!;
    const found = (await local.sqs.dispatch('GetQueueUrl', { QueueName: name }).catch(() => undefined)) as { QueueUrl: string } | undefined;
    // A DLQ that is configured but does not exist holds nothing; the template loader reports it elsewhere.
    if (found) queues.push({ name, arn, url: found.QueueUrl, roles: queueRoles });
  }
  return queues.sort((a, b) => a.name.localeCompare(b.name));
}

/** A rule on Step Functions status changes (its pattern names their source and detail-type). */
function onStatusChanges(pattern: string | undefined): boolean {
  const parsed = tryJson(pattern ?? '') as { source?: unknown; 'detail-type'?: unknown } | undefined;
  return Array.isArray(parsed?.source) && parsed.source.includes('aws.states') && Array.isArray(parsed['detail-type']) && parsed['detail-type'].includes(STATUS_CHANGE_DETAIL_TYPE);
}

/** Every DLQ with its messages and why each is there, peeked: nothing is received or consumed. */
export async function deadLetterQueues(local: LocalCloud): Promise<DlqView[]> {
  return (await findDeadLetterQueues(local)).map((queue) => ({
    ...queue,
    messages: local.sqs.peekMessages(queue.arn).map((message) => ({
      messageId: message.MessageId,
      ...(message.Attributes?.SentTimestamp && { sentAt: new Date(Number(message.Attributes.SentTimestamp)).toISOString() }),
      body: message.Body,
      why: dlqReason(message),
    })),
  }));
}

/**
 * Sends a DLQ's messages back with `npm run redrive`'s own function, over the AWS API at the emulator's endpoint.
 * A function DLQ's messages name no function: the one function whose DLQ it is gets them.
 */
export async function redrive(local: LocalCloud, queueUrl: string): Promise<RedriveReport> {
  const queue = (await findDeadLetterQueues(local)).find((candidate) => candidate.url === queueUrl);
  if (!queue) throw badRequest(`${queueUrl} is not a dead-letter queue of this system`);
  const owners = queue.roles.flatMap((role) => (role.kind === 'lambda-dlq' ? [role.functionName] : []));
  const config = { endpoint: local.url, region: local.cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const clients = { sqs: new SQSClient(config), events: new EventBridgeClient(config), lambda: new LambdaClient(config), sfn: new SFNClient(config) };
  try {
    return await redriveQueue({ queueUrl, clients, ...(owners.length === 1 && { functionName: owners[0] }) });
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
