import type { Cloud, LambdaInvokeResult } from '../cloud';
import { requireAllowed } from '../iam/access-denied';
import type { LambdaFunction } from './function-config';

/**
 * Where an asynchronous invocation's outcome goes: invocation records for on-success / on-failure
 * destinations, and the event itself for the function's dead-letter queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */

export type InvocationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export interface AsyncOutcome {
  fn: LambdaFunction;
  requestId: string;
  payload: string;
  condition: InvocationCondition;
  attempts: number;
  /** The last attempt's result (none when the event expired before any attempt). */
  result?: LambdaInvokeResult;
}

/** The invocation record Lambda sends to a destination (its documented JSON shape). */
export function invocationRecord(outcome: AsyncOutcome) {
  const { fn, requestId, payload, condition, attempts, result } = outcome;
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition, approximateInvokeCount: attempts },
    requestPayload: parseJson(payload),
    ...(result
      ? {
          responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(result.functionError ? { functionError: result.functionError } : {}) },
          responsePayload: parseJson(result.payload),
        }
      : {}),
  };
}

/** Sends an invocation record to an SQS queue, a Lambda function or an EventBridge bus. */
export async function sendToDestination(cloud: Cloud, destinationArn: string, outcome: AsyncOutcome): Promise<void> {
  const record = invocationRecord(outcome);
  const service = destinationArn.split(':')[2];
  const kind = outcome.condition === 'Success' ? 'on-success' : 'on-failure';
  try {
    if (service === 'sqs') {
      asFunctionRole(cloud, outcome.fn, 'sqs:SendMessage', destinationArn);
      await cloud.sqs.sendMessage(destinationArn, JSON.stringify(record));
    } else if (service === 'lambda') {
      asFunctionRole(cloud, outcome.fn, 'lambda:InvokeFunction', destinationArn);
      await cloud.lambda.invokeAsync(destinationArn, JSON.stringify(record));
    } else if (service === 'events') {
      const detailType = `Lambda Function Invocation Result - ${outcome.condition === 'Success' ? 'Success' : 'Failure'}`;
      asFunctionRole(cloud, outcome.fn, 'events:PutEvents', destinationArn, { 'events:source': 'lambda', 'events:detail-type': detailType });
      const result = await cloud.events.putEvents([
        {
          Source: 'lambda',
          DetailType: detailType,
          Detail: JSON.stringify(record),
          Resources: [outcome.fn.arn, destinationArn],
          EventBusName: destinationArn,
        },
      ]);
      if (result.FailedEntryCount > 0) throw new Error(result.Entries[0]?.ErrorMessage ?? 'PutEvents failed');
    } else {
      cloud.record({ service: 'lambda', type: 'destination.unsupported', functionName: outcome.fn.functionName, destination: destinationArn, kind });
      return;
    }
    cloud.record({ service: 'lambda', type: 'destination.sent', functionName: outcome.fn.functionName, requestId: outcome.requestId, destination: destinationArn, kind, condition: outcome.condition });
  } catch (error) {
    // Lambda counts this as a DestinationDeliveryFailures metric; here it is an activity.
    cloud.record({ service: 'lambda', type: 'destination.failed', functionName: outcome.fn.functionName, destination: destinationArn, kind, error: String(error) });
  }
}

/**
 * The function's dead-letter queue gets the event as it is, with RequestID, ErrorCode (the HTTP status of the
 * invoke) and ErrorMessage (first 1 KB) attributes: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq
 */
export async function sendToDeadLetterQueue(cloud: Cloud, queueArn: string, outcome: AsyncOutcome): Promise<void> {
  const error = outcome.result ? (parseJson(outcome.result.payload) as { errorMessage?: string } | null) : null;
  const errorMessage = (error?.errorMessage ?? `Event age exceeded after ${outcome.attempts} attempts`).slice(0, 1024);
  try {
    if (queueArn.split(':')[2] !== 'sqs') throw new Error('only SQS dead-letter queues are emulated');
    asFunctionRole(cloud, outcome.fn, 'sqs:SendMessage', queueArn);
    await cloud.sqs.sendMessage(queueArn, outcome.payload, {
      RequestID: { DataType: 'String', StringValue: outcome.requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: errorMessage || 'Unknown error' },
    });
    cloud.record({ service: 'lambda', type: 'destination.sent', functionName: outcome.fn.functionName, requestId: outcome.requestId, destination: queueArn, kind: 'dead-letter-queue', condition: outcome.condition });
  } catch (failure) {
    // Lambda emits the DeadLetterErrors metric when it cannot write to the DLQ.
    cloud.record({ service: 'lambda', type: 'destination.failed', functionName: outcome.fn.functionName, destination: queueArn, kind: 'dead-letter-queue', error: String(failure) });
  }
}

/**
 * Lambda sends to destinations and to the dead-letter queue with the function's execution role
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#destinations-permissions). A
 * function registered with no role (a test's, not a template's: CloudFormation requires Role) is not checked.
 */
function asFunctionRole(cloud: Cloud, fn: LambdaFunction, action: string, resource: string, context?: Record<string, string>): void {
  if (!fn.roleArn) return;
  requireAllowed(cloud.iam, { caller: { kind: 'role', roleArn: fn.roleArn, sessionName: fn.functionName }, action, resource, context });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
