import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { startLocalCloud, type LocalCloud } from '../index';
import { localClientConfig } from '../schemas/rest-test-server';

/** CloudWatch through the SDK v3 (its awsJson1_0 protocol with query-compatible errors). */
describe('CloudWatch on the emulator endpoint', () => {
  let local: LocalCloud;
  let client: CloudWatchClient;
  const minute = 60_000;
  // A fixed hour in the past, so that periods and timestamps are known exactly.
  const base = Math.floor((Date.now() - 3 * 3600_000) / 3600_000) * 3600_000;

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0 });
    client = new CloudWatchClient(localClientConfig(local.url));
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
  });

  it('stores PutMetricData values and answers GetMetricStatistics per period with every statistic', async () => {
    const dimensions = [{ Name: 'Service', Value: 'orders' }];
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [
          { MetricName: 'OrderTotal', Dimensions: dimensions, Timestamp: new Date(base + 5_000), Value: 10, Unit: 'Count' },
          { MetricName: 'OrderTotal', Dimensions: dimensions, Timestamp: new Date(base + 20_000), Values: [2, 30], Counts: [1, 2], Unit: 'Count' },
          { MetricName: 'OrderTotal', Dimensions: dimensions, Timestamp: new Date(base + minute + 1_000), StatisticValues: { SampleCount: 4, Sum: 8, Minimum: 1, Maximum: 3 }, Unit: 'Count' },
        ],
      }),
    );
    const { Datapoints, Label } = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Shop',
        MetricName: 'OrderTotal',
        Dimensions: dimensions,
        StartTime: new Date(base),
        EndTime: new Date(base + 2 * minute),
        Period: 60,
        Statistics: ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'],
      }),
    );
    expect(Label).toBe('OrderTotal');
    const byTime = (Datapoints ?? []).sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    expect(byTime).toEqual([
      { Timestamp: new Date(base), Sum: 72, Average: 18, Minimum: 2, Maximum: 30, SampleCount: 4, Unit: 'Count' },
      { Timestamp: new Date(base + minute), Sum: 8, Average: 2, Minimum: 1, Maximum: 3, SampleCount: 4, Unit: 'Count' },
    ]);
    // Another dimension set is another metric.
    const other = await client.send(
      new GetMetricStatisticsCommand({ Namespace: 'Shop', MetricName: 'OrderTotal', StartTime: new Date(base), EndTime: new Date(base + 2 * minute), Period: 60, Statistics: ['Sum'] }),
    );
    expect(other.Datapoints).toEqual([]);
  });

  it('answers GetMetricData newest first, with each query labelled and ReturnData honoured', async () => {
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [0, 1, 2].map((i) => ({ MetricName: 'OrdersPlaced', Timestamp: new Date(base + i * minute + 1_000), Value: i + 1 })),
      }),
    );
    const { MetricDataResults } = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + 3 * minute),
        MetricDataQueries: [
          { Id: 'placed', Label: 'orders placed', MetricStat: { Metric: { Namespace: 'Shop', MetricName: 'OrdersPlaced' }, Period: 60, Stat: 'Sum' } },
          { Id: 'hidden', ReturnData: false, MetricStat: { Metric: { Namespace: 'Shop', MetricName: 'OrdersPlaced' }, Period: 120, Stat: 'Maximum' } },
          { Id: 'twoMinutes', MetricStat: { Metric: { Namespace: 'Shop', MetricName: 'OrdersPlaced' }, Period: 120, Stat: 'Average' } },
        ],
      }),
    );
    expect(MetricDataResults).toEqual([
      expect.objectContaining({ Id: 'placed', Label: 'orders placed', StatusCode: 'Complete', Values: [3, 2, 1], Timestamps: [new Date(base + 2 * minute), new Date(base + minute), new Date(base)] }),
      expect.objectContaining({ Id: 'twoMinutes', Label: 'OrdersPlaced', Values: [3, 1.5] }),
    ]);
  });

  it('lists metrics by namespace, name and dimension filter', async () => {
    const { Metrics } = await client.send(new ListMetricsCommand({ Namespace: 'Shop', Dimensions: [{ Name: 'Service' }] }));
    expect(Metrics).toEqual([{ Namespace: 'Shop', MetricName: 'OrderTotal', Dimensions: [{ Name: 'Service', Value: 'orders' }] }]);
    const byName = await client.send(new ListMetricsCommand({ MetricName: 'OrdersPlaced' }));
    expect(byName.Metrics).toEqual([{ Namespace: 'Shop', MetricName: 'OrdersPlaced', Dimensions: [] }]);
  });

  it('refuses bad input with the error naming the field', async () => {
    await expect(client.send(new PutMetricDataCommand({ Namespace: 'AWS/SQS', MetricData: [{ MetricName: 'x', Value: 1 }] }))).rejects.toThrow(InvalidParameterValueException);
    await expect(client.send(new PutMetricDataCommand({ Namespace: 'Shop', MetricData: [{ MetricName: 'x' }] }))).rejects.toThrow(
      expect.objectContaining({ name: 'InvalidParameterCombinationException', message: expect.stringContaining('MetricData.member.1') }),
    );
    await expect(
      client.send(new GetMetricStatisticsCommand({ Namespace: 'Shop', MetricName: 'x', StartTime: new Date(base), EndTime: new Date(base + minute), Period: 45, Statistics: ['Sum'] })),
    ).rejects.toThrow(expect.objectContaining({ name: 'InvalidParameterValueException', message: expect.stringContaining('Period') }));
    await expect(
      client.send(new GetMetricStatisticsCommand({ Namespace: 'Shop', MetricName: 'x', StartTime: new Date(base - 2 * 24 * 3600_000), EndTime: new Date(base), Period: 60, Statistics: ['Sum'] })),
    ).rejects.toThrow(InvalidParameterCombinationException);
    await expect(client.send(new PutMetricAlarmCommand({ AlarmName: 'no-operator', EvaluationPeriods: 1, Namespace: 'Shop', MetricName: 'x', Statistic: 'Sum', Period: 60, Threshold: 1 } as never))).rejects.toThrow(
      expect.objectContaining({ name: 'MissingRequiredParameterException', message: expect.stringContaining('ComparisonOperator') }),
    );
    await expect(client.send(new PutMetricAlarmCommand({ AlarmName: 'a', EvaluationPeriods: 1, DatapointsToAlarm: 2, Namespace: 'Shop', MetricName: 'x', Statistic: 'Sum', Period: 60, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }))).rejects.toThrow(
      expect.objectContaining({ message: expect.stringContaining('DatapointsToAlarm') }),
    );
    await expect(client.send(new DeleteAlarmsCommand({ AlarmNames: ['never-created'] }))).rejects.toThrow(ResourceNotFound);
    await expect(client.send(new SetAlarmStateCommand({ AlarmName: 'never-created', StateValue: 'ALARM', StateReason: 'test' }))).rejects.toThrow(ResourceNotFound);
  });

  it('creates, describes, sets the state of and deletes alarms, keeping their history', async () => {
    const alarm = {
      AlarmName: 'orders-dlq-depth',
      AlarmDescription: 'a message is waiting in the orders DLQ',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'orders-dlq' }],
      Statistic: 'Maximum' as const,
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold' as const,
      TreatMissingData: 'notBreaching',
    };
    await client.send(new PutMetricAlarmCommand(alarm));
    await client.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'other-alarm', ActionsEnabled: false }));
    const { MetricAlarms } = await client.send(new DescribeAlarmsCommand({ AlarmNames: ['orders-dlq-depth'] }));
    expect(MetricAlarms).toEqual([
      expect.objectContaining({
        ...alarm,
        AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:orders-dlq-depth',
        ActionsEnabled: true,
        DatapointsToAlarm: 1,
        StateValue: 'INSUFFICIENT_DATA',
        StateReason: 'Unchecked: Initial alarm creation',
        StateUpdatedTimestamp: expect.any(Date),
      }),
    ]);
    expect((await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'other' }))).MetricAlarms?.map((a) => a.AlarmName)).toEqual(['other-alarm']);

    await client.send(new SetAlarmStateCommand({ AlarmName: 'orders-dlq-depth', StateValue: 'ALARM', StateReason: 'testing the notification', StateReasonData: '{"test":true}' }));
    const inAlarm = await client.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms).toEqual([expect.objectContaining({ AlarmName: 'orders-dlq-depth', StateReason: 'testing the notification', StateReasonData: '{"test":true}' })]);

    const { AlarmHistoryItems } = await client.send(new DescribeAlarmHistoryCommand({ AlarmName: 'orders-dlq-depth' }));
    expect(AlarmHistoryItems?.map((item) => [item.HistoryItemType, item.HistorySummary])).toEqual([
      ['StateUpdate', 'Alarm updated from INSUFFICIENT_DATA to ALARM'],
      ['ConfigurationUpdate', 'Alarm "orders-dlq-depth" created'],
    ]);
    expect(JSON.parse(AlarmHistoryItems![0]!.HistoryData!)).toMatchObject({ oldState: { stateValue: 'INSUFFICIENT_DATA' }, newState: { stateValue: 'ALARM', stateReason: 'testing the notification' } });

    await client.send(new DeleteAlarmsCommand({ AlarmNames: ['orders-dlq-depth', 'other-alarm'] }));
    expect((await client.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
  });
});
