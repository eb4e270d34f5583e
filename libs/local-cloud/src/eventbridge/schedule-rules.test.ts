import { awsErrorOf, missing, testEventBridge, throttled } from './test-cloud';

const waitUntil = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('EventBridge schedule rules', () => {
  it('sends its targets the Scheduled Event when fired by hand, as AWS shapes it', async () => {
    const { events, targets, queue, cloud } = testEventBridge();
    const { RuleArn } = (await events.dispatch('PutRule', { Name: 'sweep', ScheduleExpression: 'rate(15 minutes)' })) as { RuleArn: string };
    await events.dispatch('PutTargets', { Rule: 'sweep', Targets: [{ Id: 'q', Arn: queue('q') }] });

    const { eventId } = events.fireScheduleRule('sweep');
    await events.drain();
    expect(targets.bodiesTo(queue('q'))).toEqual([
      {
        version: '0',
        id: eventId,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: cloud.accountId,
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        region: cloud.region,
        resources: [RuleArn],
        detail: {},
      },
    ]);
    expect(RuleArn).toBe(cloud.arn('events', 'rule/sweep'));
  });

  it('describes and lists the rule with its expression, and no pattern', async () => {
    const { events } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)', Description: 'at 03:00 UTC' });
    expect(await events.dispatch('DescribeRule', { Name: 'nightly' })).toMatchObject({ Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)', State: 'ENABLED', EventPattern: undefined });
    expect(events.scheduleRules()).toEqual([expect.objectContaining({ name: 'nightly', scheduleExpression: 'cron(0 3 * * ? *)', state: 'ENABLED', targets: [] })]);
  });

  it('fires on its own at each occurrence, scaled by the time scale, in automatic mode only', async () => {
    // rate(1 minute) at 0.0005: every 30 ms.
    const auto = testEventBridge({ timeScale: 0.0005, schedules: 'automatic' });
    await auto.events.dispatch('PutRule', { Name: 'tick', ScheduleExpression: 'rate(1 minute)' });
    await auto.events.dispatch('PutTargets', { Rule: 'tick', Targets: [{ Id: 'q', Arn: auto.queue('q') }] });
    expect(auto.events.scheduleRules()[0]!.nextFireAt).toEqual(expect.any(String));
    await waitUntil(() => auto.targets.messagesTo(auto.queue('q')).length >= 3, 'three occurrences');
    // Disabled, it stops; enabled again, it goes on.
    await auto.events.dispatch('DisableRule', { Name: 'tick' });
    await auto.events.drain();
    const seen = auto.targets.messagesTo(auto.queue('q')).length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(auto.targets.messagesTo(auto.queue('q'))).toHaveLength(seen);
    expect(auto.events.scheduleRules()[0]!.nextFireAt).toBeUndefined();
    auto.events.stop();

    const manual = testEventBridge({ timeScale: 0.0005 });
    await manual.events.dispatch('PutRule', { Name: 'tick', ScheduleExpression: 'rate(1 minute)' });
    await manual.events.dispatch('PutTargets', { Rule: 'tick', Targets: [{ Id: 'q', Arn: manual.queue('q') }] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(manual.targets.messages).toHaveLength(0);
    expect(manual.events.scheduleRules()[0]!.nextFireAt).toBeUndefined();
  });

  it("delivers with the target's retry policy and dead-letter queue, like any rule", async () => {
    const { events, targets, queue, ofType } = testEventBridge({ random: () => 1 });
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:sweep';
    await events.dispatch('PutRule', { Name: 'sweep', ScheduleExpression: 'rate(5 minutes)' });
    await events.dispatch('PutTargets', {
      Rule: 'sweep',
      Targets: [{ Id: 'fn', Arn: fn, RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: queue('dlq') } }],
    });
    targets.failAlways(fn, throttled());
    events.fireScheduleRule('sweep');
    await events.drain();
    expect(ofType('delivery.failed')).toHaveLength(3);
    const [dead] = targets.messagesTo(queue('dlq'));
    expect(JSON.parse(dead!.body)).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events' });
    expect(dead!.attributes).toMatchObject({ ERROR_CODE: { StringValue: 'THROTTLING' }, RETRY_ATTEMPTS: { StringValue: '2' }, EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' } });

    // A missing function is not retried: straight to the DLQ.
    targets.failAlways(fn, missing('Function sweep'));
    events.fireScheduleRule('sweep');
    await events.drain();
    expect(targets.messagesTo(queue('dlq'))[1]!.attributes).toMatchObject({ ERROR_CODE: { StringValue: 'NO_RESOURCE' }, RETRY_ATTEMPTS: { StringValue: '0' } });
  });

  it('is not matched against events put on the bus, and no event reaches it', async () => {
    const { events, targets, queue } = testEventBridge();
    await events.dispatch('PutRule', { Name: 'sweep', ScheduleExpression: 'rate(5 minutes)' });
    await events.dispatch('PutTargets', { Rule: 'sweep', Targets: [{ Id: 'q', Arn: queue('q') }] });
    await events.putEvents([{ Source: 'aws.events', DetailType: 'Scheduled Event', Detail: '{}' }]);
    await events.drain();
    expect(targets.messages).toHaveLength(0);
  });

  it('refuses a bad expression naming what is wrong, a custom bus, both kinds at once, and firing what is no schedule rule', async () => {
    const { events } = testEventBridge();
    await events.dispatch('CreateEventBus', { Name: 'shop' });
    const bad = await awsErrorOf(events.dispatch('PutRule', { Name: 'r', ScheduleExpression: 'cron(0 0 * * * *)' }));
    expect(bad.code).toBe('ValidationException');
    expect(bad.message).toMatch(/^Parameter ScheduleExpression is not valid: .*exactly one of Day-of-month and Day-of-week must be \?/);
    expect((await awsErrorOf(events.dispatch('PutRule', { Name: 'r', ScheduleExpression: 'rate(1 minutes)' }))).message).toMatch(/singular for 1/);
    expect((await awsErrorOf(events.dispatch('PutRule', { Name: 'r', EventBusName: 'shop', ScheduleExpression: 'rate(5 minutes)' }))).message).toBe(
      'ScheduleExpression is supported only on the default Event Bus.',
    );
    expect((await awsErrorOf(events.dispatch('PutRule', { Name: 'r', ScheduleExpression: 'rate(5 minutes)', EventPattern: '{"source":["a"]}' }))).code).toBe('ValidationException');
    await events.dispatch('PutRule', { Name: 'pattern', EventPattern: '{"source":["a"]}' });
    expect(() => events.fireScheduleRule('pattern')).toThrow('Schedule rule pattern does not exist on the default event bus.');
  });
});
