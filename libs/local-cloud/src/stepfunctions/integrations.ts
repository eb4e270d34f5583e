import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Cloud, LambdaInvokeResult, PutEventsEntry, SqsMessageAttribute } from '../cloud';
import { AwsError } from '../errors';
import { eventBusArn, functionArn, queueArn, tableArn } from '../iam/resource-arns';
import { md5Hex, md5OfAttributes } from '../sqs/md5';
import { isObject } from './asl';
import type { TaskResource } from './resources';
import { StatesError } from './states-error';

/**
 * The optimised service integrations, called through the Cloud interfaces (and DynamoDB through its
 * endpoint): each returns the Task result as Step Functions shapes it, or throws the StatesError
 * a Retry / Catch matches (`Lambda.<Exception>`, the function's errorType, `EventBridge.FailedEntry`, ...).
 */

export interface TaskTarget {
  stateMachineArn: string;
  executionArn: string;
  /** The state machine's role: every call a Task makes is made with it. */
  roleArn: string;
}

// The DynamoDB exceptions modelled for GetItem / PutItem / UpdateItem / DeleteItem; Step Functions reports any
// other service error (ValidationException...) as DynamoDB.AmazonDynamoDBException (recorded against AWS:
// localstack tests/aws/services/stepfunctions/v2/error_handling/test_task_service_dynamodb.snapshot.json).
const DYNAMODB_EXCEPTIONS = new Set([
  'ConditionalCheckFailedException',
  'ProvisionedThroughputExceededException',
  'ResourceNotFoundException',
  'ItemCollectionSizeLimitExceededException',
  'TransactionConflictException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ThrottlingException',
  'ReplicatedWriteConflictException',
]);

// The Parameters are the request as JSON: the SDK command classes only carry them.
const DYNAMODB_COMMANDS = {
  'dynamodb:getItem': (input: any): any => new GetItemCommand(input),
  'dynamodb:putItem': (input: any): any => new PutItemCommand(input),
  'dynamodb:updateItem': (input: any): any => new UpdateItemCommand(input),
  'dynamodb:deleteItem': (input: any): any => new DeleteItemCommand(input),
} as const;

// The error a Task gets for a denied call to each service, and the service's name in its cause (`Service: AWSLambda`).
const SERVICE_ERRORS: Record<string, { error: string; service: string; statusCode: number }> = {
  lambda: { error: 'Lambda.AWSLambdaException', service: 'AWSLambda', statusCode: 403 },
  dynamodb: { error: 'DynamoDB.AmazonDynamoDBException', service: 'AmazonDynamoDBv2', statusCode: 400 },
  events: { error: 'EventBridge.AmazonEventBridgeException', service: 'AmazonEventBridge', statusCode: 400 },
  sqs: { error: 'SQS.AmazonSQSException', service: 'AmazonSQS', statusCode: 400 },
  states: { error: 'StepFunctions.AWSStepFunctionsException', service: 'AWSStepFunctions', statusCode: 400 },
};

export class Integrations {
  private dynamodbClient?: DynamoDBClient;

  constructor(private readonly cloud: Cloud) {}

  close(): void {
    this.dynamodbClient?.destroy();
    this.dynamodbClient = undefined;
  }

  async call(resource: TaskResource, parameters: unknown, target: TaskTarget): Promise<unknown> {
    const { action } = resource;
    this.authorize(resource, parameters, target);
    switch (action) {
      case 'lambda:function':
        return this.invokeFunction(resource.arn, parameters);
      case 'lambda:invoke':
        return this.lambdaInvoke(parameters);
      case 'events:putEvents':
        return this.putEvents(parameters, target);
      case 'sqs:sendMessage':
        return this.sendMessage(parameters);
      case 'states:startExecution':
        return this.startExecution(parameters);
      default:
        return this.dynamodb(action, parameters);
    }
  }

  /**
   * Step Functions makes each Task's call with the state machine's role
   * (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html): a call the role may not make
   * fails the Task with the service's error, AccessDeniedException, which the Java SDK Step Functions uses names after
   * its generic class when it does not model it: `Lambda.AWSLambdaException`, `DynamoDB.AmazonDynamoDBException`,
   * `EventBridge.AmazonEventBridgeException`, `SQS.AmazonSQSException`, `StepFunctions.AWSStepFunctionsException`. So a
   * Retry or Catch sees it as on AWS.
   */
  private authorize(resource: TaskResource, parameters: unknown, target: TaskTarget): void {
    const where = this.cloud;
    const fields = (isObject(parameters) ? parameters : {}) as Record<string, unknown>;
    const requests: Array<{ action: string; resource: string; context?: Record<string, string> }> = [];
    const [service, api] = resource.action.split(':') as [string, string];
    if (resource.action === 'lambda:function') requests.push({ action: 'lambda:InvokeFunction', resource: functionArn(resource.arn, where) });
    else if (resource.action === 'lambda:invoke') requests.push({ action: 'lambda:InvokeFunction', resource: functionArn(String(fields.FunctionName), where) });
    else if (resource.action === 'sqs:sendMessage') requests.push({ action: 'sqs:SendMessage', resource: queueArn(String(fields.QueueUrl), where) });
    else if (resource.action === 'states:startExecution') requests.push({ action: 'states:StartExecution', resource: String(fields.StateMachineArn) });
    else if (resource.action === 'events:putEvents') {
      for (const entry of Array.isArray(fields.Entries) ? fields.Entries : []) {
        const { EventBusName: bus, Source: source, DetailType: detailType } = (isObject(entry) ? entry : {}) as Record<string, unknown>;
        const context = { ...(typeof source === 'string' && { 'events:source': source }), ...(typeof detailType === 'string' && { 'events:detail-type': detailType }) };
        requests.push({ action: 'events:PutEvents', resource: eventBusArn(typeof bus === 'string' ? bus : undefined, where), context });
      }
    } else requests.push({ action: `${service}:${api.charAt(0).toUpperCase()}${api.slice(1)}`, resource: tableArn(String(fields.TableName), where) });
    const caller = { kind: 'role' as const, roleArn: target.roleArn, sessionName: target.executionArn.split(':').pop()! };
    for (const request of requests) {
      const decision = this.cloud.iam.authorize({ caller, ...request });
      if (decision.allowed) continue;
      const { error, service: serviceName, statusCode } = SERVICE_ERRORS[service]!;
      throw new StatesError(error, serviceCause(decision.message, serviceName, statusCode, 'AccessDeniedException'));
    }
  }

  /**
   * `Resource: <function ARN>`: the state's input is the event, the function's result is the state's result.
   * https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-handling-error-conditions.html
   */
  private async invokeFunction(functionArn: string, input: unknown): Promise<unknown> {
    const result = await this.invoke(functionArn, JSON.stringify(input ?? null));
    return parsePayload(result.payload);
  }

  /**
   * `arn:aws:states:::lambda:invoke`: the result is Lambda's Invoke response with the Payload parsed.
   * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
   */
  private async lambdaInvoke(parameters: unknown): Promise<unknown> {
    const functionName = requiredField(parameters, 'FunctionName');
    const { Payload: payload, InvocationType: invocationType = 'RequestResponse' } = parameters as Record<string, unknown>;
    const body = payload === undefined ? '{}' : typeof payload === 'string' && isJson(payload) ? payload : JSON.stringify(payload);
    const requestId = randomUUID();
    if (invocationType === 'Event') {
      await this.guard('Lambda', 'AWSLambda', () => this.cloud.lambda.invokeAsync(functionName, body));
      return invokeResponse(202, '', requestId);
    }
    if (invocationType === 'DryRun') return invokeResponse(204, '', requestId);
    const result = await this.invoke(functionName, body);
    return invokeResponse(200, parsePayload(result.payload), requestId);
  }

  private async invoke(functionName: string, payload: string): Promise<LambdaInvokeResult> {
    const result = await this.guard('Lambda', 'AWSLambda', () => this.cloud.lambda.invoke(functionName, payload));
    if (result.functionError) {
      // The function's errorType names the error; an error without one (crash, timeout) is Lambda.Unknown.
      // https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
      const failure = parsePayload(result.payload);
      const errorType = isObject(failure) && typeof failure.errorType === 'string' ? failure.errorType : 'Lambda.Unknown';
      throw new StatesError(errorType, typeof failure === 'string' ? failure : JSON.stringify(failure));
    }
    return result;
  }

  /**
   * Detail objects are serialised and the state machine and execution ARNs are appended to each entry's
   * Resources; a non-zero FailedEntryCount fails the state with EventBridge.FailedEntry.
   * https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
   */
  private async putEvents(parameters: unknown, target: TaskTarget): Promise<unknown> {
    const entries = requiredField<unknown[]>(parameters, 'Entries', Array.isArray);
    const requests: PutEventsEntry[] = entries.map((entry) => {
      const { Detail: detail, Resources: resources, ...rest } = (isObject(entry) ? entry : {}) as Record<string, any>;
      return {
        ...rest,
        ...(detail !== undefined && { Detail: typeof detail === 'string' ? detail : JSON.stringify(detail) }),
        Resources: [...(Array.isArray(resources) ? resources : []), target.stateMachineArn, target.executionArn],
      };
    });
    const result = await this.guard('EventBridge', 'AmazonEventBridge', () => this.cloud.events.putEvents(requests));
    const response = { Entries: result.Entries, FailedEntryCount: result.FailedEntryCount };
    if (result.FailedEntryCount > 0) throw new StatesError('EventBridge.FailedEntry', JSON.stringify(response));
    return response;
  }

  /**
   * A MessageBody that is not a string is sent as its JSON text.
   * https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
   */
  private async sendMessage(parameters: unknown): Promise<unknown> {
    const queueUrl = requiredField(parameters, 'QueueUrl');
    const { MessageBody: messageBody, MessageAttributes: attributes, DelaySeconds, MessageGroupId, MessageDeduplicationId } = parameters as Record<string, any>;
    if (messageBody === undefined) throw missingField('MessageBody');
    const body = typeof messageBody === 'string' ? messageBody : JSON.stringify(messageBody);
    const options = { delaySeconds: DelaySeconds, messageGroupId: MessageGroupId, messageDeduplicationId: MessageDeduplicationId };
    const { MessageId } = await this.guard('SQS', 'AmazonSQS', () =>
      this.cloud.sqs.sendMessage(queueUrl, body, attributes as Record<string, SqsMessageAttribute> | undefined, options),
    );
    const md5OfMessageAttributes = md5OfAttributes(attributes);
    return { MD5OfMessageBody: md5Hex(body), MessageId, ...(md5OfMessageAttributes && { MD5OfMessageAttributes: md5OfMessageAttributes }) };
  }

  /**
   * Starts an execution of another state machine and answers at once (the Request Response pattern): an Input that is
   * not a string is sent as its JSON text, and the result is `{ ExecutionArn, StartDate }`. StartExecution's own errors
   * are `StepFunctions.<Code>`: a name already taken is `StepFunctions.ExecutionAlreadyExists` (the same name and input
   * while that execution runs answers it instead, as StartExecution does).
   * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
   * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-nested-workflows.html
   */
  private async startExecution(parameters: unknown): Promise<unknown> {
    const stateMachineArn = requiredField(parameters, 'StateMachineArn');
    const { Input: input, Name: name } = parameters as Record<string, unknown>;
    if (name !== undefined && typeof name !== 'string') throw new StatesError('States.Runtime', "The field 'Name' of the Task state's Parameters must be a string", true);
    const text = input === undefined ? '{}' : typeof input === 'string' ? input : JSON.stringify(input);
    const started = await this.guard('StepFunctions', 'AWSStepFunctions', () => this.cloud.states.startExecution({ stateMachineArn, input: text, ...(name !== undefined && { name }) }));
    return { ExecutionArn: started.executionArn, StartDate: started.startDate.getTime() };
  }

  /**
   * The Parameters are the DynamoDB API request, the result its response.
   * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
   */
  private async dynamodb(action: keyof typeof DYNAMODB_COMMANDS, parameters: unknown): Promise<unknown> {
    const command = DYNAMODB_COMMANDS[action](toSdkBlobs(parameters));
    try {
      const { $metadata: _metadata, ...response } = await this.dynamodbClientFor().send(command);
      return fromSdkBlobs(response);
    } catch (error) {
      if (error instanceof StatesError) throw error;
      const failure = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
      if (!failure.$metadata?.httpStatusCode) throw new StatesError('DynamoDB.SdkClientException', failure.message);
      const name = DYNAMODB_EXCEPTIONS.has(failure.name) ? failure.name : 'AmazonDynamoDBException';
      const cause = serviceCause(failure.message, 'AmazonDynamoDBv2', failure.$metadata.httpStatusCode, failure.name, failure.$metadata.requestId);
      throw new StatesError(`DynamoDB.${name}`, cause);
    }
  }

  private dynamodbClientFor(): DynamoDBClient {
    const endpoint = this.cloud.dynamodbEndpoint;
    if (!endpoint) throw new StatesError('DynamoDB.SdkClientException', 'The local cloud has no DynamoDB endpoint (cloud.dynamodbEndpoint is not set)');
    // A Task's own Retry decides about retries, as for every other integration.
    this.dynamodbClient ??= new DynamoDBClient({
      endpoint,
      region: this.cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    return this.dynamodbClient;
  }

  /** An AwsError from another emulated service becomes `<Prefix>.<Code>` with the cause text Step Functions writes. */
  private async guard<T>(prefix: string, service: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof StatesError) throw error;
      if (!(error instanceof AwsError)) throw new StatesError(`${prefix}.SdkClientException`, (error as Error).message);
      const code = error.queryErrorCode ?? error.code;
      // SQS reports every service error as SQS.AmazonSQSException.
      const name = prefix === 'SQS' ? 'AmazonSQSException' : error.code;
      throw new StatesError(`${prefix}.${name}`, serviceCause(error.message, service, error.statusCode, code));
    }
  }
}

function invokeResponse(statusCode: number, payload: unknown, requestId: string) {
  const headers = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

/** As Step Functions appends it to a service error's message. */
function serviceCause(message: string, service: string, statusCode: number, code: string, requestId: string = randomUUID()): string {
  return `${message} (Service: ${service}; Status Code: ${statusCode}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
}

function missingField(field: string): StatesError {
  return new StatesError('States.Runtime', `The field '${field}' is required in the Task state's Parameters`, true);
}

function requiredField<T = string>(parameters: unknown, field: string, check: (value: unknown) => boolean = (value) => typeof value === 'string'): T {
  const value = isObject(parameters) ? parameters[field] : undefined;
  if (!check(value)) throw missingField(field);
  return value as T;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A Lambda payload as JSON when it is JSON, else as the text it is. */
function parsePayload(payload: string): unknown {
  if (payload === '') return null;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

/** Step Functions carries binary attribute values (B, BS) as base64 text; the SDK wants bytes. */
function toSdkBlobs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSdkBlobs);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (keys.length === 1 && Array.isArray(value.BS) && value.BS.every((item: unknown) => typeof item === 'string')) {
    return { BS: value.BS.map((item: string) => Buffer.from(item, 'base64')) };
  }
  return Object.fromEntries(keys.map((key) => [key, toSdkBlobs(value[key])]));
}

function fromSdkBlobs(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(fromSdkBlobs);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromSdkBlobs(item)]));
}
