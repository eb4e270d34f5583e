import { chunks512k, chunks64k, expressBilledMs, lambdaBilledMs } from './billing-units';

/**
 * What the emulator counted that AWS bills, per resource, since the meter was last reset: each service reports its
 * billable operations here, in the units AWS bills them (billing-units.ts). Free operations (control-plane calls, AWS
 * service events, rule matching and target delivery, TTL deletes) are not counted.
 */
export interface Usage {
  /** When counting began (ISO time of the start or the last reset). */
  since: string;
  /** EventBridge custom events put (PutEvents entries that were put, from the SDK, the CLI or Step Functions), per bus. */
  events: Record<string, { entries: number; chunks: number }>;
  /**
   * Step Functions, per state machine: executions started, state transitions (every state entered, and every retry:
   * https://aws.amazon.com/step-functions/pricing/), counted for Express executions too so that they can be priced as if
   * Standard; Express executions' billed duration (100 ms steps).
   */
  states: Record<string, { type: 'STANDARD' | 'EXPRESS'; executions: number; transitions: number; byState: Record<string, number>; billedMs: number }>;
  /** Lambda, per function: requests (every attempt that ran) and billed duration (1 ms steps) at the function's memory size. */
  lambda: Record<string, { memorySizeMb: number; requests: number; billedMs: number }>;
  /**
   * SQS, per queue: requests in 64 KB chunks of payload, every caller included (Lambda's pollers, EventBridge and Step
   * Functions sending). `emptyReceives` are ReceiveMessage calls that returned nothing, kept apart: Lambda's pollers
   * make them at AWS's own rate whatever the traffic, a monthly cost rather than an order's.
   */
  sqs: Record<string, { requests: number; chunks: number; emptyReceives: number; byOperation: Record<string, number> }>;
  /** DynamoDB on-demand, per table: read and write request units, and requests by operation. */
  dynamodb: Record<string, { readUnits: number; writeUnits: number; byOperation: Record<string, number> }>;
  /** SES: e-mails sent (one per recipient), per sender address. */
  ses: Record<string, { emails: number }>;
  /** API Gateway HTTP APIs: requests in 512 KB increments, per route key. */
  httpApi: Record<string, { requests: number; chunks: number }>;
  /** CloudWatch: the alarms that exist now (billed per alarm-month) and the custom metrics written since the reset (per metric-month). */
  cloudwatch: { alarms: string[]; customMetrics: string[] };
}

type MachineCounts = Usage['states'][string];

function entry<V>(records: Record<string, V>, key: string, initial: () => NoInfer<V>): V {
  return (records[key] ??= initial());
}

const empty = (): Omit<Usage, 'cloudwatch'> & { customMetrics: Set<string> } => ({
  since: new Date().toISOString(),
  events: {},
  states: {},
  lambda: {},
  sqs: {},
  dynamodb: {},
  ses: {},
  httpApi: {},
  customMetrics: new Set(),
});

export class UsageMeter {
  private counts = empty();
  private alarms: () => string[] = () => [];

  /** Names of the alarms that exist, asked at each snapshot (CloudWatch registers it). */
  watchAlarms(list: () => string[]): void {
    this.alarms = list;
  }

  /** One PutEvents entry that was put on `bus`, of `sizeBytes` as EventBridge sizes entries. */
  eventPut(bus: string, sizeBytes: number): void {
    const counts = entry(this.counts.events, bus, () => ({ entries: 0, chunks: 0 }));
    counts.entries += 1;
    counts.chunks += chunks64k(sizeBytes);
  }

  executionStarted(machine: { name: string; type: 'STANDARD' | 'EXPRESS' }): void {
    this.machine(machine).executions += 1;
  }

  /** A state entered, or retried: each is a billed transition. */
  stateTransition(machine: { name: string; type: 'STANDARD' | 'EXPRESS' }, stateName: string): void {
    const counts = this.machine(machine);
    counts.transitions += 1;
    counts.byState[stateName] = (counts.byState[stateName] ?? 0) + 1;
  }

  /** An execution closed after `durationMs` (billed for Express only). */
  executionEnded(machine: { name: string; type: 'STANDARD' | 'EXPRESS' }, durationMs: number): void {
    if (machine.type === 'EXPRESS') this.machine(machine).billedMs += expressBilledMs(durationMs);
  }

  /** One invocation that ran (a throttled one is not billed), for `durationMs`. */
  lambdaInvoked(fn: { functionName: string; memorySizeMb: number }, durationMs: number): void {
    const counts = entry(this.counts.lambda, fn.functionName, () => ({ memorySizeMb: fn.memorySizeMb, requests: 0, billedMs: 0 }));
    counts.memorySizeMb = fn.memorySizeMb;
    counts.requests += 1;
    counts.billedMs += lambdaBilledMs(durationMs);
  }

  /** One SQS API call on `queue` carrying (or, for a receive, returning) `payloadBytes`; `empty` for a receive that got nothing. */
  sqsRequest(queue: string, operation: string, payloadBytes: number, options: { empty?: boolean } = {}): void {
    const counts = entry(this.counts.sqs, queue, () => ({ requests: 0, chunks: 0, emptyReceives: 0, byOperation: {} }));
    if (options.empty) {
      counts.emptyReceives += 1;
      return;
    }
    counts.requests += 1;
    counts.chunks += chunks64k(payloadBytes);
    counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
  }

  /** One DynamoDB request on `table` and the capacity it consumed. */
  dynamodbRequest(table: string, operation: string, units: { readUnits?: number; writeUnits?: number }): void {
    const counts = entry(this.counts.dynamodb, table, () => ({ readUnits: 0, writeUnits: 0, byOperation: {} }));
    counts.readUnits += units.readUnits ?? 0;
    counts.writeUnits += units.writeUnits ?? 0;
    counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
  }

  /** An e-mail SES accepted, to `recipients` addresses (SES bills each recipient as one e-mail). */
  emailSent(from: string, recipients: number): void {
    entry(this.counts.ses, from, () => ({ emails: 0 })).emails += recipients;
  }

  httpApiRequest(routeKey: string, bodyBytes: number): void {
    const counts = entry(this.counts.httpApi, routeKey, () => ({ requests: 0, chunks: 0 }));
    counts.requests += 1;
    counts.chunks += chunks512k(bodyBytes);
  }

  /** A custom metric (a namespace, name and dimensions; PutMetricData or EMF) got a value. */
  customMetricPut(metricKey: string): void {
    this.counts.customMetrics.add(metricKey);
  }

  snapshot(): Usage {
    const { customMetrics, ...counts } = this.counts;
    return structuredClone({ ...counts, cloudwatch: { alarms: this.alarms().sort(), customMetrics: [...customMetrics].sort() } });
  }

  /** Starts counting afresh (alarms are not counts: they are reported as they exist). */
  reset(): void {
    this.counts = empty();
  }

  private machine(machine: { name: string; type: 'STANDARD' | 'EXPRESS' }): MachineCounts {
    return entry(this.counts.states, machine.name, () => ({ type: machine.type, executions: 0, transitions: 0, byState: {}, billedMs: 0 }));
  }
}
