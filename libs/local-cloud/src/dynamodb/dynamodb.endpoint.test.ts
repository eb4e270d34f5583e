import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, TransactGetItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalCloud, type LocalCloud } from '../index';

describe('DynamoDB on the emulator endpoint', () => {
  let local: LocalCloud;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0 });
    client = new DynamoDBClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    documents = DynamoDBDocumentClient.from(client);
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
  });

  it('proxies to dynalite; integrations reach it through the endpoint', async () => {
    expect(local.cloud.dynamodbEndpoint).toBe(local.url);
    await client.send(
      new CreateTableCommand({
        TableName: 'idempotency',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const put = () => documents.send(new PutCommand({ TableName: 'idempotency', Item: { id: 'k1', status: 'INPROGRESS' }, ConditionExpression: 'attribute_not_exists(id)' }));
    await put();
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const found = await documents.send(new QueryCommand({ TableName: 'idempotency', KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': 'k1' } }));
    expect(found.Items).toEqual([{ id: 'k1', status: 'INPROGRESS' }]);
    await expect(client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'idempotency', Key: { id: { S: 'k1' } } } }] }))).rejects.toThrow(
      'TransactGetItems is not supported by the local DynamoDB (dynalite)',
    );
  });
});
