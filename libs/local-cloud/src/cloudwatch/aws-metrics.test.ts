import { CloudWatchClient, GetMetricStatisticsCommand, type Dimension } from '@aws-sdk/client-cloudwatch';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../index';
import { localClientConfig } from '../schemas/rest-test-server';

/** The metrics AWS services publish about themselves, kept from what the emulated services did (time scale 0.001). */
describe('AWS metrics of the emulated services', () => {
  let local: LocalCloud;
  let cloudwatch: CloudWatchClient;
  const started = new Date(Date.now() - 60_000);

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0, timeScale: 0.001 });
    cloudwatch = new CloudWatchClient(localClientConfig(local.url));
  });

  afterAll(async () => {
    cloudwatch.destroy();
    await local.stop();
  });

  async function statistics(namespace: string, metricName: string, dimensions: Dimension[]) {
    const { Datapoints = [] } = await cloudwatch.send(
      new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: metricName, Dimensions: dimensions, StartTime: started, EndTime: new Date(Date.now() + 60_000), Period: 3600, Statistics: ['Sum', 'Maximum', 'SampleCount'] }),
    );
    return { sum: Datapoints.reduce((total, point) => total + point.Sum!, 0), maximum: Math.max(-Infinity, ...Datapoints.map((point) => point.Maximum!)), unit: Datapoints[0]?.Unit };
  }

  it('AWS/Lambda: Invocations, Errors and Duration per function', async () => {
    const servicePath = path.join(__dirname, '../lambda/fixtures');
    local.lambda.registerFunction({ functionName: 'metrics-fail', handler: 'handlers.fail', servicePath });
    local.lambda.registerFunction({ functionName: 'metrics-echo', handler: 'handlers.echo', servicePath });
    await local.lambda.invoke('metrics-fail', '{}');
    await local.lambda.invoke('metrics-echo', '{}');
    await local.lambda.invoke('metrics-echo', '{}');
    const fn = (name: string) => [{ Name: 'FunctionName', Value: name }];
    expect(await statistics('AWS/Lambda', 'Invocations', fn('metrics-fail'))).toMatchObject({ sum: 1, unit: 'Count' });
    expect((await statistics('AWS/Lambda', 'Errors', fn('metrics-fail'))).sum).toBe(1);
    expect((await statistics('AWS/Lambda', 'Invocations', fn('metrics-echo'))).sum).toBe(2);
    expect(await statistics('AWS/Lambda', 'Errors', fn('metrics-echo'))).toMatchObject({ sum: 0, maximum: 0 });
    expect(await statistics('AWS/Lambda', 'Duration', fn('metrics-echo'))).toMatchObject({ maximum: expect.any(Number), unit: 'Milliseconds' });
  });

  it('AWS/States: executions started and failed, and their execution time, per state machine', async () => {
    const sfn = new SFNClient(localClientConfig(local.url));
    try {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({ name: 'metrics-saga', roleArn: local.cloud.arn('iam', 'role/x'), definition: JSON.stringify({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Broken', Cause: 'on purpose' } } }) }),
      );
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
      for (let i = 0; i < 100 && (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      const machine = [{ Name: 'StateMachineArn', Value: stateMachineArn! }];
      expect((await statistics('AWS/States', 'ExecutionsStarted', machine)).sum).toBe(1);
      expect((await statistics('AWS/States', 'ExecutionsFailed', machine)).sum).toBe(1);
      expect((await statistics('AWS/States', 'ExecutionsSucceeded', machine)).sum).toBe(0);
      expect(await statistics('AWS/States', 'ExecutionTime', machine)).toMatchObject({ unit: 'Milliseconds', maximum: expect.any(Number) });
    } finally {
      sfn.destroy();
    }
  });

  it('AWS/SQS: messages sent, received and deleted, and the depth sampled once an AWS minute', async () => {
    const sqs = new SQSClient(localClientConfig(local.url));
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'metrics-queue' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two' }));
      // Two AWS minutes (120 ms at this scale): the depth, 2, is sampled.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
      const queue = [{ Name: 'QueueName', Value: 'metrics-queue' }];
      expect((await statistics('AWS/SQS', 'NumberOfMessagesSent', queue)).sum).toBe(2);
      expect((await statistics('AWS/SQS', 'NumberOfMessagesReceived', queue)).sum).toBe(1);
      expect((await statistics('AWS/SQS', 'NumberOfMessagesDeleted', queue)).sum).toBe(1);
      expect((await statistics('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queue)).maximum).toBe(2);
      expect(await statistics('AWS/SQS', 'ApproximateAgeOfOldestMessage', queue)).toMatchObject({ unit: 'Seconds' });
    } finally {
      sqs.destroy();
    }
  });
});
