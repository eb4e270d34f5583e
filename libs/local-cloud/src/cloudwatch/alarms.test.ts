import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, GetMetricStatisticsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { PutRuleCommand, PutTargetsCommand, EventBridgeClient, CreateEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../index';
import { localClientConfig } from '../schemas/rest-test-server';

/**
 * Alarms evaluated on the emulator's own metrics, at a time scale of 0.001 (a 60 s period lasts 60 ms): a message in a
 * dead-letter queue puts its depth alarm in ALARM, whose notification reaches the topic's SQS subscriber; the message
 * gone, the alarm goes back to OK.
 */
describe('alarms on the emulator', () => {
  let local: LocalCloud;
  let cloudwatch: CloudWatchClient;
  let sqs: SQSClient;
  let sns: SNSClient;

  beforeAll(async () => {
    // The fixtures declare no queue policies or permissions: IAM is off here; its checks between services are tested in iam/.
    local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
    cloudwatch = new CloudWatchClient(localClientConfig(local.url));
    sqs = new SQSClient(localClientConfig(local.url));
    sns = new SNSClient(localClientConfig(local.url));
  });

  afterAll(async () => {
    for (const client of [cloudwatch, sqs, sns]) client.destroy();
    await local.stop();
  });

  async function queue(name: string) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl!, arn: Attributes!.QueueArn! };
  }

  async function alarmState(name: string, state: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
      if (MetricAlarms[0]?.StateValue === state) return MetricAlarms[0];
      if (Date.now() > deadline) throw new Error(`alarm ${name} is ${MetricAlarms[0]?.StateValue}, not ${state}, after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('a message in a DLQ sets its depth alarm off, the topic delivers the notification, and the alarm clears when the DLQ is empty', async () => {
    const dlq = await queue('orders-poison-dlq');
    const inbox = await queue('alarm-inbox');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'shop-alarms' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: inbox.arn }));
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'orders-poison-dlq-depth',
        AlarmDescription: 'poison events wait in the orders DLQ',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: 'orders-poison-dlq' }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [TopicArn!],
        OKActions: [TopicArn!],
      }),
    );
    await alarmState('orders-poison-dlq-depth', 'OK');
    // Leaving INSUFFICIENT_DATA for OK runs the OK actions too.
    const { Messages: [first] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox.url, WaitTimeSeconds: 5 }));
    expect(JSON.parse(JSON.parse(first!.Body!).Message)).toMatchObject({ OldStateValue: 'INSUFFICIENT_DATA', NewStateValue: 'OK' });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: inbox.url, ReceiptHandle: first!.ReceiptHandle }));

    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: '{"poison":true}' }));
    const alarm = await alarmState('orders-poison-dlq-depth', 'ALARM');
    expect(alarm.StateReason).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoints \[1\.0 \(.+\)\] was greater than the threshold \(0\.0\)/);

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox.url, WaitTimeSeconds: 5 }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: inbox.url, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    const envelope = JSON.parse(Messages[0]!.Body!);
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn, Subject: 'ALARM: "orders-poison-dlq-depth" in US East (N. Virginia)' });
    expect(JSON.parse(envelope.Message)).toEqual({
      AlarmName: 'orders-poison-dlq-depth',
      AlarmDescription: 'poison events wait in the orders DLQ',
      AWSAccountId: '000000000000',
      AlarmConfigurationUpdatedTimestamp: expect.stringMatching(/\+0000$/),
      NewStateValue: 'ALARM',
      NewStateReason: alarm.StateReason,
      StateChangeTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
      Region: 'US East (N. Virginia)',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:orders-poison-dlq-depth',
      OldStateValue: 'OK',
      OKActions: [TopicArn],
      AlarmActions: [TopicArn],
      InsufficientDataActions: [],
      Trigger: {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        StatisticType: 'Statistic',
        Statistic: 'MAXIMUM',
        Unit: null,
        Dimensions: [{ value: 'orders-poison-dlq', name: 'QueueName' }],
        Period: 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
        EvaluateLowSampleCountPercentile: '',
      },
    });

    const { Messages: [poison] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq.url, ReceiptHandle: poison!.ReceiptHandle }));
    await alarmState('orders-poison-dlq-depth', 'OK');
    const { Messages: [cleared] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox.url, WaitTimeSeconds: 5 }));
    expect(JSON.parse(JSON.parse(cleared!.Body!).Message)).toMatchObject({ OldStateValue: 'ALARM', NewStateValue: 'OK' });

    await local.cloudwatch.alarms.settled();
    const { AlarmHistoryItems = [] } = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: 'orders-poison-dlq-depth', HistoryItemType: 'Action' }));
    expect(AlarmHistoryItems.map((item) => item.HistorySummary)).toEqual(Array(3).fill(`Successfully executed action ${TopicArn}`));
  });

  it('keeps the AWS/Events metrics of a rule whose target fails for good, and alarms on FailedInvocations', async () => {
    const events = new EventBridgeClient(localClientConfig(local.url));
    try {
      await events.send(new CreateEventBusCommand({ Name: 'metrics-bus' }));
      await events.send(new PutRuleCommand({ Name: 'to-nowhere', EventBusName: 'metrics-bus', EventPattern: '{"source":["shop.test"]}' }));
      // A target whose queue does not exist: NO_RESOURCE fails at once, and with no DLQ the event is dropped.
      await events.send(new PutTargetsCommand({ Rule: 'to-nowhere', EventBusName: 'metrics-bus', Targets: [{ Id: 'gone', Arn: local.cloud.arn('sqs', 'no-such-queue') }] }));
      const rule = [{ Name: 'EventBusName', Value: 'metrics-bus' }, { Name: 'RuleName', Value: 'to-nowhere' }];
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: 'to-nowhere-failed',
          Namespace: 'AWS/Events',
          MetricName: 'FailedInvocations',
          Dimensions: rule,
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        }),
      );
      const start = new Date(Date.now() - 60_000);
      await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'metrics-bus', Source: 'shop.test', DetailType: 'Test', Detail: '{}' }] }));
      await local.events.drain();
      await alarmState('to-nowhere-failed', 'ALARM');
      const sum = async (metricName: string) => {
        const { Datapoints = [] } = await cloudwatch.send(
          new GetMetricStatisticsCommand({ Namespace: 'AWS/Events', MetricName: metricName, Dimensions: rule, StartTime: start, EndTime: new Date(Date.now() + 60_000), Period: 3600, Statistics: ['Sum'] }),
        );
        return Datapoints.reduce((total, point) => total + point.Sum!, 0);
      };
      expect(await sum('MatchedEvents')).toBe(1);
      expect(await sum('FailedInvocations')).toBe(1);
      expect(await sum('Invocations')).toBe(1);
      expect(await sum('DeadLetterInvocations')).toBe(0);
    } finally {
      events.destroy();
    }
  });
});
