/**
 * npm run redrive -- --queue <url> [--function <name>]
 * npm run redrive -- --execution <execution ARN>
 *
 * Sends what a dead-letter queue holds back to where it failed, by the kind of DLQ each message comes from (their
 * shapes differ):
 * - an EventBridge rule DLQ message (attribute RULE_ARN) is the event itself: it is put on its bus again. Every rule
 *   on the bus sees it again; consumers are idempotent on detail.metadata.id, so only the one that failed acts on it;
 * - a Lambda on-failure destination message is an invocation record: its requestPayload is invoked again,
 *   asynchronously, on requestContext.functionArn;
 * - a Lambda function DLQ message (attributes RequestID, ErrorCode) is the event; it names no function, so it is
 *   invoked on --function when given;
 * - an SQS redrive DLQ message (system attribute DeadLetterQueueSourceArn) goes back with StartMessageMoveTask
 *   (which only redrives the DLQs of SQS queues);
 * - a FailedSagasQueue message is a Step Functions status-change event (source aws.states): its execution is redriven
 *   (RedriveExecution resumes it at the state that failed). See `redriveExecution` for what is not redriven.
 * A message is deleted only once it is back (or nothing is left to redrive: `settled`); anything unrecognised stays in
 * the queue and is reported.
 * Locally, AWS_ENDPOINT_URL points the clients at the emulator.
 */
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';

export type RedriveVia = 'PutEvents' | 'Invoke' | 'StartMessageMoveTask' | 'RedriveExecution';

export interface RedriveReport {
  redriven: Array<{ messageId: string; via: RedriveVia; target: string }>;
  /** Messages left in the queue, with why. */
  kept: Array<{ messageId: string; reason: string }>;
  /** Messages deleted with nothing to redrive (their execution succeeded, runs, or was redriven since), with why. */
  settled: Array<{ messageId: string; reason: string }>;
}

export interface RedriveOptions {
  queueUrl: string;
  /** Target for Lambda function-DLQ messages, which do not name their function. */
  functionName?: string;
  clients?: { sqs?: SQSClient; events?: EventBridgeClient; lambda?: LambdaClient; sfn?: SFNClient };
  log?: (line: string) => void;
}

export const STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';

/** A Step Functions Execution Status Change event (https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html). */
export interface ExecutionStatusChange {
  source: 'aws.states';
  'detail-type': typeof STATUS_CHANGE_DETAIL_TYPE;
  detail: { executionArn: string; stateMachineArn: string; status: string; input?: string | null; error?: string | null; cause?: string | null; redriveCount?: number };
}

export function isExecutionStatusChange(value: unknown): value is ExecutionStatusChange {
  const event = value as Partial<ExecutionStatusChange> | undefined;
  return event?.source === 'aws.states' && event['detail-type'] === STATUS_CHANGE_DETAIL_TYPE && typeof event.detail?.executionArn === 'string';
}

export type ExecutionRedrive = { outcome: 'redriven'; redriveDate: Date } | { outcome: 'settled' | 'kept'; reason: string };

/**
 * Redrives one execution (RedriveExecution: it resumes at the state that failed, with that state's input), unless
 * there is nothing to redrive: it succeeded or runs (`settled`), or it was redriven since the failure this call is
 * about (`failedAtRedrive`, the redriveCount its status-change event carried: `settled`). It is `kept` when Step
 * Functions says it is not redrivable, and when it ended in one of its own Fail states: a redrive runs that state
 * again and fails the same way (the saga already handled that failure; it needs a person, not a redrive).
 * `clientToken` makes a repeated call (the same queue message) one redrive.
 */
export async function redriveExecution(
  executionArn: string,
  options: { sfn?: SFNClient; failedAtRedrive?: number; clientToken?: string } = {},
): Promise<ExecutionRedrive> {
  const sfn = options.sfn ?? new SFNClient({});
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  if (execution.status === 'SUCCEEDED' || execution.status === 'RUNNING') return { outcome: 'settled', reason: `the execution is ${execution.status}` };
  const redriveCount = execution.redriveCount ?? 0;
  if (options.failedAtRedrive !== undefined && redriveCount > options.failedAtRedrive) {
    return { outcome: 'settled', reason: `redriven since (${redriveCount} redrives); a later failure has its own message` };
  }
  if (execution.redriveStatus === 'NOT_REDRIVABLE') return { outcome: 'kept', reason: `not redrivable: ${execution.redriveStatusReason ?? 'no reason given'}` };
  const failState = await failStateEnded(sfn, executionArn);
  if (failState) return { outcome: 'kept', reason: `ended in its Fail state ${failState} (${execution.error ?? 'no error'}): a redrive would fail the same way` };
  const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: options.clientToken }));
  return { outcome: 'redriven', redriveDate: redriveDate! };
}

/** The Fail state the execution's last attempt ended in, if it did: its history's last state entered. */
async function failStateEnded(sfn: SFNClient, executionArn: string): Promise<string | undefined> {
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 20, includeExecutionData: false }));
  const entered = events.find((event) => event.type?.endsWith('StateEntered'));
  return entered?.type === 'FailStateEntered' ? entered.stateEnteredEventDetails?.name : undefined;
}

/** `arn:aws:events:<region>:<account>:rule/<bus>/<rule>` (custom bus) or `…:rule/<rule>` (default bus) → the bus name. */
export function busOfRule(ruleArn: string): string {
  const parts = ruleArn.split(':rule/')[1]?.split('/') ?? [];
  return parts.length === 2 ? parts[0]! : 'default';
}

/** An SQS message as ReceiveMessage (or the emulator's peek) gives it, with its attributes. */
export interface DlqMessage {
  Body?: string;
  Attributes?: Partial<Record<string, string>>;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }>;
}

/** A Lambda asynchronous invocation record, as an on-failure destination receives it. */
export interface InvocationRecord {
  requestContext: { functionArn: string; condition?: string; approximateInvokeCount?: number };
  requestPayload: unknown;
  responsePayload?: { errorType?: string; errorMessage?: string };
}

/** Which kind of DLQ a message comes from, told by its shape (see the top of this file); `body` is the parsed Body, if JSON. */
export type DlqMessageKind = { body: unknown } & (
  | { kind: 'rule-target'; ruleArn: string }
  | { kind: 'failed-execution'; event: ExecutionStatusChange }
  | { kind: 'sqs-redrive'; sourceArn: string }
  | { kind: 'lambda-on-failure'; record: InvocationRecord }
  | { kind: 'lambda-dlq' }
  | { kind: 'unknown' }
);

export function dlqMessageKind(message: DlqMessage): DlqMessageKind {
  const attributes = message.MessageAttributes ?? {};
  const body = tryJson(message.Body ?? '');
  const ruleArn = attributes.RULE_ARN?.StringValue;
  if (ruleArn) return { kind: 'rule-target', ruleArn, body };
  const sourceArn = message.Attributes?.DeadLetterQueueSourceArn;
  if (sourceArn) return { kind: 'sqs-redrive', sourceArn, body };
  const record = body as Partial<InvocationRecord> | undefined;
  if (record?.requestContext?.functionArn && 'requestPayload' in record) return { kind: 'lambda-on-failure', record: record as InvocationRecord, body };
  if (attributes.RequestID && attributes.ErrorCode) return { kind: 'lambda-dlq', body };
  if (isExecutionStatusChange(body)) return { kind: 'failed-execution', event: body, body };
  return { kind: 'unknown', body };
}

type Plan = { via: RedriveVia; target: string; send?: () => Promise<void | { settled: string }> } | { keep: string };

export async function redriveQueue(options: RedriveOptions): Promise<RedriveReport> {
  const sqs = options.clients?.sqs ?? new SQSClient({});
  const events = options.clients?.events ?? new EventBridgeClient({});
  const lambda = options.clients?.lambda ?? new LambdaClient({});
  const sfn = options.clients?.sfn ?? new SFNClient({});
  const log = options.log ?? (() => undefined);
  const report: RedriveReport = { redriven: [], kept: [], settled: [] };
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const sqsRedrive: Message[] = [];
  const kept: Message[] = [];

  const plan = (message: Message): Plan => {
    const shape = dlqMessageKind(message);
    switch (shape.kind) {
      case 'rule-target': {
        const event = JSON.parse(message.Body ?? '') as { source: string; 'detail-type': string; detail: unknown; resources?: string[] };
        const bus = busOfRule(shape.ruleArn);
        return {
          via: 'PutEvents',
          target: bus,
          send: async () => {
            const answer = await events.send(
              new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), Resources: event.resources }] }),
            );
            if (answer.FailedEntryCount) throw new Error(`PutEvents refused it: ${answer.Entries?.[0]?.ErrorCode} ${answer.Entries?.[0]?.ErrorMessage}`);
          },
        };
      }
      case 'sqs-redrive':
        return { via: 'StartMessageMoveTask', target: shape.sourceArn };
      case 'failed-execution': {
        const { executionArn, redriveCount = 0 } = shape.event.detail;
        return {
          via: 'RedriveExecution',
          target: executionArn,
          send: async () => {
            const result = await redriveExecution(executionArn, { sfn, failedAtRedrive: redriveCount, clientToken: message.MessageId });
            if (result.outcome === 'kept') throw new Error(result.reason);
            if (result.outcome === 'settled') return { settled: result.reason };
          },
        };
      }
      case 'lambda-on-failure':
        return invokePlan(shape.record.requestContext.functionArn.replace(/:\$LATEST$/, ''), JSON.stringify(shape.record.requestPayload));
      case 'lambda-dlq':
        return options.functionName ? invokePlan(options.functionName, message.Body ?? '') : { keep: 'a Lambda function-DLQ message names no function: pass --function' };
      case 'unknown':
        return { keep: 'not a message of a known DLQ kind (rule DLQ, Lambda destination or DLQ, SQS redrive)' };
    }
  };
  const invokePlan = (functionName: string, payload: string): Plan => ({
    via: 'Invoke',
    target: functionName,
    send: async () => {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(payload) }));
      if (answer.StatusCode !== 202) throw new Error(`Invoke answered ${answer.StatusCode}`);
    },
  });
  const putBack = (message: Message) => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));

  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 300, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const messageId = message.MessageId!;
      let step: Plan;
      try {
        step = plan(message);
      } catch (error) {
        step = { keep: `unreadable body: ${(error as Error).message}` };
      }
      if ('keep' in step) {
        // Stays invisible until the queue is exhausted (or it would be received again and again), then visible again.
        kept.push(message);
        report.kept.push({ messageId, reason: step.keep });
        log(`kept ${messageId}: ${step.keep}`);
        continue;
      }
      if (!step.send) {
        sqsRedrive.push(message);
        continue;
      }
      try {
        const sent = await step.send();
        await sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
        if (sent) {
          report.settled.push({ messageId, reason: sent.settled });
          log(`deleted ${messageId}, nothing to redrive: ${sent.settled}`);
          continue;
        }
        report.redriven.push({ messageId, via: step.via, target: step.target });
        log(`redrove ${messageId} via ${step.via} to ${step.target}`);
      } catch (error) {
        kept.push(message);
        report.kept.push({ messageId, reason: (error as Error).message });
        log(`kept ${messageId}: ${(error as Error).message}`);
      }
    }
  }
  if (sqsRedrive.length > 0) {
    await Promise.all(sqsRedrive.map(putBack));
    await moveBack(sqs, queueArn!);
    for (const message of sqsRedrive) report.redriven.push({ messageId: message.MessageId!, via: 'StartMessageMoveTask', target: message.Attributes!.DeadLetterQueueSourceArn! });
    log(`moved ${sqsRedrive.length} messages back with StartMessageMoveTask`);
  }
  await Promise.all(kept.map(putBack));
  return report;
}

async function moveBack(sqs: SQSClient, dlqArn: string): Promise<void> {
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    const task = Results.find((r) => r.TaskHandle === TaskHandle) ?? Results[0];
    if (task?.Status === 'COMPLETED') return;
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') throw new Error(`message move task ${task.Status}: ${task.FailureReason ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The JSON value of `text`, or undefined when it is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { queue: { type: 'string' }, function: { type: 'string' }, execution: { type: 'string' } } });
  if (!values.queue === !values.execution) {
    console.error('usage: npm run redrive -- --queue <queue url> [--function <name for Lambda function-DLQ messages>]');
    console.error('       npm run redrive -- --execution <execution ARN>');
    process.exit(2);
  }
  const done = values.execution
    ? redriveExecution(values.execution).then((result) => {
        console.log(result.outcome === 'redriven' ? `redriven at ${result.redriveDate.toISOString()}: ${values.execution}` : `${result.outcome}: ${result.reason}`);
        return result.outcome === 'kept' ? 1 : 0;
      })
    : redriveQueue({ queueUrl: values.queue!, functionName: values.function, log: console.log }).then((report) => {
        console.log(`redriven ${report.redriven.length}, kept ${report.kept.length}, settled ${report.settled.length}`);
        return report.kept.length > 0 ? 1 : 0;
      });
  done.then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`redrive failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
