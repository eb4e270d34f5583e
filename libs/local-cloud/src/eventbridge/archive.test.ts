import { awsErrorOf, testEventBridge } from './test-cloud';

const ORDERS = JSON.stringify({ source: ['shop.orders'] });
const order = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  Source: 'shop.orders',
  DetailType: 'OrderPlaced.v1',
  Detail: JSON.stringify(detail),
  ...extra,
});
const HOUR = 3600;

/** A `shop` bus with an archive of it and two rules (`a`, `b`), each delivering to its own queue. */
async function setup() {
  const bridge = testEventBridge();
  const { events, cloud, queue } = bridge;
  await events.dispatch('CreateEventBus', { Name: 'shop' });
  const busArn = cloud.arn('events', 'event-bus/shop');
  const { ArchiveArn } = (await events.dispatch('CreateArchive', { ArchiveName: 'shop-archive', EventSourceArn: busArn })) as { ArchiveArn: string };
  for (const name of ['a', 'b']) {
    await events.dispatch('PutRule', { Name: name, EventBusName: 'shop', EventPattern: ORDERS });
    await events.dispatch('PutTargets', { Rule: name, EventBusName: 'shop', Targets: [{ Id: 'q', Arn: queue(name) }] });
  }
  const now = Date.now() / 1000;
  const window = { EventStartTime: now - HOUR, EventEndTime: now + HOUR };
  const replay = (ReplayName: string, extra: Record<string, unknown> = {}) =>
    events.dispatch('StartReplay', { ReplayName, EventSourceArn: ArchiveArn, ...window, Destination: { Arn: busArn }, ...extra });
  return { ...bridge, busArn, archiveArn: ArchiveArn, replay, ruleArn: (name: string) => cloud.arn('events', `rule/shop/${name}`) };
}

describe('EventArchives: archives', () => {
  it('creates, describes, lists and deletes archives', async () => {
    const { events, busArn, archiveArn, cloud } = await setup();
    expect(archiveArn).toBe(cloud.arn('events', 'archive/shop-archive'));
    await events.dispatch('CreateArchive', { ArchiveName: 'default-orders', EventSourceArn: cloud.arn('events', 'event-bus/default'), EventPattern: ORDERS, RetentionDays: 7 });
    expect(await events.dispatch('DescribeArchive', { ArchiveName: 'default-orders' })).toMatchObject({
      ArchiveName: 'default-orders',
      EventSourceArn: cloud.arn('events', 'event-bus/default'),
      EventPattern: ORDERS,
      State: 'ENABLED',
      RetentionDays: 7,
      EventCount: 0,
      SizeBytes: 0,
      CreationTime: expect.any(Number),
    });
    const listed = (await events.dispatch('ListArchives', { EventSourceArn: busArn })) as { Archives: Array<{ ArchiveName: string }> };
    expect(listed.Archives.map((archive) => archive.ArchiveName)).toEqual(['shop-archive']);
    await events.dispatch('DeleteArchive', { ArchiveName: 'default-orders' });
    expect((await awsErrorOf(events.dispatch('DescribeArchive', { ArchiveName: 'default-orders' }))).code).toBe('ResourceNotFoundException');
  });

  it('refuses duplicates, unknown buses and invalid patterns', async () => {
    const { events, busArn, cloud } = await setup();
    expect((await awsErrorOf(events.dispatch('CreateArchive', { ArchiveName: 'shop-archive', EventSourceArn: busArn }))).code).toBe(
      'ResourceAlreadyExistsException',
    );
    expect((await awsErrorOf(events.dispatch('CreateArchive', { ArchiveName: 'x', EventSourceArn: cloud.arn('events', 'event-bus/nope') }))).code).toBe(
      'ResourceNotFoundException',
    );
    expect((await awsErrorOf(events.dispatch('CreateArchive', { ArchiveName: 'x', EventSourceArn: busArn, EventPattern: '{"source": 1}' }))).code).toBe(
      'InvalidEventPatternException',
    );
  });

  it('archives the events of its bus that match its pattern, whether a rule matched them or not', async () => {
    const { events, cloud } = await setup();
    await events.dispatch('CreateArchive', {
      ArchiveName: 'payments-only',
      EventSourceArn: cloud.arn('events', 'event-bus/shop'),
      EventPattern: JSON.stringify({ source: ['shop.payments'] }),
    });
    await events.putEvents([
      order({ n: 1 }, { EventBusName: 'shop' }),
      { Source: 'shop.payments', DetailType: 'PaymentCompleted.v1', Detail: '{}', EventBusName: 'shop' },
      order({ n: 2 }),
    ]);
    await events.drain();
    const all = (await events.dispatch('DescribeArchive', { ArchiveName: 'shop-archive' })) as { EventCount: number; SizeBytes: number };
    expect(all.EventCount).toBe(2);
    expect(all.SizeBytes).toBeGreaterThan(0);
    expect(await events.dispatch('DescribeArchive', { ArchiveName: 'payments-only' })).toMatchObject({ EventCount: 1 });
  });
});

describe('EventArchives: replays', () => {
  it('re-delivers archived events of the window to the bus rules, marked with replay-name', async () => {
    const { events, targets, queue, replay, archiveArn } = await setup();
    const { Entries } = await events.putEvents([order({ n: 1 }, { EventBusName: 'shop' }), order({ n: 2 }, { EventBusName: 'shop' })]);
    await events.drain();
    expect(await replay('again')).toMatchObject({ ReplayArn: expect.stringMatching(/:replay\/again$/), State: 'STARTING' });
    await events.drain();

    const replayed = (targets.bodiesTo(queue('a')) as Array<Record<string, unknown>>).filter((event) => event['replay-name']);
    expect(replayed.map((event) => [event.id, event['replay-name'], event.detail])).toEqual([
      [Entries[0]!.EventId, 'again', { n: 1 }],
      [Entries[1]!.EventId, 'again', { n: 2 }],
    ]);
    const described = (await events.dispatch('DescribeReplay', { ReplayName: 'again' })) as Record<string, unknown>;
    expect(described).toMatchObject({ ReplayName: 'again', EventSourceArn: archiveArn, State: 'COMPLETED', ReplayEndTime: expect.any(Number) });
    expect(described.EventLastReplayedTime).toBe(Date.parse((replayed[1] as { time: string }).time) / 1000);
    // Replayed events are never archived again.
    expect(await events.dispatch('DescribeArchive', { ArchiveName: 'shop-archive' })).toMatchObject({ EventCount: 2 });
  });

  it('replays only to the rules named in FilterArns', async () => {
    const { events, targets, queue, replay, ruleArn, busArn } = await setup();
    await events.putEvents([order({ n: 1 }, { EventBusName: 'shop' })]);
    await events.drain();
    await replay('only-b', { Destination: { Arn: busArn, FilterArns: [ruleArn('b')] } });
    await events.drain();
    expect(targets.messagesTo(queue('a'))).toHaveLength(1);
    expect((targets.bodiesTo(queue('b')) as Array<Record<string, unknown>>).map((event) => event['replay-name'])).toEqual([undefined, 'only-b']);
  });

  it('replays only events whose time is inside [EventStartTime, EventEndTime)', async () => {
    const { events, targets, queue, replay } = await setup();
    const now = Math.floor(Date.now() / 1000);
    await events.putEvents([
      order({ when: 'two hours ago' }, { EventBusName: 'shop', Time: now - 2 * HOUR }),
      order({ when: 'now' }, { EventBusName: 'shop', Time: now }),
    ]);
    await events.drain();
    await replay('recent', { EventStartTime: now - HOUR, EventEndTime: now + HOUR });
    await events.drain();
    const replayed = (targets.bodiesTo(queue('a')) as Array<Record<string, unknown>>).filter((event) => event['replay-name']);
    expect(replayed.map((event) => event.detail)).toEqual([{ when: 'now' }]);
  });

  it('lets a rule exclude replayed events with {"replay-name": [{"exists": false}]}', async () => {
    const { events, targets, queue, replay } = await setup();
    await events.dispatch('PutRule', {
      Name: 'live-only',
      EventBusName: 'shop',
      EventPattern: JSON.stringify({ source: ['shop.orders'], 'replay-name': [{ exists: false }] }),
    });
    await events.dispatch('PutTargets', { Rule: 'live-only', EventBusName: 'shop', Targets: [{ Id: 'q', Arn: queue('live') }] });
    await events.putEvents([order({ n: 1 }, { EventBusName: 'shop' })]);
    await events.drain();
    await replay('again');
    await events.drain();
    expect(targets.messagesTo(queue('live'))).toHaveLength(1);
    expect(targets.messagesTo(queue('a'))).toHaveLength(2);
  });

  it('validates StartReplay: archive, destination bus, window, rules and names', async () => {
    const { events, replay, cloud, busArn } = await setup();
    expect((await awsErrorOf(replay('r', { EventSourceArn: cloud.arn('events', 'archive/nope') }))).code).toBe('ResourceNotFoundException');
    const otherBus = await awsErrorOf(replay('r', { Destination: { Arn: cloud.arn('events', 'event-bus/default') } }));
    expect(otherBus.code).toBe('ValidationException');
    expect((await awsErrorOf(replay('r', { EventStartTime: 2000, EventEndTime: 1000 }))).code).toBe('ValidationException');
    expect((await awsErrorOf(replay('r', { Destination: { Arn: busArn, FilterArns: [cloud.arn('events', 'rule/shop/nope')] } }))).code).toBe(
      'ValidationException',
    );
    await replay('r');
    expect((await awsErrorOf(replay('r'))).code).toBe('ResourceAlreadyExistsException');
    await events.drain();
  });

  it('allows at most 10 active replays', async () => {
    const { events, replay } = await setup();
    for (let n = 0; n < 10; n++) await replay(`r${n}`);
    expect((await awsErrorOf(replay('r10'))).code).toBe('LimitExceededException');
    await events.drain();
    expect(await replay('r10')).toMatchObject({ State: 'STARTING' });
    await events.drain();
  });

  it('cancels a replay that has not finished, and only such a replay', async () => {
    const { events, targets, queue, replay } = await setup();
    await events.putEvents([order({ n: 1 }, { EventBusName: 'shop' })]);
    await events.drain();
    await replay('stopped');
    expect(await events.dispatch('CancelReplay', { ReplayName: 'stopped' })).toMatchObject({ State: 'CANCELLING' });
    await events.drain();
    expect(await events.dispatch('DescribeReplay', { ReplayName: 'stopped' })).toMatchObject({ State: 'CANCELLED' });
    expect(targets.messagesTo(queue('a'))).toHaveLength(1);
    expect((await awsErrorOf(events.dispatch('CancelReplay', { ReplayName: 'stopped' }))).code).toBe('IllegalStatusException');
    expect((await awsErrorOf(events.dispatch('CancelReplay', { ReplayName: 'nope' }))).code).toBe('ResourceNotFoundException');
  });

  it('lists replays by name prefix, state and archive', async () => {
    const { events, replay, archiveArn } = await setup();
    await replay('night-1');
    await events.drain();
    await replay('day-1');
    await events.dispatch('CancelReplay', { ReplayName: 'day-1' });
    await events.drain();
    const names = async (filter: Record<string, unknown>) =>
      ((await events.dispatch('ListReplays', filter)) as { Replays: Array<{ ReplayName: string }> }).Replays.map((r) => r.ReplayName);
    expect(await names({})).toEqual(['night-1', 'day-1']);
    expect(await names({ NamePrefix: 'night' })).toEqual(['night-1']);
    expect(await names({ State: 'CANCELLED' })).toEqual(['day-1']);
    expect(await names({ EventSourceArn: archiveArn })).toEqual(['night-1', 'day-1']);
  });
});
