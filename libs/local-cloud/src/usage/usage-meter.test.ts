import { chunks512k, chunks64k, expressBilledMs, gbSeconds, lambdaBilledMs } from './billing-units';
import { UsageMeter } from './usage-meter';

describe('billing units', () => {
  it('counts payloads in 64 KB chunks, an empty one as one', () => {
    expect([0, 1, 65_536, 65_537, 200 * 1024].map(chunks64k)).toEqual([1, 1, 1, 2, 4]);
  });

  it('counts HTTP API requests in 512 KB increments', () => {
    expect([0, 512 * 1024, 512 * 1024 + 1].map(chunks512k)).toEqual([1, 1, 2]);
  });

  it('rounds Lambda durations up to the millisecond and Express durations up to 100 ms', () => {
    expect([0.2, 10, 10.01].map(lambdaBilledMs)).toEqual([1, 10, 11]);
    expect([0, 1, 100, 101, 2_349].map(expressBilledMs)).toEqual([100, 100, 100, 200, 2_400]);
  });

  it('turns milliseconds at a memory size into GB-seconds (1 GB = 1024 MB)', () => {
    expect(gbSeconds(1_000, 1_024)).toBe(1);
    expect(gbSeconds(250, 512)).toBe(0.125);
  });
});

describe('UsageMeter', () => {
  it('counts each kind in the units AWS bills, per resource', () => {
    const meter = new UsageMeter();
    meter.eventPut('bus', 100);
    meter.eventPut('bus', 70_000);
    meter.lambdaInvoked({ functionName: 'fn', memorySizeMb: 512 }, 12.3);
    meter.lambdaInvoked({ functionName: 'fn', memorySizeMb: 512 }, 0.4);
    meter.sqsRequest('queue', 'SendMessage', 130_000);
    meter.sqsRequest('queue', 'ReceiveMessage', 0, { empty: true });
    meter.dynamodbRequest('table', 'GetItem', { readUnits: 0.5 });
    meter.dynamodbRequest('table', 'PutItem', { writeUnits: 2 });
    meter.emailSent('shop@example.com', 2);
    meter.customMetricPut('m1');
    meter.customMetricPut('m1');
    const express = { name: 'fast', type: 'EXPRESS' as const };
    meter.executionStarted(express);
    meter.stateTransition(express, 'A');
    meter.stateTransition(express, 'A');
    meter.executionEnded(express, 150);
    meter.executionEnded({ name: 'slow', type: 'STANDARD' }, 5_000);
    meter.watchAlarms(() => ['b-alarm', 'a-alarm']);

    const usage = meter.snapshot();
    expect(usage.events).toEqual({ bus: { entries: 2, chunks: 3 } });
    expect(usage.lambda).toEqual({ fn: { memorySizeMb: 512, requests: 2, billedMs: 14 } });
    expect(usage.sqs).toEqual({ queue: { requests: 1, chunks: 2, emptyReceives: 1, byOperation: { SendMessage: 1 } } });
    expect(usage.dynamodb).toEqual({ table: { readUnits: 0.5, writeUnits: 2, byOperation: { GetItem: 1, PutItem: 1 } } });
    expect(usage.ses).toEqual({ 'shop@example.com': { emails: 2 } });
    expect(usage.states.fast).toEqual({ type: 'EXPRESS', executions: 1, transitions: 2, byState: { A: 2 }, billedMs: 200 });
    expect(usage.states.slow).toBeUndefined();
    expect(usage.cloudwatch).toEqual({ alarms: ['a-alarm', 'b-alarm'], customMetrics: ['m1'] });
  });

  it('starts afresh on reset, and a snapshot does not change with later counts', () => {
    const meter = new UsageMeter();
    meter.eventPut('bus', 1);
    const before = meter.snapshot();
    meter.eventPut('bus', 1);
    expect(before.events.bus!.entries).toBe(1);
    meter.reset();
    expect(meter.snapshot().events).toEqual({});
  });
});
