import { CreateScheduleCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient, type CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '../index';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE = 'arn:aws:iam::000000000000:role/scheduler';

describe('EventBridge Scheduler, through the SDK', () => {
  let local: LocalCloud;
  let scheduler: SchedulerClient;
  let sqs: SQSClient;
  const queue = async (name: string) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl!, arn: Attributes!.QueueArn! };
  };
  const receive = async (url: string) => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }))).Messages ?? [];
  const schedule = (input: Partial<CreateScheduleCommandInput> & { Name: string; Target: CreateScheduleCommandInput['Target'] }) =>
    scheduler.send(new CreateScheduleCommand({ ScheduleExpression: 'rate(15 minutes)', FlexibleTimeWindow: { Mode: 'OFF' }, ...input }));

  beforeAll(async () => {
    // The fixture declares no roles or policies: IAM is off here; its checks between services are tested in iam/.
    local = await startLocalCloud({ port: 0, timeScale: 0.0001, schedules: 'automatic', iam: false });
    const config = { endpoint: local.url, region: 'us-east-1', credentials };
    scheduler = new SchedulerClient(config);
    sqs = new SQSClient(config);
  });
  afterAll(async () => {
    scheduler?.destroy();
    sqs?.destroy();
    await local?.stop();
  });

  it('creates, gets and lists schedules', async () => {
    const target = await queue('scheduler-list');
    const { ScheduleArn } = await schedule({
      Name: 'nightly', GroupName: 'ops', ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris',
      Target: { Arn: target.arn, RoleArn: ROLE, Input: '{"a":1}', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } },
    });
    expect(ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/ops/nightly');
    const got = await scheduler.send(new GetScheduleCommand({ Name: 'nightly', GroupName: 'ops' }));
    expect(got).toMatchObject({ Name: 'nightly', GroupName: 'ops', State: 'ENABLED', ScheduleExpressionTimezone: 'Europe/Paris', Target: { Arn: target.arn, RetryPolicy: { MaximumRetryAttempts: 3 } } });
    expect(got.CreationDate).toBeInstanceOf(Date);
    const listed = await scheduler.send(new ListSchedulesCommand({ GroupName: 'ops' }));
    expect(listed.Schedules).toEqual([expect.objectContaining({ Name: 'nightly', GroupName: 'ops', Target: { Arn: target.arn } })]);
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'nightly' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(schedule({ Name: 'nightly', GroupName: 'ops', Target: { Arn: target.arn, RoleArn: ROLE } })).rejects.toMatchObject({ name: 'ConflictException' });
  });

  it('fired by hand, sends the target its Input with the context attributes filled in', async () => {
    const target = await queue('scheduler-fire');
    await schedule({
      Name: 'by-hand', State: 'DISABLED',
      Target: { Arn: target.arn, RoleArn: ROLE, Input: '{"schedule":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","id":"<aws.scheduler.execution-id>"}' },
    });
    const answer = await fetch(`${local.url}/_local/schedules/fire?name=by-hand`, { method: 'POST' });
    expect(answer.status).toBe(200);
    const fired = (await answer.json()) as { kind: string; arn: string; id: string };
    expect(fired).toEqual({ kind: 'schedule', arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/by-hand', id: expect.any(String) });
    const [message] = await receive(target.url);
    expect(JSON.parse(message!.Body!)).toEqual({ schedule: fired.arn, at: expect.stringMatching(/Z$/), id: fired.id });
    expect((await fetch(`${local.url}/_local/schedules/fire?name=nothing`, { method: 'POST' })).status).toBe(404);
  });

  it('fires a one-time at() schedule on its own (scaled), once', async () => {
    const target = await queue('scheduler-at');
    // An hour from now is 0.36 s at this time scale.
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19);
    await schedule({ Name: 'once', ScheduleExpression: `at(${inAnHour})`, ActionAfterCompletion: 'DELETE', Target: { Arn: target.arn, RoleArn: ROLE, Input: 'hello' } });
    const messages = [...(await receive(target.url)), ...(await receive(target.url))];
    expect(messages.map((m) => m.Body)).toEqual(['hello']);
    // ActionAfterCompletion DELETE: gone after its invocation.
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'once' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('dead-letters an invocation it cannot deliver: the Input, with SCHEDULE_ARN and the error', async () => {
    const dlq = await queue('scheduler-dlq');
    await schedule({
      Name: 'lost', State: 'DISABLED',
      Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue', RoleArn: ROLE, Input: '{"run":1}', DeadLetterConfig: { Arn: dlq.arn } },
    });
    local.schedules.fire({ name: 'lost' });
    await local.events.drain();
    const [message] = await receive(dlq.url);
    expect(message!.Body).toBe('{"run":1}');
    expect(message!.MessageAttributes).toMatchObject({
      SCHEDULE_ARN: { StringValue: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/lost' },
      TARGET_ARN: { StringValue: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue' },
      ERROR_CODE: { StringValue: 'NO_RESOURCE' },
      RETRY_ATTEMPTS: { StringValue: '0' },
    });
  });

  it('refuses what the API model does not allow, naming the member', async () => {
    const target = { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: ROLE };
    await expect(schedule({ Name: 'bad', ScheduleExpression: 'cron(0 0 * * * *)', Target: target })).rejects.toThrow(/Invalid Schedule Expression: .*exactly one of Day-of-month and Day-of-week/);
    await expect(schedule({ Name: 'bad', FlexibleTimeWindow: { Mode: 'FLEXIBLE' }, Target: target })).rejects.toThrow(/MaximumWindowInMinutes must be 1 to 1440/);
    await expect(schedule({ Name: 'bad', Target: { ...target, RetryPolicy: { MaximumRetryAttempts: 186 } } })).rejects.toThrow(/MaximumRetryAttempts must be 0 to 185/);
    await expect(schedule({ Name: 'bad', Target: { Arn: 'arn:aws:scheduler:::aws-sdk:sqs:sendMessage', RoleArn: ROLE } })).rejects.toThrow(/only templated Lambda, SQS, Step Functions and EventBridge targets/);
    await expect(schedule({ Name: 'bad', ScheduleExpressionTimezone: 'Nowhere/Land', Target: target })).rejects.toThrow(/"Nowhere\/Land" is not a time zone/);
  });
});
