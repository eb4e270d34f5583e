import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './tracing';

/**
 * One client of each kind per process (reused across warm invocations), created at first use inside a handler:
 * locally, functions share a process and see their environment (AWS_ENDPOINT_URL...) only while they run. Each one is
 * traced: its calls are subsegments of the function's X-Ray trace.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sfnClient: SFNClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;

export const dynamoDocuments = () =>
  (documentClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), { marshallOptions: { removeUndefinedValues: true } }));
/**
 * StartSyncExecution goes to the `sync-` prefixed host on AWS; an endpoint of its own (the local emulator) is one host,
 * so the prefix is left off there.
 */
export const stepFunctions = () => (sfnClient ??= traced(new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN ?? process.env.AWS_ENDPOINT_URL) })));
export const eventBridge = () => (eventBridgeClient ??= traced(new EventBridgeClient({})));

/** Configuration is read per invocation (see above); a missing variable is a deployment error, named. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The failure of a conditional write, which the adapters read as "someone else got there first". */
export const isConditionFailed = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';
