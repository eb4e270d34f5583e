import { randomUUID } from 'node:crypto';
import type { Cloud } from '../cloud';
import { AwsError, validationError } from '../errors';
import { targetServiceOf, type EventBridgeEvent, type RuleTarget, type TargetDeliveries } from '../eventbridge/delivery';
import { EVENT_AGE_SECONDS_RANGE, RETRY_ATTEMPTS_RANGE } from '../eventbridge/limits';
import { ScheduleClock } from './schedule-clock';
import { parseScheduleExpression, ScheduleExpressionError, type ScheduleExpression } from './schedule-expression';

/** A schedule as CreateSchedule takes it (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html). */
export interface ScheduleInput {
  Name?: string;
  GroupName?: string;
  ScheduleExpression?: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  State?: string;
  FlexibleTimeWindow?: { Mode?: string; MaximumWindowInMinutes?: number };
  ActionAfterCompletion?: string;
  Target?: ScheduleTarget;
}

export interface ScheduleTarget {
  Arn?: string;
  RoleArn?: string;
  Input?: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
  EventBridgeParameters?: { DetailType?: string; Source?: string };
}

interface Schedule {
  name: string;
  group: string;
  arn: string;
  expression: ScheduleExpression;
  timezone: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  startDate?: number;
  endDate?: number;
  flexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  actionAfterCompletion: 'NONE' | 'DELETE';
  target: ScheduleTarget & { Arn: string; RoleArn: string };
  creationDate: number;
  lastModificationDate: number;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const DEFAULT_GROUP = 'default';
/** Dates travel as epoch seconds in restJson1. */
const seconds = (ms: number) => ms / 1000;

/**
 * EventBridge Scheduler: CreateSchedule, GetSchedule, ListSchedules, UpdateSchedule, DeleteSchedule, and firing. At each
 * occurrence (rate, cron or at, in the schedule's time zone, within its start and end dates, later by up to its
 * flexible window) its target gets the Input through EventBridge's delivery code, with the schedule's retry policy
 * and dead-letter queue. Templated targets only: Lambda (asynchronous invoke), SQS, Step Functions, EventBridge.
 */
export class SchedulerService {
  private readonly schedules = new Map<string, Schedule>();
  private readonly clock: ScheduleClock;
  private readonly operations: Record<string, (input: any) => unknown>;

  constructor(
    private readonly cloud: Cloud,
    private readonly deliveries: TargetDeliveries,
  ) {
    this.clock = new ScheduleClock(cloud, cloud.scheduleMode);
    this.operations = {
      CreateSchedule: (input: ScheduleInput) => this.put(input, 'create'),
      UpdateSchedule: (input: ScheduleInput) => this.put(input, 'update'),
      GetSchedule: (input: { Name?: string; GroupName?: string }) => this.view(this.named(input.Name, input.GroupName)),
      ListSchedules: (input) => this.list(input),
      DeleteSchedule: (input: { Name?: string; GroupName?: string }) => {
        this.remove(this.named(input.Name, input.GroupName));
        return {};
      },
    };
  }

  async dispatch(operation: string, input: any): Promise<unknown> {
    const run = this.operations[operation];
    if (!run) throw new AwsError('UnknownOperationException', `The local EventBridge Scheduler does not emulate ${operation}.`);
    return run(input ?? {});
  }

  /** Every schedule, for the dashboard and `GET /_local/schedules`. */
  summaries() {
    return [...this.schedules.values()].map((schedule) => ({
      name: schedule.name,
      group: schedule.group,
      arn: schedule.arn,
      scheduleExpression: schedule.expression.text,
      timezone: schedule.timezone,
      state: schedule.state,
      targets: [schedule.target.Arn],
      nextFireAt: this.clock.nextFireAt(schedule.arn)?.toISOString(),
    }));
  }

  /** Invokes a schedule's target now, by hand (a local extension), whatever its state; answers the invocation's id. */
  fire(name: string, group?: string): { scheduleArn: string; invocationId: string } {
    const schedule = this.named(name, group);
    return { scheduleArn: schedule.arn, invocationId: this.invoke(schedule, new Date(), 'by-hand') };
  }

  stop(): void {
    this.clock.stop();
  }

  private put(input: ScheduleInput, mode: 'create' | 'update') {
    const name = input.Name;
    if (typeof name !== 'string' || !NAME.test(name)) throw validationError('Name: 1 to 64 characters of [0-9a-zA-Z-_.] are required.');
    const group = input.GroupName ?? DEFAULT_GROUP;
    if (!NAME.test(group)) throw validationError('GroupName: 1 to 64 characters of [0-9a-zA-Z-_.].');
    const key = keyOf(name, group);
    const existing = this.schedules.get(key);
    if (mode === 'create' && existing) throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    if (mode === 'update' && !existing) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    const timezone = input.ScheduleExpressionTimezone ?? 'UTC';
    if (typeof input.ScheduleExpression !== 'string') throw validationError('ScheduleExpression is required.');
    let expression: ScheduleExpression;
    try {
      expression = parseScheduleExpression(input.ScheduleExpression, { allowAt: true, timezone });
    } catch (error) {
      if (error instanceof ScheduleExpressionError) throw validationError(`Invalid Schedule Expression: ${error.message}`);
      throw error;
    }
    const state = input.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') throw validationError(`State: ${state} is not ENABLED or DISABLED.`);
    const actionAfterCompletion = input.ActionAfterCompletion ?? 'NONE';
    if (actionAfterCompletion !== 'NONE' && actionAfterCompletion !== 'DELETE') throw validationError(`ActionAfterCompletion: ${actionAfterCompletion} is not NONE or DELETE.`);
    if (input.StartDate !== undefined && input.EndDate !== undefined && input.EndDate <= input.StartDate) throw validationError('EndDate must be after StartDate.');
    const now = Date.now();
    const schedule: Schedule = {
      name,
      group,
      arn: this.cloud.arn('scheduler', `schedule/${group}/${name}`),
      expression,
      timezone,
      state,
      description: input.Description,
      startDate: input.StartDate,
      endDate: input.EndDate,
      flexibleTimeWindow: flexibleWindowOf(input.FlexibleTimeWindow),
      actionAfterCompletion,
      target: targetOf(input.Target),
      creationDate: existing?.creationDate ?? now,
      lastModificationDate: now,
    };
    this.schedules.set(key, schedule);
    this.arm(schedule);
    return { ScheduleArn: schedule.arn };
  }

  private list(input: { GroupName?: string; NamePrefix?: string; State?: string; NextToken?: string; MaxResults?: number }) {
    const all = [...this.schedules.values()]
      .filter((s) => (!input.GroupName || s.group === input.GroupName) && (!input.NamePrefix || s.name.startsWith(input.NamePrefix)) && (!input.State || s.state === input.State))
      .sort((a, b) => a.arn.localeCompare(b.arn));
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0) throw validationError('NextToken is not valid.');
    const end = start + (input.MaxResults && input.MaxResults > 0 ? input.MaxResults : 100);
    return {
      Schedules: all.slice(start, end).map((s) => ({
        Arn: s.arn, Name: s.name, GroupName: s.group, State: s.state,
        CreationDate: seconds(s.creationDate), LastModificationDate: seconds(s.lastModificationDate), Target: { Arn: s.target.Arn },
      })),
      NextToken: end < all.length ? Buffer.from(String(end)).toString('base64url') : undefined,
    };
  }

  private view(s: Schedule) {
    return {
      Arn: s.arn, Name: s.name, GroupName: s.group, ScheduleExpression: s.expression.text, ScheduleExpressionTimezone: s.timezone,
      StartDate: s.startDate, EndDate: s.endDate, Description: s.description, State: s.state, FlexibleTimeWindow: s.flexibleTimeWindow,
      ActionAfterCompletion: s.actionAfterCompletion, Target: s.target,
      CreationDate: seconds(s.creationDate), LastModificationDate: seconds(s.lastModificationDate),
    };
  }

  private named(name: string | undefined, group: string | undefined): Schedule {
    const schedule = this.schedules.get(keyOf(name ?? '', group ?? DEFAULT_GROUP));
    if (!schedule) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    return schedule;
  }

  private remove(schedule: Schedule): void {
    this.clock.delete(schedule.arn);
    this.schedules.delete(keyOf(schedule.name, schedule.group));
  }

  private arm(schedule: Schedule): void {
    if (schedule.state === 'DISABLED') return this.clock.delete(schedule.arn);
    const window = schedule.flexibleTimeWindow;
    this.clock.set(schedule.arn, {
      expression: schedule.expression,
      startDate: schedule.startDate === undefined ? undefined : new Date(schedule.startDate * 1000),
      endDate: schedule.endDate === undefined ? undefined : new Date(schedule.endDate * 1000),
      flexibleWindowMs: window.Mode === 'FLEXIBLE' ? window.MaximumWindowInMinutes! * 60_000 : undefined,
      fire: (occurrence) => {
        this.invoke(schedule, occurrence, 'schedule');
        // A one-time schedule with ActionAfterCompletion DELETE is deleted after its invocation.
        if (schedule.expression.kind === 'at' && schedule.actionAfterCompletion === 'DELETE') this.remove(schedule);
      },
    });
  }

  /**
   * One invocation: the target gets Input with the context attributes it names filled in
   * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html); without Input, a
   * Lambda, Step Functions or EventBridge target gets `{}`.
   */
  private invoke(schedule: Schedule, occurrence: Date, trigger: 'schedule' | 'by-hand'): string {
    const invocationId = randomUUID();
    const now = Date.now();
    const input = (schedule.target.Input ?? '{}')
      .replaceAll('<aws.scheduler.schedule-arn>', schedule.arn)
      .replaceAll('<aws.scheduler.scheduled-time>', occurrence.toISOString().replace(/\.\d{3}Z$/, 'Z'))
      .replaceAll('<aws.scheduler.execution-id>', invocationId);
    const { EventBridgeParameters, ...rest } = schedule.target;
    const target: RuleTarget = {
      Id: schedule.name,
      Arn: rest.Arn,
      RoleArn: rest.RoleArn,
      Input: input,
      RetryPolicy: rest.RetryPolicy,
      DeadLetterConfig: rest.DeadLetterConfig,
      SqsParameters: rest.SqsParameters,
    };
    // The delivery code works on events: for an EventBridge target this one is what PutEvents puts (Source and
    // DetailType from EventBridgeParameters, Detail the Input); for the others only its id is used.
    const event: EventBridgeEvent = {
      version: '0',
      id: invocationId,
      'detail-type': EventBridgeParameters?.DetailType ?? 'Scheduled Event',
      source: EventBridgeParameters?.Source ?? 'aws.scheduler',
      account: this.cloud.accountId,
      time: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.cloud.region,
      resources: [schedule.arn],
      detail: {},
    };
    this.cloud.record({ service: 'scheduler', type: 'schedule.fired', eventId: invocationId, scheduleArn: schedule.arn, scheduleName: schedule.name, trigger });
    this.deliveries.deliver({ event, ruleArn: schedule.arn, ruleName: schedule.name, origin: 'scheduler', target, ingestionTime: now });
    return invocationId;
  }
}

const keyOf = (name: string, group: string) => `${group}/${name}`;

function flexibleWindowOf(window: ScheduleInput['FlexibleTimeWindow']): Schedule['flexibleTimeWindow'] {
  if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) throw validationError('FlexibleTimeWindow.Mode is required: OFF or FLEXIBLE.');
  if (window.Mode === 'OFF') return { Mode: 'OFF' };
  const minutes = window.MaximumWindowInMinutes;
  if (!Number.isInteger(minutes) || minutes! < 1 || minutes! > 1440) throw validationError('FlexibleTimeWindow.MaximumWindowInMinutes must be 1 to 1440 when Mode is FLEXIBLE.');
  return { Mode: 'FLEXIBLE', MaximumWindowInMinutes: minutes };
}

/** The target's members, checked as the API model constrains them (API_Target, API_RetryPolicy). */
function targetOf(target: ScheduleTarget | undefined): Schedule['target'] {
  if (!target || typeof target.Arn !== 'string') throw validationError('Target.Arn is required.');
  if (typeof target.RoleArn !== 'string') throw validationError('Target.RoleArn is required.');
  if (!targetServiceOf(target.Arn)) {
    throw validationError(`Target.Arn ${target.Arn}: the local EventBridge Scheduler invokes only templated Lambda, SQS, Step Functions and EventBridge targets.`);
  }
  if (targetServiceOf(target.Arn) === 'events' && (!target.EventBridgeParameters?.DetailType || !target.EventBridgeParameters.Source)) {
    throw validationError('Target.EventBridgeParameters.DetailType and Source are required for an EventBridge target.');
  }
  const { MaximumEventAgeInSeconds: age, MaximumRetryAttempts: attempts } = target.RetryPolicy ?? {};
  if (age !== undefined && (!Number.isInteger(age) || age < EVENT_AGE_SECONDS_RANGE.min || age > EVENT_AGE_SECONDS_RANGE.max)) {
    throw validationError(`Target.RetryPolicy.MaximumEventAgeInSeconds must be ${EVENT_AGE_SECONDS_RANGE.min} to ${EVENT_AGE_SECONDS_RANGE.max}.`);
  }
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < RETRY_ATTEMPTS_RANGE.min || attempts > RETRY_ATTEMPTS_RANGE.max)) {
    throw validationError(`Target.RetryPolicy.MaximumRetryAttempts must be ${RETRY_ATTEMPTS_RANGE.min} to ${RETRY_ATTEMPTS_RANGE.max}.`);
  }
  const dlq = target.DeadLetterConfig?.Arn;
  if (dlq !== undefined && targetServiceOf(dlq) !== 'sqs') throw validationError(`Target.DeadLetterConfig.Arn ${dlq} is not an SQS queue ARN.`);
  return structuredClone(target) as Schedule['target'];
}
