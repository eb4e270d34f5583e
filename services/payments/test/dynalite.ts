import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynalite } from '../../../libs/events/test/dynalite';

/** A throwaway dynalite with the payments service's tables (as serverless.yml declares them) and a document client. */
export async function startPaymentsDb() {
  const db = await startDynalite('idempotency');
  for (const [TableName, key] of [['payments', 'orderId'], ['provider', 'id']] as const) {
    await db.client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  return { ...db, documents: DynamoDBDocumentClient.from(db.client) };
}
