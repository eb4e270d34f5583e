import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { dynaliteDispatcher } from './dynalite-dispatch';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const dispatch = dynaliteDispatcher(server);
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// dynalite checks that a signature is there, not what it is.
const headersFor = (operation: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `DynamoDB_20120810.${operation}`,
  'x-amz-date': '20260101T000000Z',
  authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
});

async function overHttp(operation: string, body: string) {
  const response = await fetch(url, { method: 'POST', headers: headersFor(operation), body });
  return { statusCode: response.status, crc32: response.headers.get('x-amz-crc32'), contentType: response.headers.get('content-type'), body: await response.text() };
}

async function inProcess(operation: string, body: string) {
  const answer = await dispatch({ method: 'POST', url: '/', headers: headersFor(operation), body: Buffer.from(body) });
  expect(answer.headers['x-amzn-requestid']).toMatch(/^[A-Z0-9]{52}$/);
  return { statusCode: answer.statusCode, crc32: answer.headers['x-amz-crc32'], contentType: answer.headers['content-type'], body: answer.body };
}

const table = (name: string) => JSON.stringify({ TableName: name, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] });
const conditionalPut = (name: string) => JSON.stringify({ TableName: name, Item: { id: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(id)' });

describe('dynaliteDispatcher', () => {
  it('answers every request as dynalite does over HTTP: status, body, content type and the crc32 the SDK checks', async () => {
    await overHttp('CreateTable', table('over-http'));
    await inProcess('CreateTable', table('in-process'));
    const cases: Array<[string, (name: string) => string]> = [
      ['PutItem', conditionalPut], // applied
      ['PutItem', conditionalPut], // ConditionalCheckFailedException
      ['GetItem', (name) => JSON.stringify({ TableName: name, Key: { id: { S: 'a' } }, ConsistentRead: true })],
      ['PutItem', () => '{not json'], // SerializationException
      ['GetItem', (name) => JSON.stringify({ TableName: name })], // ValidationException
    ];
    for (const [operation, body] of cases) {
      const viaHttp = await overHttp(operation, body('over-http'));
      const viaDispatch = await inProcess(operation, body('in-process'));
      expect({ ...viaDispatch, body: viaDispatch.body.replaceAll('in-process', 'T') }).toEqual({ ...viaHttp, body: viaHttp.body.replaceAll('over-http', 'T') });
    }
    const refused = await inProcess('PutItem', conditionalPut('in-process'));
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body).__type).toBe('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException');
  });
});
