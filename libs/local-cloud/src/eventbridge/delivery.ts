import type { Cloud, SqsMessageAttribute } from '../cloud';
import { AwsError } from '../errors';
import { holdBack, unlimitedAbortController } from '../faults/injector';
import { accessDeniedError, requireAllowed } from '../iam/access-denied';
import type { Caller } from '../iam/authorize';
import { eventBusArn } from '../iam/resource-arns';
import { renderTargetInput, type TargetInputConfig } from './input';
import {
  EVENT_AGE_SECONDS_RANGE,
  RETRY_ATTEMPTS_RANGE,
  RETRY_BACKOFF_BASE_MS,
  RETRY_BACKOFF_CAP_MS,
} from './limits';

/** An event as EventBridge matches and delivers it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html). */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Set on events re-sent by a replay, so rules can tell them apart (`{"replay-name": [{"exists": false}]}`). */
  'replay-name'?: string;
}

/** A rule target in the PutTargets shape (only the members the emulator acts on). */
export interface RuleTarget extends TargetInputConfig {
  Id: string;
  Arn: string;
  RoleArn?: string;
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
}

export interface DeliveryOrder {
  event: EventBridgeEvent;
  /** The rule's ARN and name, or the schedule's when `origin` is 'scheduler'. */
  ruleArn: string;
  ruleName: string;
  /**
   * Who delivers: a rule (the default), or an EventBridge Scheduler schedule, whose target gets its Input and whose DLQ
   * message is that payload with SCHEDULE_ARN instead of the event with RULE_ARN
   * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
   */
  origin?: 'rule' | 'scheduler';
  target: RuleTarget;
  /** When the event reached the bus (epoch ms); rendered as `<aws.events.event.ingestion-time>`. */
  ingestionTime: number;
}

/** Puts an event on another bus with the given detail JSON. Throws when the bus refuses it. */
export type BusForwarder = (busArn: string, event: EventBridgeEvent, detail: string) => Promise<void>;

export type TargetService = 'sqs' | 'lambda' | 'states' | 'events';

/** The action a delivery to each kind of target is authorized as. */
const TARGET_ACTIONS: Record<TargetService, string> = {
  sqs: 'sqs:SendMessage',
  lambda: 'lambda:InvokeFunction',
  states: 'states:StartExecution',
  events: 'events:PutEvents',
};

/** The service a target ARN points at, when the emulator can deliver to it. */
export function targetServiceOf(arn: string): TargetService | undefined {
  const [prefix, , service, , , resource] = arn.split(':');
  if (prefix !== 'arn' || !resource) return undefined;
  if (service === 'sqs' || service === 'lambda') return service;
  if (service === 'states' && resource === 'stateMachine') return 'states';
  if (service === 'events' && resource.startsWith('event-bus/')) return 'events';
  return undefined;
}

interface DeliveryFailure {
  /** The ERROR_CODE EventBridge writes on dead-lettered messages (the list in eb-rule-dlq). */
  code: string;
  message: string;
  /** Whether EventBridge retries it under the target's RetryPolicy; otherwise the event goes straight to the DLQ. */
  retriable: boolean;
}

const NO_RESOURCE_CODES = new Set([
  'ResourceNotFoundException',
  'AWS.SimpleQueueService.NonExistentQueue',
  'QueueDoesNotExist',
  'StateMachineDoesNotExist',
  'StateMachineDeleting',
]);
const NO_PERMISSION_CODES = new Set(['AccessDeniedException', 'AccessDenied', 'KMSAccessDeniedException']);
// Several AWS JSON services answer throttling with HTTP 400, so the code counts as much as the status.
const THROTTLING_CODES = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestThrottled']);

/**
 * EventBridge retries throttling (429) and server errors (5xx) from a target; any other 4xx is not retried,
 * nor are a missing target or missing permissions: the event goes to the DLQ at once with RETRY_ATTEMPTS 0
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html, eb-rule-dlq.html).
 * A refused request to the target's API is SDK_CLIENT_ERROR among eb-rule-dlq's ERROR_CODEs. An error that
 * is not an AWS answer (the target could not be reached) is retried.
 */
function classify(error: unknown): DeliveryFailure {
  const message = messageOf(error);
  if (!(error instanceof AwsError)) return { code: 'ERROR_FROM_TARGET', message, retriable: true };
  const { code, statusCode } = error;
  if (NO_RESOURCE_CODES.has(code)) return { code: 'NO_RESOURCE', message, retriable: false };
  if (NO_PERMISSION_CODES.has(code)) return { code: 'NO_PERMISSIONS', message, retriable: false };
  if (THROTTLING_CODES.has(code) || statusCode === 429) return { code: 'THROTTLING', message, retriable: true };
  if (statusCode >= 500) return { code: 'ERROR_FROM_TARGET', message, retriable: true };
  return { code: 'SDK_CLIENT_ERROR', message, retriable: false };
}

const stringAttribute = (value: string): SqsMessageAttribute => ({ DataType: 'String', StringValue: value });

type ExhaustedRetryCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/**
 * Delivers matched events to rule targets, asynchronously, with EventBridge's retry policy and
 * dead-letter queues (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * Every delivery is tracked until it ends, so `drain()` can wait for all of them.
 */
export class TargetDeliveries {
  private readonly pending = new Set<Promise<void>>();
  // Every held-back delivery and retry wait listens on it: hundreds at once are expected, not a leak.
  private readonly stopping = unlimitedAbortController();

  constructor(
    private readonly cloud: Cloud,
    private readonly forwardToBus: BusForwarder,
    /** Jitter source, replaceable so tests get fixed backoff delays. */
    private readonly random: () => number = Math.random,
  ) {}

  deliver(order: DeliveryOrder): void {
    // Delivery is at least once and unordered: EventBridge retries a delivery it could not confirm
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html), so a target can get an
    // event twice, and targets are called in parallel with no ordering guarantee. The fault plan's `duplicate` and
    // `delay` make both happen on demand.
    const site = { names: [order.ruleName, order.target.Id, resourceNameOf(order.target.Arn)], context: { eventId: order.event.id, ruleArn: order.ruleArn, targetId: order.target.Id, targetArn: order.target.Arn, detailType: order.event['detail-type'] } };
    for (const held of this.cloud.faults.deliveries(site, 'eventbridge-target')) {
      // Started on a later turn: PutEvents answers before any target is called, as on AWS.
      this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => holdBack(held, this.stopping.signal)).then(() => this.run(order)));
    }
  }

  /** Keeps `work` pending for drain(); its failure is recorded, never thrown. */
  track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => this.cloud.record({ service: 'events', type: 'internal.error', message: messageOf(error) }))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once no delivery, retry or replay is pending (work started meanwhile is waited for too). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Cancels pending retries; their events are recorded as dropped. */
  stop(): void {
    this.stopping.abort();
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(order: DeliveryOrder): Promise<void> {
    const { event, target } = order;
    const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? RETRY_ATTEMPTS_RANGE.default;
    const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? EVENT_AGE_SECONDS_RANGE.default) * 1000;
    let payload: string;
    try {
      payload = renderTargetInput(event as unknown as Record<string, unknown>, target, {
        ruleArn: order.ruleArn,
        ruleName: order.ruleName,
        ingestionTime: new Date(order.ingestionTime).toISOString(),
      });
    } catch (error) {
      return this.giveUp(order, { code: 'INVALID_PARAMETER', message: messageOf(error), retriable: false }, 0, undefined);
    }
    // Event age in AWS time: the backoff delays waited so far (attempts themselves take milliseconds), so
    // MaximumEventAgeInSeconds does not depend on how busy this machine is.
    let ageMs = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return this.drop(order, 'the emulator was stopped before the event was delivered');
      try {
        await this.send(order, payload);
        this.record('delivery.succeeded', order, { attempt });
        return;
      } catch (error) {
        const failure = classify(error);
        this.record('delivery.failed', order, { attempt, errorCode: failure.code, errorMessage: failure.message });
        const retries = attempt - 1;
        if (!failure.retriable) return this.giveUp(order, failure, retries, payload);
        if (retries >= maxRetries) return this.giveUp(order, failure, retries, payload, 'MaximumRetryAttempts');
        const delay = this.backoff(attempt);
        if (ageMs + delay > maxAgeMs) return this.giveUp(order, failure, retries, payload, 'MaximumEventAgeInSeconds');
        ageMs += delay;
        await this.cloud.sleep(delay, this.stopping.signal);
      }
    }
  }

  private backoff(retry: number): number {
    return this.random() * Math.min(RETRY_BACKOFF_CAP_MS, RETRY_BACKOFF_BASE_MS * 2 ** (retry - 1));
  }

  private async send(order: DeliveryOrder, payload: string): Promise<void> {
    const { target, event } = order;
    const service = targetServiceOf(target.Arn);
    const caller = service ? this.callerFor(order, TARGET_ACTIONS[service], service === 'events' ? eventBusArn(target.Arn, this.cloud) : target.Arn, 'target') : undefined;
    switch (service) {
      case 'sqs': {
        // A FIFO target needs SqsParameters.MessageGroupId and a queue with content-based deduplication (API_SqsParameters).
        const groupId = target.SqsParameters?.MessageGroupId;
        await this.cloud.sqs.sendMessage(target.Arn, payload, undefined, { ...(groupId && { messageGroupId: groupId }), caller });
        return;
      }
      case 'lambda':
        // EventBridge invokes Lambda asynchronously: once Lambda accepts the event, the delivery has
        // succeeded. A function error is retried by Lambda itself and then goes to the function's own
        // on-failure destination / DLQ, never to this rule target's DLQ. Only a refused invoke
        // (unknown function, throttled) is a delivery failure here.
        await this.cloud.lambda.invokeAsync(target.Arn, payload, { caller });
        return;
      case 'states':
        await this.cloud.states.startExecution({ stateMachineArn: target.Arn, input: payload });
        return;
      case 'events': {
        // The receiving bus gets an event of the same source and type; an input configuration shapes its detail.
        const configured = target.Input !== undefined || target.InputPath !== undefined || target.InputTransformer !== undefined;
        await this.forwardToBus(target.Arn, event, configured ? payload : JSON.stringify(event.detail));
        return;
      }
      default:
        throw new AwsError('ValidationException', `Target ${target.Arn} is not a target type the local EventBridge delivers to.`);
    }
  }

  /**
   * Retries are over (or were never allowed): the ORIGINAL event goes to the target's DLQ with the
   * attributes EventBridge adds (eb-rule-dlq: RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE,
   * EXHAUSTED_RETRY_CONDITION when a retry limit ended it, RETRY_ATTEMPTS); without a DLQ it is dropped.
   */
  private async giveUp(order: DeliveryOrder, failure: DeliveryFailure, retries: number, payload: string | undefined, exhausted?: ExhaustedRetryCondition): Promise<void> {
    const dlqArn = order.target.DeadLetterConfig?.Arn;
    if (!dlqArn) return this.drop(order, failure.message, { errorCode: failure.code, exhaustedRetryCondition: exhausted });
    const scheduled = order.origin === 'scheduler';
    const attributes: Record<string, SqsMessageAttribute> = {
      [scheduled ? 'SCHEDULE_ARN' : 'RULE_ARN']: stringAttribute(order.ruleArn),
      TARGET_ARN: stringAttribute(order.target.Arn),
      ERROR_CODE: stringAttribute(failure.code),
      ERROR_MESSAGE: stringAttribute(failure.message),
      RETRY_ATTEMPTS: stringAttribute(String(retries)),
      ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: stringAttribute(exhausted) } : {}),
    };
    try {
      const caller = this.callerFor(order, 'sqs:SendMessage', dlqArn, 'dead-letter queue');
      await this.cloud.sqs.sendMessage(dlqArn, scheduled && payload !== undefined ? payload : JSON.stringify(order.event), attributes, { caller });
      this.record('delivery.dead-lettered', order, { deadLetterQueueArn: dlqArn, errorCode: failure.code, retryAttempts: retries });
    } catch (error) {
      this.drop(order, `sending to the dead-letter queue ${dlqArn} failed: ${messageOf(error)}`, { errorCode: failure.code, deadLetterQueueArn: dlqArn });
    }
  }

  /**
   * Who calls the target or the DLQ. EventBridge calls a rule's target as itself, events.amazonaws.com with the rule as
   * aws:SourceArn, so the target's resource policy must allow it: the queue policy, the function's permission; so must
   * the DLQ's queue policy (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html,
   * eb-rule-dlq.html). That caller is answered, and the queue or function decides (after telling a missing one:
   * NO_RESOURCE). A target that needs a role (a state machine, a bus given one) is called with the target's RoleArn
   * (eb-use-identity-based.html), and Scheduler calls every target, and the DLQ, with the schedule's role
   * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role,
   * configuring-schedule-dlq.html): the role must trust the service (sts:AssumeRole with the rule or schedule as
   * aws:SourceArn) and may make the call, checked here. A denial is AccessDeniedException: NO_PERMISSIONS, not retried.
   */
  private callerFor(order: DeliveryOrder, action: string, resource: string, what: 'target' | 'dead-letter queue'): Caller | undefined {
    const scheduled = order.origin === 'scheduler';
    const principal = scheduled ? 'scheduler.amazonaws.com' : 'events.amazonaws.com';
    const asService: Caller = { kind: 'service', principal, sourceArn: order.ruleArn, sourceAccount: this.cloud.accountId };
    const roleArn = order.target.RoleArn;
    const service = what === 'target' ? targetServiceOf(order.target.Arn) : 'sqs';
    // A bus of this account given no role: EventBridge forwards as it always has, with no policy to check.
    if (!scheduled && service === 'events' && !roleArn) return undefined;
    if (!(scheduled || service === 'states' || service === 'events')) return asService;
    if (!roleArn) {
      if (this.cloud.iam.enabled) throw accessDeniedError(`${principal} needs the target's RoleArn to call ${order.target.Arn}, and it has none`);
      return undefined;
    }
    requireAllowed(this.cloud.iam, { caller: asService, action: 'sts:AssumeRole', resource: roleArn });
    const asRole: Caller = { kind: 'role', roleArn, sessionName: order.ruleName };
    requireAllowed(this.cloud.iam, { caller: asRole, action, resource });
    return asRole;
  }

  private drop(order: DeliveryOrder, reason: string, extra: Record<string, unknown> = {}): void {
    this.record('event.dropped', order, { reason, ...extra });
  }

  private record(type: string, order: DeliveryOrder, extra: Record<string, unknown>): void {
    this.cloud.record({
      service: order.origin === 'scheduler' ? 'scheduler' : 'events',
      type,
      eventId: order.event.id,
      ruleArn: order.ruleArn,
      targetId: order.target.Id,
      targetArn: order.target.Arn,
      ...extra,
    });
  }
}

/** `my-fn` of `arn:aws:lambda:…:function:my-fn`, `my-queue` of an SQS ARN, `my-machine` of a state machine ARN. */
export function resourceNameOf(arn: string): string {
  const parts = arn.split(':');
  return (parts[0] === 'arn' && parts[2] === 'sqs' ? parts[5] : parts[6] ?? parts[5]?.split('/').pop()) ?? arn;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
