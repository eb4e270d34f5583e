import { DynamoDBClient, type ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { clientPerCredentials } from './client-per-credentials';
import { traced } from './tracing';

/**
 * One client of each kind per process and credentials (reused across warm invocations), created at first use inside a
 * handler: locally, functions share a process and see their environment (AWS_ENDPOINT_URL, their role's
 * credentials...) only while they run (client-per-credentials.ts). Each one is traced: its calls are subsegments of
 * the function's X-Ray trace. One module per client, so that a function's bundle loads only the SDK clients it uses
 * (each costs tens of milliseconds of its cold start).
 */
export const dynamoDocuments = clientPerCredentials(() =>
  DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), { marshallOptions: { removeUndefinedValues: true } }),
);

/** Every item a Scan answers, following LastEvaluatedKey (a page holds at most 1 MB). */
export async function* scanItems<T>(input: Omit<ScanCommandInput, 'ExclusiveStartKey'>, client: Pick<DynamoDBDocumentClient, 'send'> = dynamoDocuments()): AsyncGenerator<T> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ ...input, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const item of page.Items ?? []) yield item as T;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/**
 * The item as it was when a conditional write failed, carried by the failure itself when the write asked for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`): no second read, and no write can come in between. Undefined when
 * there was no item. The DocumentClient leaves the error's Item marshalled.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
 */
export const itemAsItWas = <T>(failure: ConditionalCheckFailedException): T | undefined => (failure.Item ? (unmarshall(failure.Item) as T) : undefined);
