import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// Clients are made on first use, inside an invocation (locally, functions share one process and its environment
// is per invocation), and then reused across invocations as Lambda reuses its execution environment.
let documentClient: DynamoDBDocumentClient | undefined;
let sfnClient: SFNClient | undefined;

export const dynamodb = () => (documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({})));
export const stepFunctions = () => (sfnClient ??= new SFNClient({}));

/** A function's required configuration, read when it is needed (never at import time). */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export const isConditionFailed = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';
