import { startLocalCloud, type LocalCloud } from '../index';
import { awsCli } from '../test-support';

/** The AWS CLI v2 from Debian (2.9) speaks the query protocol to CloudWatch and SNS (form-encoded requests, XML answers). */
let local: LocalCloud;

// Each CLI call starts a Python process (about a second on this machine).
jest.setTimeout(60_000);

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
});

afterAll(() => local.stop());

const aws = (...args: string[]) => awsCli(local.url, ...args);

describe('AWS CLI v2 against CloudWatch and SNS', () => {
  it('creates an alarm that notifies a topic, and describe-alarms shows it', async () => {
    const { TopicArn } = await aws('sns', 'create-topic', '--name', 'cli-alarms');
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:cli-alarms');
    await aws(
      'cloudwatch', 'put-metric-alarm', '--alarm-name', 'cli-dlq-depth', '--namespace', 'AWS/SQS', '--metric-name', 'ApproximateNumberOfMessagesVisible',
      '--dimensions', 'Name=QueueName,Value=orders-dlq', '--statistic', 'Maximum', '--period', '60', '--evaluation-periods', '1', '--threshold', '0',
      '--comparison-operator', 'GreaterThanThreshold', '--treat-missing-data', 'notBreaching', '--alarm-actions', TopicArn,
    );
    const { MetricAlarms, CompositeAlarms } = await aws('cloudwatch', 'describe-alarms');
    expect(CompositeAlarms).toEqual([]);
    expect(MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: 'cli-dlq-depth',
        AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:cli-dlq-depth',
        ActionsEnabled: true,
        AlarmActions: [TopicArn],
        OKActions: [],
        StateValue: 'INSUFFICIENT_DATA',
        StateUpdatedTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        Dimensions: [{ Name: 'QueueName', Value: 'orders-dlq' }],
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    ]);
    await aws('cloudwatch', 'set-alarm-state', '--alarm-name', 'cli-dlq-depth', '--state-value', 'ALARM', '--state-reason', 'from the CLI');
    const history = await aws('cloudwatch', 'describe-alarm-history', '--alarm-name', 'cli-dlq-depth', '--history-item-type', 'StateUpdate');
    // An evaluation may come before the set (INSUFFICIENT_DATA → OK, on a slow machine) or after it (back to OK): the
    // set state is in the history either way, from whichever state the alarm was in.
    const items: { HistorySummary: string; HistoryData: string }[] = history.AlarmHistoryItems;
    const set = items.find((item) => JSON.parse(item.HistoryData).newState.stateReason === 'from the CLI');
    expect(set?.HistorySummary).toMatch(/^Alarm updated from (INSUFFICIENT_DATA|OK) to ALARM$/);
    expect(JSON.parse(set!.HistoryData)).toMatchObject({ newState: { stateValue: 'ALARM', stateReason: 'from the CLI' } });
    await aws('cloudwatch', 'delete-alarms', '--alarm-names', 'cli-dlq-depth');
    expect((await aws('cloudwatch', 'describe-alarms')).MetricAlarms).toEqual([]);
  });

  it('puts metric data and reads its statistics back', async () => {
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000).toISOString();
    await aws('cloudwatch', 'put-metric-data', '--namespace', 'Shop', '--metric-data', `MetricName=OrdersPlaced,Value=3,Unit=Count,Timestamp=${at},Dimensions=[{Name=service,Value=orders}]`);
    const { Datapoints } = await aws(
      'cloudwatch', 'get-metric-statistics', '--namespace', 'Shop', '--metric-name', 'OrdersPlaced', '--dimensions', 'Name=service,Value=orders',
      '--start-time', new Date(Date.parse(at) - 60_000).toISOString(), '--end-time', new Date(Date.parse(at) + 60_000).toISOString(), '--period', '60', '--statistics', 'Sum', 'Maximum',
    );
    expect(Datapoints).toEqual([{ Timestamp: expect.stringMatching(/^\d{4}-/), Sum: 3, Maximum: 3, Unit: 'Count' }]);
    expect((await aws('cloudwatch', 'list-metrics', '--namespace', 'Shop')).Metrics).toEqual([{ Namespace: 'Shop', MetricName: 'OrdersPlaced', Dimensions: [{ Name: 'service', Value: 'orders' }] }]);
  });

  it('shows the query error code CloudWatch answers', async () => {
    const failure = await aws('cloudwatch', 'set-alarm-state', '--alarm-name', 'missing', '--state-value', 'OK', '--state-reason', 'x').catch((error: { stderr: string }) => error);
    expect(failure.stderr).toContain('An error occurred (ResourceNotFound) when calling the SetAlarmState operation: Alarm missing not found');
  });
});
