import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { md5Hex } from '../sqs/md5';
import { closeTestClouds, functionArn, testStepFunctions } from './test-cloud';

afterEach(closeTestClouds);

describe('events:putEvents', () => {
  test('sends the entries with their Detail as JSON text and the machine and execution ARNs as Resources', async () => {
    const t = testStepFunctions();
    const arn = await t.createMachine({
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ EventBusName: 'shop', Source: 'shop.orders', DetailType: 'OrderConfirmed.v1', Detail: { 'orderId.$': '$.orderId' }, Resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders'] }] },
          End: true,
        },
      },
    });
    const executionArn = await t.start(arn, { orderId: 'o-1' });
    expect(JSON.parse((await t.finished(executionArn)).output)).toEqual({ Entries: [{ EventId: 'event-1' }], FailedEntryCount: 0 });
    expect(t.fakes.events).toEqual([
      {
        EventBusName: 'shop',
        Source: 'shop.orders',
        DetailType: 'OrderConfirmed.v1',
        Detail: '{"orderId":"o-1"}',
        Resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/orders', arn, executionArn],
      },
    ]);
  });

  test('a failed entry fails the state with EventBridge.FailedEntry', async () => {
    const t = testStepFunctions();
    t.fakes.failingDetailTypes.add('Broken');
    const arn = await t.createMachine({
      StartAt: 'Publish',
      States: {
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: { Entries: [{ Source: 's', DetailType: 'Fine', Detail: '{}' }, { Source: 's', DetailType: 'Broken', Detail: '{}' }] },
          Catch: [{ ErrorEquals: ['EventBridge.FailedEntry'], Next: 'Failed' }],
          End: true,
        },
        Failed: { Type: 'Pass', End: true },
      },
    });
    const caught = JSON.parse((await t.finished(await t.start(arn))).output);
    expect(caught.Error).toBe('EventBridge.FailedEntry');
    expect(JSON.parse(caught.Cause)).toEqual({ Entries: [{ EventId: 'event-1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'failed on purpose' }], FailedEntryCount: 1 });
  });
});

describe('sqs:sendMessage', () => {
  test('sends the body (JSON text when it is not a string) and answers MessageId and MD5OfMessageBody', async () => {
    const t = testStepFunctions();
    const queue = 'https://sqs.us-east-1.amazonaws.com/000000000000/orders';
    const arn = await t.createMachine({
      StartAt: 'Send',
      States: {
        Send: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: {
            QueueUrl: queue,
            MessageBody: { 'orderId.$': '$.orderId' },
            MessageGroupId: 'orders',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
          },
          End: true,
        },
      },
    });
    const output = JSON.parse((await t.finished(await t.start(arn, { orderId: 'o-9' }))).output);
    expect(output).toEqual({ MessageId: 'message-1', MD5OfMessageBody: md5Hex('{"orderId":"o-9"}'), MD5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(t.fakes.messages).toEqual([
      { queue, body: '{"orderId":"o-9"}', attributes: { kind: { DataType: 'String', StringValue: 'order' } }, options: { messageGroupId: 'orders', delaySeconds: undefined, messageDeduplicationId: undefined } },
    ]);
  });

  test('an SQS error is SQS.AmazonSQSException', async () => {
    const t = testStepFunctions();
    t.fakes.missingQueues.add('gone');
    const arn = await t.createMachine({
      StartAt: 'Send',
      States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'gone', MessageBody: 'x' }, End: true } },
    });
    const execution = await t.finished(await t.start(arn));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'SQS.AmazonSQSException' });
    expect(execution.cause).toContain('Error Code: AWS.SimpleQueueService.NonExistentQueue');
  });
});

describe('dynamodb (against dynalite)', () => {
  let server: Server;
  let endpoint: string;
  const table = 'orders';

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const dynamoMachine = {
    StartAt: 'Claim',
    States: {
      Claim: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: {
          TableName: table,
          Item: { pk: { 'S.$': '$.orderId' }, status: { S: 'CLAIMED' }, blob: { B: 'AAEC' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
        ResultPath: null,
        Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.duplicate', Next: 'Duplicate' }],
        Next: 'Confirm',
      },
      Confirm: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Parameters: {
          TableName: table,
          Key: { pk: { 'S.$': '$.orderId' } },
          UpdateExpression: 'SET #status = :confirmed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':confirmed': { S: 'CONFIRMED' } },
          ReturnValues: 'ALL_NEW',
        },
        ResultPath: '$.updated',
        Next: 'Read',
      },
      Read: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: { TableName: table, Key: { pk: { 'S.$': '$.orderId' } } },
        ResultSelector: { 'item.$': '$.Item' },
        End: true,
      },
      Duplicate: { Type: 'Pass', End: true },
    },
  };

  test('putItem, updateItem and getItem answer the DynamoDB responses; a failed condition is caught by name', async () => {
    const t = testStepFunctions();
    t.cloud.dynamodbEndpoint = endpoint;
    const arn = await t.createMachine(dynamoMachine);
    const first = JSON.parse((await t.finished(await t.start(arn, { orderId: 'o-1' }))).output);
    expect(first).toEqual({ item: { pk: { S: 'o-1' }, status: { S: 'CONFIRMED' }, blob: { B: 'AAEC' } } });

    const second = await t.finished(await t.start(arn, { orderId: 'o-1' }));
    const { duplicate } = JSON.parse(second.output);
    expect(duplicate.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(duplicate.Cause).toMatch(/\(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: .+; Proxy: null\)$/);

    // The binary value reached DynamoDB as bytes, not as base64 text.
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const stored = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'o-1' } } }));
    expect([...(stored.Item!.blob!.B as Uint8Array)]).toEqual([0, 1, 2]);
    client.destroy();
  });

  test('deleteItem, and the errors AWS names: ResourceNotFoundException, and AmazonDynamoDBException for a validation error', async () => {
    const t = testStepFunctions();
    t.cloud.dynamodbEndpoint = endpoint;
    const call = (resource: string, parameters: object) => ({
      Type: 'Task',
      Resource: `arn:aws:states:::dynamodb:${resource}`,
      Parameters: parameters,
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
      End: true,
    });
    const run = async (state: object) => {
      const arn = await t.createMachine({ StartAt: 'Call', States: { Call: state, Caught: { Type: 'Pass', End: true } } });
      return JSON.parse((await t.finished(await t.start(arn))).output);
    };
    expect(await run(call('deleteItem', { TableName: table, Key: { pk: { S: 'nothing' } }, ReturnValues: 'ALL_OLD' }))).toEqual({});
    expect((await run(call('getItem', { TableName: 'missing-table', Key: { pk: { S: 'x' } } }))).Error).toBe('DynamoDB.ResourceNotFoundException');
    expect((await run(call('putItem', { TableName: table, Item: { other: { S: 'no key' } } }))).Error).toBe('DynamoDB.AmazonDynamoDBException');
  });
});

describe('states:startExecution', () => {
  const starter = (child: string, name: string) => ({
    StartAt: 'StartChild',
    States: {
      StartChild: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution',
        Parameters: { StateMachineArn: child, 'Name.$': name, Input: { 'orderId.$': '$.orderId' } },
        Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExists'], ResultPath: '$.error', Next: 'AlreadyStarted' }],
        End: true,
      },
      AlreadyStarted: { Type: 'Pass', End: true },
    },
  });

  test('an Express execution starts a Standard one by name, which runs with the Input as JSON; a second start by the same name is StepFunctions.ExecutionAlreadyExists', async () => {
    const t = testStepFunctions();
    t.fakes.functions.set('release', (event) => ({ released: event.orderId }));
    const child = await t.createMachine({ StartAt: 'Release', States: { Release: { Type: 'Task', Resource: functionArn('release'), End: true } } }, { name: 'release' });
    const parent = await t.createMachine(starter(child, "States.Format('release-{}', $.orderId)"), { type: 'EXPRESS' });

    const first = await t.call('StartSyncExecution', { stateMachineArn: parent, input: JSON.stringify({ orderId: 'o-1' }) });
    expect(first.status).toBe('SUCCEEDED');
    const started = JSON.parse(first.output);
    expect(started).toEqual({ ExecutionArn: `${child.replace(':stateMachine:', ':execution:')}:release-o-1`, StartDate: expect.any(Number) });
    expect(JSON.parse((await t.finished(started.ExecutionArn)).output)).toEqual({ released: 'o-1' });
    expect(t.fakes.invocationsOf('release')).toEqual([{ orderId: 'o-1' }]);

    const again = await t.call('StartSyncExecution', { stateMachineArn: parent, input: JSON.stringify({ orderId: 'o-1' }) });
    expect(JSON.parse(again.output).error.Error).toBe('StepFunctions.ExecutionAlreadyExists');
    expect(t.fakes.invocationsOf('release')).toHaveLength(1);
  });

  test('a state machine that does not exist is StepFunctions.StateMachineDoesNotExist', async () => {
    const t = testStepFunctions();
    const parent = await t.createMachine(starter('arn:aws:states:us-east-1:000000000000:stateMachine:missing', '$.orderId'));
    const execution = await t.finished(await t.start(parent, { orderId: 'o-2' }));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'StepFunctions.StateMachineDoesNotExist' });
  });
});
