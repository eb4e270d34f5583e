import path from 'node:path';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../index';
import { clientConfig } from '../lambda/fixtures/activity';
import { loadSystem, type PackagedService } from './loader';

/** Schedule rules and EventBridge Scheduler schedules in a template load and fire (they used to stop the load). */
const stack: PackagedService = {
  servicePath: path.resolve(__dirname, '../lambda'),
  stackName: 'sweeps-dev',
  sourceHandlers: new Map(),
  template: {
    Resources: {
      RuleInbox: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'sweeps-rule-inbox' } },
      ScheduleInbox: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'sweeps-schedule-inbox' } },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'sweeps-dlq' } },
      SchedulerRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'sweeps-scheduler' } },
      NightlyRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'cron(0 3 * * ? *)',
          State: 'ENABLED',
          Targets: [{ Id: 'inbox', Arn: { 'Fn::GetAtt': ['RuleInbox', 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } }],
        },
      },
      SweepSchedule: {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          Name: 'sweeps-dev-sweep',
          ScheduleExpression: 'rate(15 minutes)',
          ScheduleExpressionTimezone: 'Europe/Berlin',
          FlexibleTimeWindow: { Mode: 'OFF' },
          StartDate: '2026-01-01T00:00:00Z',
          Target: {
            Arn: { 'Fn::GetAtt': ['ScheduleInbox', 'Arn'] },
            RoleArn: { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] },
            Input: '{"sweep":"all"}',
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
          },
        },
      },
    },
    Outputs: { ScheduleArn: { Value: { 'Fn::GetAtt': ['SweepSchedule', 'Arn'] } }, ScheduleName: { Value: { Ref: 'SweepSchedule' } } },
  },
};

describe('CloudFormation: schedules', () => {
  let local: LocalCloud;
  let sqs: SQSClient;
  beforeAll(async () => {
    // The fixture declares no roles or policies: IAM is off here; its checks between services are tested in iam/.
    local = await startLocalCloud({ port: 0, timeScale: 0.001, iam: false });
    sqs = new SQSClient(clientConfig(local.url));
  });
  afterAll(async () => {
    sqs?.destroy();
    await local?.stop();
  });

  it('loads a schedule rule and a Scheduler schedule, and fires each by hand', async () => {
    const [loaded] = await loadSystem([stack], { endpoint: local.url, functions: local.lambda });
    expect(loaded!.outputs).toEqual({ ScheduleArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/sweeps-dev-sweep', ScheduleName: 'sweeps-dev-sweep' });
    expect(local.schedules.list()).toEqual([
      expect.objectContaining({ kind: 'rule', name: 'sweeps-dev-NightlyRule', scheduleExpression: 'cron(0 3 * * ? *)', timezone: 'UTC' }),
      expect.objectContaining({ kind: 'schedule', name: 'sweeps-dev-sweep', group: 'default', scheduleExpression: 'rate(15 minutes)', timezone: 'Europe/Berlin' }),
    ]);
    const receive = async (queue: string) => {
      const url = `${local.url}/000000000000/${queue}`;
      return (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages ?? [];
    };
    local.schedules.fire({ name: 'sweeps-dev-NightlyRule' });
    local.schedules.fire({ name: 'sweeps-dev-sweep' });
    await local.events.drain();
    expect(JSON.parse((await receive('sweeps-rule-inbox'))[0]!.Body!)).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events' });
    expect((await receive('sweeps-schedule-inbox'))[0]!.Body).toBe('{"sweep":"all"}');
  });
});
