import { EventEmitter } from 'node:events';
import { FaultInjector } from './faults/injector';
import { PolicyAuthorizer, type Caller } from './iam/authorize';
import { PolicyStore } from './iam/policy-store';
import { abortableDelay } from './timers';
import { UsageMeter } from './usage/usage-meter';
import type { FaultPlanInput } from './faults/plan';
import type { ScheduleMode } from './scheduler/schedule-clock';

/**
 * The shared context every emulated service receives. Services talk to each other only through the
 * interfaces below (never through each other's internals), so each can be built and tested alone.
 */
export interface CloudOptions {
  region?: string;
  accountId?: string;
  /**
   * Multiplies every delay AWS would apply (EventBridge retry backoff, Lambda async retries, SQS
   * visibility timeouts are NOT scaled: they are explicit API values). 1 = AWS timings; tests use ~0.001.
   */
  timeScale?: number;
  /** The fault plan (faults/plan.ts): which of AWS's documented failures to inject. Default: none. */
  faults?: FaultPlanInput;
  /**
   * Whether schedule rules and EventBridge Scheduler schedules fire on their own ('automatic', scaled by timeScale) or
   * only when fired by hand ('manual'). Default 'manual', so that in-process tests decide when a schedule runs;
   * `npm start` and `npm run local-cloud` run them automatically.
   */
  schedules?: ScheduleMode;
  /**
   * Whether IAM is enforced: every call between services (and, through the endpoint, every request) is decided by
   * the loaded roles and resource policies. Default true; false allows everything (LOCAL_CLOUD_IAM=off).
   */
  iam?: boolean;
}

/** One observable fact about what the cloud did, for tests, logs and the dashboard. */
export interface CloudActivity {
  service: 'events' | 'scheduler' | 'sqs' | 'states' | 'lambda' | 'schemas' | 'ses' | 'dynamodb' | 'faults' | 'cloudwatch' | 'sns';
  type: string;
  time: string;
  [key: string]: unknown;
}

export interface SqsMessageAttribute {
  DataType: 'String' | 'Number' | 'Binary';
  StringValue?: string;
  BinaryValue?: string;
}

export interface SqsApi {
  /**
   * Throws AwsError `AWS.SimpleQueueService.NonExistentQueue` when the queue does not exist, and
   * `AccessDeniedException` when `caller` (the service or role sending) may not send to it.
   */
  sendMessage(
    queueArnOrUrl: string,
    body: string,
    attributes?: Record<string, SqsMessageAttribute>,
    options?: { messageGroupId?: string; messageDeduplicationId?: string; delaySeconds?: number; caller?: Caller },
  ): Promise<{ MessageId: string }>;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: Date | string | number;
  EventBusName?: string;
  TraceHeader?: string;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
}

export interface PutEventsOptions {
  /**
   * Put by an AWS service itself (Step Functions' status changes, EventBridge forwarding to another bus), not by a
   * caller: an `aws.` source is allowed and the fault plan's `putEvents` does not apply (no caller could retry it).
   */
  awsService?: boolean;
}

export interface EventsApi {
  putEvents(entries: PutEventsEntry[], options?: PutEventsOptions): Promise<PutEventsResult>;
}

export interface StatesApi {
  startExecution(input: { stateMachineArn: string; name?: string; input?: string }): Promise<{ executionArn: string; startDate: Date }>;
}

export interface LambdaInvokeResult {
  /** The function's JSON-serialised return value, or its error object when functionError is set. */
  payload: string;
  functionError?: 'Unhandled' | 'Handled';
}

export interface LambdaApi {
  /**
   * Synchronous (RequestResponse) invoke. Throws AwsError `ResourceNotFoundException` for an unknown function, and
   * `TooManyRequestsException` (429) when the function is throttled.
   */
  invoke(functionArnOrName: string, payload: string): Promise<LambdaInvokeResult>;
  /**
   * Asynchronous (Event) invoke with Lambda's own semantics: accepted at once; a function error is
   * retried by "Lambda" (MaximumRetryAttempts, default 2) and then sent to the function's on-failure
   * destination / DLQ. Throws only when the invoke itself is refused (unknown function, or `caller` may not invoke it:
   * AccessDeniedException).
   */
  invokeAsync(functionArnOrName: string, payload: string, options?: { caller?: Caller }): Promise<void>;
}

export interface SnsApi {
  /** Publishes to a topic as the Publish API does. Throws AwsError `NotFound` when the topic does not exist. */
  publish(input: { topicArn: string; message: string; subject?: string }): Promise<{ MessageId: string }>;
}

export interface CloudWatchApi {
  /**
   * Takes one log line a function wrote: an Embedded Metric Format document becomes metrics, as CloudWatch Logs
   * extracts them; any other line is ignored. Answers how many metric values it stored.
   */
  putLogLine(line: string): number;
}

export interface IdentityProvidersApi {
  /** The public keys (JWKS) of the local identity provider whose issuer URL this is; undefined when none has it. */
  keySetOfIssuer(issuer: string): Promise<{ keys: object[] } | undefined>;
}

export class Cloud {
  readonly region: string;
  readonly accountId: string;
  readonly timeScale: number;
  readonly scheduleMode: ScheduleMode;
  /** Emits 'activity' with a CloudActivity. */
  readonly monitor = new EventEmitter();
  /** Injects the faults of the plan in force (none by default); each emulated service asks it at its fault points. */
  readonly faults: FaultInjector;
  /** Counts what AWS would bill (usage/usage-meter.ts); each emulated service reports its billable operations. */
  readonly usage = new UsageMeter();
  /** Decides every call as IAM would (iam/authorize.ts), from `iam.policies`, the loaded stacks' policy model. */
  readonly iam: PolicyAuthorizer;

  // Wired by the server at start-up; each is an interface so a unit test can hand in a fake.
  sqs!: SqsApi;
  events!: EventsApi;
  states!: StatesApi;
  lambda!: LambdaApi;
  sns!: SnsApi;
  cloudwatch!: CloudWatchApi;
  /** The issuers JWT authorizers can verify locally (Cognito user pools). */
  identityProviders?: IdentityProvidersApi;
  /** Endpoint of the DynamoDB emulation (dynalite), for integrations that call DynamoDB. */
  dynamodbEndpoint?: string;

  constructor(options: CloudOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.timeScale = options.timeScale ?? 1;
    this.scheduleMode = options.schedules ?? 'manual';
    this.monitor.setMaxListeners(0);
    this.faults = new FaultInjector((activity) => this.record(activity), options.faults);
    this.iam = new PolicyAuthorizer(new PolicyStore(), this.accountId, options.iam ?? true);
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /**
   * Waits `ms` of AWS time, scaled by timeScale. An aborted `signal` ends the wait at once and clears
   * the timer, so a stopped service leaves no long backoff timer keeping the process alive.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return abortableDelay(Math.round(ms * this.timeScale), signal);
  }

  record(activity: Omit<CloudActivity, 'time'>): void {
    this.monitor.emit('activity', { ...activity, time: new Date().toISOString() });
  }
}

