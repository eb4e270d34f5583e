import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, ListExecutionsCommand, type ListExecutionsCommandOutput, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../index';
import { receivedRecords } from '../lambda/fixtures/handlers';
import { clientConfig } from '../lambda/fixtures/activity';
import { loadSystem, type LoadedStack, type PackagedService } from './loader';

const servicePath = path.resolve(__dirname, '../lambda');

function service(stackName: string, template: object): PackagedService {
  return { servicePath, stackName, template: template as PackagedService['template'], sourceHandlers: new Map() };
}

const busStack = service('bus-dev', {
  Resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'loader-bus' } } },
  Outputs: { BusName: { Value: { Ref: 'Bus' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-BusName' } } } },
});

const appStack = service('app-dev', {
  Resources: {
    Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'app-dlq' } },
    Inbox: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: 'app-inbox', RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 } },
    },
    InboxPolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: { Queues: [{ Ref: 'Inbox' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Inbox', 'Arn'] } }] } },
    },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: 'app-items', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] },
    },
    Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'app-role' } },
    Worker: {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: 'app-dev-worker', Handler: 'fixtures/handlers.reportPoison', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Environment: { Variables: { TABLE: { Ref: 'Table' } } } },
    },
    Failer: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'app-dev-failer', Handler: 'fixtures/handlers.fail', Timeout: 5, ReservedConcurrentExecutions: 2 } },
    FailerAsyncConfig: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: { FunctionName: { Ref: 'Failer' }, Qualifier: '$LATEST', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } },
    },
    WorkerMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['Inbox', 'Arn'] }, FunctionName: { Ref: 'Worker' }, BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] },
    },
    Echo: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'app-dev-echo', Handler: 'fixtures/handlers.echo' } },
    HttpApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'dev-app', ProtocolType: 'HTTP' } },
    HttpApiStage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'HttpApi' }, StageName: '$default', AutoDeploy: true } },
    HttpApiIntegrationEcho: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { ApiId: { Ref: 'HttpApi' }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['Echo', 'Arn'] }, PayloadFormatVersion: '2.0', TimeoutInMillis: 30000 },
    },
    HttpApiRouteGetEchoIdVar: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: { ApiId: { Ref: 'HttpApi' }, RouteKey: 'GET /echo/{id}', Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'HttpApiIntegrationEcho' }]] } },
    },
    Saga: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: 'app-dev-saga',
        DefinitionString: {
          'Fn::Sub': [
            JSON.stringify({
              StartAt: 'Echo',
              States: { Echo: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${EchoArn}', 'Payload.$': '$.detail' }, OutputPath: '$.Payload', End: true } },
            }),
            { EchoArn: { 'Fn::GetAtt': ['Echo', 'Arn'] } },
          ],
        },
      },
    },
    ToSaga: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { 'Fn::ImportValue': 'bus-dev-BusName' },
        EventPattern: { source: ['saga'] },
        Targets: [{ Id: 'saga', Arn: { Ref: 'Saga' }, RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } }],
      },
    },
    ToInbox: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { 'Fn::ImportValue': 'bus-dev-BusName' },
        EventPattern: { source: ['app'] },
        Targets: [{ Id: 'inbox', Arn: { 'Fn::GetAtt': ['Inbox', 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } }],
      },
    },
  },
  Outputs: {
    InboxUrl: { Value: { Ref: 'Inbox' } },
    RuleRef: { Value: { Ref: 'ToInbox' } },
    WorkerArn: { Value: { 'Fn::GetAtt': ['Worker', 'Arn'] } },
  },
});

let local: LocalCloud;
let stacks: LoadedStack[];
beforeAll(async () => {
  // The fixture declares no roles or policies: IAM is off here; its checks between services are tested in iam/.
  local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
  // Given in the "wrong" order: the loader must put the exporting stack first.
  stacks = await loadSystem([appStack, busStack], { endpoint: local.url, functions: local.lambda, accountId: local.cloud.accountId, httpApis: local.http });
});
afterAll(() => local.stop());

describe('loadSystem', () => {
  it('orders stacks by their imports and answers Ref / Fn::GetAtt as CloudFormation does', () => {
    expect(stacks.map((s) => s.stackName)).toEqual(['bus-dev', 'app-dev']);
    expect(stacks[1]!.outputs).toEqual({
      InboxUrl: `${local.url}/${local.cloud.accountId}/app-inbox`,
      RuleRef: 'loader-bus|app-dev-ToInbox',
      WorkerArn: `arn:aws:lambda:us-east-1:${local.cloud.accountId}:function:app-dev-worker`,
    });
  });

  it('creates queues with their redrive policy, and tables', async () => {
    const sqs = new SQSClient(clientConfig(local.url));
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stacks[1]!.outputs.InboxUrl as string, AttributeNames: ['RedrivePolicy', 'Policy'] }));
    sqs.destroy();
    expect(JSON.parse(attributes.Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${local.cloud.accountId}:app-dlq`, maxReceiveCount: 3 });
    expect(JSON.parse(attributes.Attributes!.Policy!).Statement[0].Action).toBe('sqs:SendMessage');
    const dynamodb = new DynamoDBClient(clientConfig(local.url));
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: 'app-items' }));
    dynamodb.destroy();
    expect(table.Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
  });

  it('registers functions with their resolved environment, reserved concurrency and async configuration', () => {
    expect(local.lambda.getFunction('app-dev-worker').environment).toMatchObject({ TABLE: 'app-items' });
    expect(local.lambda.getFunction('app-dev-failer')).toMatchObject({
      timeoutSeconds: 5, reservedConcurrentExecutions: 2, maximumRetryAttempts: 0, onFailureDestinationArn: `arn:aws:sqs:us-east-1:${local.cloud.accountId}:app-dlq`,
    });
  });

  it('wires rule → queue → event-source mapping → function end to end', async () => {
    receivedRecords.length = 0;
    const events = new EventBridgeClient(clientConfig(local.url));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'loader-bus', Source: 'app', DetailType: 'Ping', Detail: '{"n":1}' }] }));
    events.destroy();
    for (let i = 0; i < 200 && receivedRecords.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(receivedRecords).toHaveLength(1);
    expect(JSON.parse(receivedRecords[0]!.body)).toMatchObject({ source: 'app', 'detail-type': 'Ping', detail: { n: 1 } });
  });

  it('creates state machines from their substituted definitions and starts them from rule targets', async () => {
    const events = new EventBridgeClient(clientConfig(local.url));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'loader-bus', Source: 'saga', DetailType: 'Go', Detail: '{"orderId":"o-1"}' }] }));
    events.destroy();
    const sfn = new SFNClient(clientConfig(local.url));
    const machine = `arn:aws:states:us-east-1:${local.cloud.accountId}:stateMachine:app-dev-saga`;
    let executions: ListExecutionsCommandOutput['executions'] = [];
    for (let i = 0; i < 200 && executions?.[0]?.status !== 'SUCCEEDED'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions;
    }
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executions![0]!.executionArn }));
    sfn.destroy();
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toMatchObject({ event: { orderId: 'o-1' }, functionName: 'app-dev-echo' });
  });

  it('routes HTTP API requests to the integrated function (payload format 2.0)', async () => {
    const answer = await local.http.handle({ method: 'GET', url: '/echo/42?x=1' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(String(answer.body))).toMatchObject({ functionName: 'app-dev-echo', event: { routeKey: 'GET /echo/{id}', pathParameters: { id: '42' } } });
  });

  it('sends a failed asynchronous invocation to the configured on-failure destination', async () => {
    await local.lambda.invokeAsync('app-dev-failer', '{"order":"x"}');
    await local.lambda.asyncSettled();
    const sqs = new SQSClient(clientConfig(local.url));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${local.url}/${local.cloud.accountId}/app-dlq`, WaitTimeSeconds: 1 }));
    sqs.destroy();
    const record = JSON.parse(received.Messages![0]!.Body!);
    expect(record.requestContext.condition).toBe('RetriesExhausted');
    expect(record.requestPayload).toEqual({ order: 'x' });
    expect(record.responsePayload.errorMessage).toBe('boom');
  });

  it('applies a mapping\'s FilterCriteria: a message no filter matches is deleted unprocessed', async () => {
    const filtered = service('filtered-dev', {
      Resources: {
        Orders: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'filtered-orders' } },
        Consumer: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'filtered-dev-consumer', Handler: 'fixtures/handlers.reportPoison' } },
        Mapping: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: {
            EventSourceArn: { 'Fn::GetAtt': ['Orders', 'Arn'] },
            FunctionName: { Ref: 'Consumer' },
            FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['wanted'] } }) }] },
          },
        },
      },
    });
    await loadSystem([filtered], { endpoint: local.url, functions: local.lambda, accountId: local.cloud.accountId });
    const sqs = new SQSClient(clientConfig(local.url));
    const queueUrl = `${local.url}/${local.cloud.accountId}/filtered-orders`;
    for (const kind of ['unwanted', 'wanted']) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ kind }) }));
    const left = async () => {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible);
    };
    for (let i = 0; i < 200 && (await left()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await left()).toBe(0);
    sqs.destroy();
    expect(receivedRecords.map((record) => record.body).filter((body) => body.includes('wanted'))).toEqual(['{"kind":"wanted"}']);
  });

  it("refuses an event source mapping whose queue's visibility timeout is shorter than the function's timeout", async () => {
    const tight = service('tight-dev', {
      Resources: {
        Jobs: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'tight-jobs', VisibilityTimeout: 30 } },
        Worker: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'tight-dev-worker', Handler: 'fixtures/handlers.echo', Timeout: 60 } },
        Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: { 'Fn::GetAtt': ['Jobs', 'Arn'] }, FunctionName: { Ref: 'Worker' } } },
      },
    });
    await expect(loadSystem([tight], { endpoint: local.url, functions: local.lambda, accountId: local.cloud.accountId })).rejects.toThrow(
      'lambda (tight-dev): Mapping (AWS::Lambda::EventSourceMapping): Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds',
    );
  });

  it("applies a table's TimeToLiveSpecification, as CloudFormation does", async () => {
    const table = (TableName: string, TimeToLiveSpecification?: object) => ({
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], TimeToLiveSpecification },
    });
    const stack = service('ttl-dev', {
      Resources: {
        Expiring: table('ttl-expiring', { AttributeName: 'expiration', Enabled: true }),
        Disabled: table('ttl-disabled', { AttributeName: 'expiration', Enabled: false }),
        Plain: table('ttl-plain'),
      },
    });
    await loadSystem([stack], { endpoint: local.url, functions: local.lambda, accountId: local.cloud.accountId });
    const dynamodb = new DynamoDBClient(clientConfig(local.url));
    const described = async (TableName: string) => (await dynamodb.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;
    expect(await described('ttl-expiring')).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
    expect(await described('ttl-disabled')).toEqual({ TimeToLiveStatus: 'DISABLED' });
    expect(await described('ttl-plain')).toEqual({ TimeToLiveStatus: 'DISABLED' });
    dynamodb.destroy();

    const nameless = service('ttl-bad-dev', { Resources: { Bad: table('ttl-nameless', { Enabled: true }) } });
    await expect(loadSystem([nameless], { endpoint: local.url, functions: local.lambda })).rejects.toThrow(
      "lambda (ttl-bad-dev): Bad (AWS::DynamoDB::Table): 1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('creates SNS topics, subscriptions and CloudWatch alarms, the alarm notifying a topic another stack exports', async () => {
    const ops = service('ops-dev', {
      Parameters: { AlarmEmailAddress: { Type: 'String', Default: 'ops@example.com' } },
      Resources: {
        AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'ops-alarms-dev', DisplayName: 'Ops alarms' } },
        AlarmEmail: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: { Ref: 'AlarmEmailAddress' } } },
        AlarmInbox: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'ops-alarm-inbox' } },
        AlarmQueueSubscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': ['AlarmInbox', 'Arn'] }, RawMessageDelivery: true },
        },
        AlarmTopicPolicy: {
          Type: 'AWS::SNS::TopicPolicy',
          Properties: { Topics: [{ Ref: 'AlarmTopic' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: '*' }] } },
        },
      },
      Outputs: {
        AlarmTopicArn: { Value: { Ref: 'AlarmTopic' }, Export: { Name: 'ops-dev-AlarmTopicArn' } },
        AlarmTopicName: { Value: { 'Fn::GetAtt': ['AlarmTopic', 'TopicName'] } },
      },
    });
    const watched = service('watched-dev', {
      Resources: {
        Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'watched-dlq' } },
        DlqAlarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmDescription: 'a message waits in the DLQ',
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Dlq', 'QueueName'] } }],
            Statistic: 'Maximum',
            Period: '60',
            EvaluationPeriods: 1,
            Threshold: 0,
            ComparisonOperator: 'GreaterThanThreshold',
            TreatMissingData: 'notBreaching',
            AlarmActions: [{ 'Fn::ImportValue': 'ops-dev-AlarmTopicArn' }],
          },
        },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/watched-dev' } },
      },
      Outputs: { AlarmName: { Value: { Ref: 'DlqAlarm' } }, AlarmArn: { Value: { 'Fn::GetAtt': ['DlqAlarm', 'Arn'] } }, LogsArn: { Value: { 'Fn::GetAtt': ['Logs', 'Arn'] } } },
    });
    const [opsStack, watchedStack] = await loadSystem([watched, ops], { endpoint: local.url, functions: local.lambda, accountId: local.cloud.accountId });
    const topicArn = `arn:aws:sns:us-east-1:${local.cloud.accountId}:ops-alarms-dev`;
    expect(opsStack!.outputs).toEqual({ AlarmTopicArn: topicArn, AlarmTopicName: 'ops-alarms-dev' });
    expect(watchedStack!.outputs).toEqual({
      AlarmName: 'watched-dev-DlqAlarm',
      AlarmArn: `arn:aws:cloudwatch:us-east-1:${local.cloud.accountId}:alarm:watched-dev-DlqAlarm`,
      LogsArn: `arn:aws:logs:us-east-1:${local.cloud.accountId}:log-group:/aws/vendedlogs/states/watched-dev:*`,
    });
    expect(local.cloudwatch.alarms.get('watched-dev-DlqAlarm')).toMatchObject({ periodSeconds: 60, alarmActions: [topicArn], dimensions: [{ Name: 'QueueName', Value: 'watched-dlq' }] });

    const sqs = new SQSClient(clientConfig(local.url));
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: `${local.url}/${local.cloud.accountId}/watched-dlq`, MessageBody: 'poison' }));
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${local.url}/${local.cloud.accountId}/ops-alarm-inbox`, WaitTimeSeconds: 10 }));
      expect(JSON.parse(Messages[0]!.Body!)).toMatchObject({ AlarmName: 'watched-dev-DlqAlarm', NewStateValue: 'ALARM' });
    } finally {
      sqs.destroy();
    }
    await local.sns.settled();
    expect(local.sns.listEmails({ to: 'ops@example.com' })).toEqual([expect.objectContaining({ subject: 'ALARM: "watched-dev-DlqAlarm" in US East (N. Virginia)' })]);
  });

  it('names a resource it cannot emulate, and a circular reference', async () => {
    const kinesis = service('odd-dev', { Resources: { Stream: { Type: 'AWS::Kinesis::Stream', Properties: {} } } });
    await expect(loadSystem([kinesis], { endpoint: local.url, functions: local.lambda })).rejects.toThrow(
      'lambda (odd-dev): Stream is a AWS::Kinesis::Stream, which the local emulator cannot provide',
    );
    const cycle = service('cycle-dev', {
      Resources: { A: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'B' } } }, B: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { Ref: 'A' } } } },
    });
    await expect(loadSystem([cycle], { endpoint: local.url, functions: local.lambda })).rejects.toThrow(/circular reference A → B → A/);
  });

  it('answers Ref and Fn::GetAtt of SNS topics, subscriptions and log groups as CloudFormation does', async () => {
    const [alarms] = await loadSystem(
      [
        service('topics-dev', {
          Resources: {
            Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'topics-alarms' } },
            Mail: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Topic' }, Protocol: 'email', Endpoint: 'ops@example.com' } },
            Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/topics', RetentionInDays: 30 } },
          },
          Outputs: {
            TopicRef: { Value: { Ref: 'Topic' } },
            TopicName: { Value: { 'Fn::GetAtt': ['Topic', 'TopicName'] } },
            MailRef: { Value: { Ref: 'Mail' } },
            LogsRef: { Value: { Ref: 'Logs' } },
            LogsArn: { Value: { 'Fn::GetAtt': ['Logs', 'Arn'] } },
          },
        }),
      ],
      { endpoint: local.url, functions: local.lambda, accountId: local.cloud.accountId },
    );
    const topicArn = `arn:aws:sns:us-east-1:${local.cloud.accountId}:topics-alarms`;
    expect(alarms!.outputs).toEqual({
      TopicRef: topicArn,
      TopicName: 'topics-alarms',
      MailRef: expect.stringMatching(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`)),
      LogsRef: '/aws/vendedlogs/states/topics',
      LogsArn: `arn:aws:logs:us-east-1:${local.cloud.accountId}:log-group:/aws/vendedlogs/states/topics:*`,
    });
  });

  it('names an import no stack exports', async () => {
    const orphan = service('orphan-dev', { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::ImportValue': 'nobody-exports-this' } } } } });
    await expect(loadSystem([orphan], { endpoint: local.url, functions: local.lambda })).rejects.toThrow('no stack exports what these import: orphan-dev imports nobody-exports-this');
  });
});

describe('loadSystem over a kept DynamoDB path', () => {
  let directory: string;
  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'loader-dynamodb-'));
  });
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  const keptStack = (keys: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>) =>
    service('kept-dev', {
      Resources: {
        Items: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            TableName: 'kept-items',
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: keys.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' })),
            KeySchema: keys,
            TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
          },
        },
      },
    });

  it('loads again after a restart: the kept table goes on, with its items and its TTL', async () => {
    const first = await startLocalCloud({ port: 0, dynamodbPath: directory });
    await loadSystem([keptStack([{ AttributeName: 'id', KeyType: 'HASH' }])], { endpoint: first.url, functions: first.lambda });
    const writer = new DynamoDBClient(clientConfig(first.url));
    await writer.send(new PutItemCommand({ TableName: 'kept-items', Item: { id: { S: 'kept' } } }));
    writer.destroy();
    await first.stop();

    const second = await startLocalCloud({ port: 0, dynamodbPath: directory });
    const reader = new DynamoDBClient(clientConfig(second.url));
    try {
      await loadSystem([keptStack([{ AttributeName: 'id', KeyType: 'HASH' }])], { endpoint: second.url, functions: second.lambda });
      // And once more in the same process: nothing to change.
      await loadSystem([keptStack([{ AttributeName: 'id', KeyType: 'HASH' }])], { endpoint: second.url, functions: second.lambda });
      expect((await reader.send(new GetItemCommand({ TableName: 'kept-items', Key: { id: { S: 'kept' } } }))).Item).toEqual({ id: { S: 'kept' } });
      expect((await reader.send(new DescribeTimeToLiveCommand({ TableName: 'kept-items' }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
      await expect(loadSystem([keptStack([{ AttributeName: 'sku', KeyType: 'HASH' }])], { endpoint: second.url, functions: second.lambda })).rejects.toThrow(
        'table kept-items exists with key schema [["id","HASH"]], the template declares [["sku","HASH"]]',
      );
    } finally {
      reader.destroy();
      await second.stop();
    }
  });
});
