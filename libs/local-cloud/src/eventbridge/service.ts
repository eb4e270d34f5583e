import { randomUUID } from 'node:crypto';
import type { Cloud, EventsApi, PutEventsEntry, PutEventsOptions, PutEventsResult } from '../cloud';
import { AwsError, validationError } from '../errors';
import { policyDocument } from '../iam/policy-document';
import { EventArchives } from './archive';
import { TargetDeliveries, targetServiceOf, type EventBridgeEvent, type RuleTarget } from './delivery';
import { validateTargetInput } from './input';
import {
  EVENT_AGE_SECONDS_RANGE,
  MAX_PUT_EVENTS_ENTRIES,
  MAX_PUT_EVENTS_SIZE_BYTES,
  MAX_TARGETS_PER_REQUEST,
  MAX_TARGETS_PER_RULE,
  RETRY_ATTEMPTS_RANGE,
  putEventsEntrySize,
  requireName,
  requireString,
  requireTime,
} from './limits';
import { compilePattern, type EventMatcher } from './pattern';
import { ScheduleClock } from '../scheduler/schedule-clock';
import { parseScheduleExpression, ScheduleExpressionError, type ScheduleExpression } from '../scheduler/schedule-expression';

type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
const RULE_STATES: readonly string[] = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

interface Rule {
  name: string;
  arn: string;
  /** An event-pattern rule has these two; a schedule rule has `schedule` instead. */
  eventPattern?: string;
  matcher?: EventMatcher;
  schedule?: ScheduleExpression;
  state: RuleState;
  description?: string;
  roleArn?: string;
  targets: Map<string, RuleTarget>;
}

interface EventBus {
  name: string;
  arn: string;
  description?: string;
  policy?: string;
  creationTime: number;
  lastModifiedTime: number;
  rules: Map<string, Rule>;
}

interface PolicyStatement {
  Sid?: string;
  [key: string]: unknown;
}

export interface EventBridgeOptions {
  /** Jitter source for retry backoff; tests pass a constant to get fixed delays. */
  random?: () => number;
}

const DEFAULT_BUS = 'default';
const AWS_SOURCE_PREFIX = 'aws.';
const BUS_NAME_PATTERN = /^[/.\-_A-Za-z0-9]+$/;
/** JSON protocols carry timestamps as epoch seconds. */
const epochSeconds = (ms: number) => ms / 1000;
/** Event `time` has second precision on AWS, e.g. "2026-01-29T10:15:30Z". */
/** The fault plan's `putEvents`: the per-entry failures PutEvents reports for an entry it did not put. */
const ENTRY_FAILURES = [
  { name: 'InternalFailure', message: 'Internal Failure' },
  { name: 'ThrottlingException', message: 'Rate exceeded.' },
] as const;

const eventTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The EventBridge emulation: event buses, rules and targets, PutEvents with asynchronous delivery
 * (retries and dead-letter queues live in delivery.ts), archives and replays (archive.ts).
 * Hosted by the server through `dispatch` (`X-Amz-Target: AWSEvents.<Op>`); other services reach it
 * through `putEvents` (the Cloud's EventsApi).
 */
export class EventBridgeService implements EventsApi {
  private readonly buses = new Map<string, EventBus>();
  private readonly deliveries: TargetDeliveries;
  private readonly archives: EventArchives;
  private readonly operations: Record<string, (input: any) => unknown>;
  /** Fires the enabled schedule rules (cloud.scheduleMode 'automatic'), keyed by rule ARN. */
  private readonly clock: ScheduleClock;

  constructor(
    private readonly cloud: Cloud,
    options: EventBridgeOptions = {},
  ) {
    this.deliveries = new TargetDeliveries(cloud, (busArn, event, detail) => this.forward(busArn, event, detail), options.random);
    this.clock = new ScheduleClock(cloud, cloud.scheduleMode);
    this.archives = new EventArchives(cloud, {
      busExists: (busArn) => this.buses.has(busNameOf(busArn)),
      ruleExists: (busArn, ruleArn) => [...(this.buses.get(busNameOf(busArn))?.rules.values() ?? [])].some((rule) => rule.arn === ruleArn),
      redeliver: (busArn, event, filterArns) => {
        const bus = this.buses.get(busNameOf(busArn));
        if (bus) this.route(bus, event, Date.now(), filterArns);
      },
      track: (work) => this.deliveries.track(work),
    });
    this.createBus(DEFAULT_BUS);
    const archives = this.archives;
    this.operations = {
      CreateEventBus: (input) => this.createEventBus(input),
      DescribeEventBus: (input) => this.describeEventBus(input),
      ListEventBuses: (input) => this.listEventBuses(input),
      DeleteEventBus: (input) => this.deleteEventBus(input),
      PutPermission: (input) => this.putPermission(input),
      RemovePermission: (input) => this.removePermission(input),
      PutRule: (input) => this.putRule(input),
      DescribeRule: (input) => this.describeRule(input),
      ListRules: (input) => this.listRules(input),
      EnableRule: (input) => this.setRuleState(input, 'ENABLED'),
      DisableRule: (input) => this.setRuleState(input, 'DISABLED'),
      DeleteRule: (input) => this.deleteRule(input),
      PutTargets: (input) => this.putTargets(input),
      RemoveTargets: (input) => this.removeTargets(input),
      ListTargetsByRule: (input) => this.listTargetsByRule(input),
      PutEvents: (input) => this.putEvents(input.Entries),
      TestEventPattern: (input) => this.testEventPattern(input),
      CreateArchive: (input) => archives.createArchive(input),
      DescribeArchive: (input) => archives.describeArchive(input),
      ListArchives: (input) => archives.listArchives(input),
      DeleteArchive: (input) => archives.deleteArchive(input),
      StartReplay: (input) => archives.startReplay(input),
      DescribeReplay: (input) => archives.describeReplay(input),
      ListReplays: (input) => archives.listReplays(input),
      CancelReplay: (input) => archives.cancelReplay(input),
    };
  }

  /** Runs one AWS API operation: `input` and the result are the operation's JSON shapes. */
  async dispatch(operation: string, input: any): Promise<unknown> {
    const run = this.operations[operation];
    if (!run) throw new AwsError('UnknownOperationException', `The local EventBridge does not emulate ${operation}.`);
    return run(input ?? {});
  }

  /** Resolves when no delivery, retry or replay is pending. */
  drain(): Promise<void> {
    return this.deliveries.drain();
  }

  /** Cancels pending retries (their events are recorded as dropped) and refuses further deliveries. */
  stop(): void {
    this.clock.stop();
    this.deliveries.stop();
  }

  /**
   * Delivery with EventBridge's retry policy and DLQs, which EventBridge Scheduler's targets share (their orders say
   * `origin: 'scheduler'`); drain() waits for these too.
   */
  get targetDeliveries(): TargetDeliveries {
    return this.deliveries;
  }

  // ---- Schedule rules ----------------------------------------------------------------------------

  /** The schedule rules of the default bus (the only bus that has them), for the dashboard and `GET /_local/schedules`. */
  scheduleRules() {
    return [...this.buses.get(DEFAULT_BUS)!.rules.values()]
      .filter((rule) => rule.schedule)
      .map((rule) => ({
        name: rule.name,
        arn: rule.arn,
        scheduleExpression: rule.schedule!.text,
        state: rule.state,
        targets: [...rule.targets.values()].map((target) => target.Arn),
        nextFireAt: this.clock.nextFireAt(rule.arn)?.toISOString(),
      }));
  }

  /**
   * Fires a schedule rule now, by hand (a local extension: AWS has no such call), whatever its state: its targets get
   * the "Scheduled Event" as at an occurrence. Answers the event's id; ResourceNotFoundException for an unknown rule.
   */
  fireScheduleRule(name: string): { ruleArn: string; eventId: string } {
    const rule = this.buses.get(DEFAULT_BUS)!.rules.get(name);
    if (!rule?.schedule) throw new AwsError('ResourceNotFoundException', `Schedule rule ${name} does not exist on the default event bus.`);
    return { ruleArn: rule.arn, eventId: this.fireRule(rule, 'by-hand') };
  }

  /**
   * The event a schedule rule sends its targets
   * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html): source aws.events,
   * detail-type "Scheduled Event", the rule's ARN as its resource, an empty detail. It is not put on the bus, so no
   * other rule and no archive sees it.
   */
  private fireRule(rule: Rule, trigger: 'schedule' | 'by-hand'): string {
    const now = Date.now();
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.cloud.accountId,
      time: eventTime(now),
      region: this.cloud.region,
      resources: [rule.arn],
      detail: {},
    };
    this.cloud.record({ service: 'events', type: 'schedule.fired', eventId: event.id, ruleArn: rule.arn, ruleName: rule.name, trigger });
    for (const target of rule.targets.values()) this.deliveries.deliver({ event, ruleArn: rule.arn, ruleName: rule.name, target, ingestionTime: now });
    return event.id;
  }

  /** Arms or disarms a schedule rule's timer after it was created or its state changed. */
  private clockRule(rule: Rule): void {
    if (rule.schedule && rule.state !== 'DISABLED') {
      this.clock.set(rule.arn, { expression: rule.schedule, fire: () => void this.fireRule(rule, 'schedule') });
    } else {
      this.clock.delete(rule.arn);
    }
  }

  // ---- PutEvents ---------------------------------------------------------------------------------

  /**
   * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html: request-level limits
   * fail the whole call; an invalid entry fails alone (ErrorCode/ErrorMessage) and the others go through.
   */
  async putEvents(entries: PutEventsEntry[], options: PutEventsOptions = {}): Promise<PutEventsResult> {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw validationError("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
    }
    if (entries.length > MAX_PUT_EVENTS_ENTRIES) {
      throw validationError(
        `1 validation error detected: Value '[${entries.length} entries]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PUT_EVENTS_ENTRIES}`,
      );
    }
    const size = entries.reduce((total, entry) => total + putEventsEntrySize(entry ?? {}), 0);
    if (size > MAX_PUT_EVENTS_SIZE_BYTES) throw validationError('Total size of the entries in the request is over the limit.');
    const results = entries.map((entry) => this.putEntry(entry ?? {}, options.awsService === true));
    return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
  }

  private putEntry(entry: PutEventsEntry, awsService: boolean): PutEventsResult['Entries'][number] {
    const failure = (ErrorCode: string, ErrorMessage: string) => ({ ErrorCode, ErrorMessage });
    // AWS itself accepts entries for a bus that does not exist and drops them silently
    // (https://github.com/aws/aws-cli/issues/9186); the emulator reports them so the mistake shows.
    const bus = this.buses.get(busNameOf(entry.EventBusName));
    if (!bus) return failure('InvalidArgument', `Event bus ${entry.EventBusName} does not exist.`);
    for (const member of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[member] !== 'string' || entry[member] === '') {
        return failure('InvalidArgument', `Parameter ${member} is not valid. Reason: ${member} is a required argument.`);
      }
    }
    // "All events that come from AWS services begin with aws." (eb-events-structure); a caller's put of one is refused.
    if (!awsService && entry.Source!.startsWith(AWS_SOURCE_PREFIX)) return failure('NotAuthorizedForSourceException', 'Not authorized for the source.');
    const detail = parseObject(entry.Detail!);
    if (!detail) return failure('MalformedDetail', 'Detail is malformed.');
    const resources = entry.Resources ?? [];
    if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
      return failure('InvalidArgument', 'Parameter Resources is not valid. Reason: Resources must be a list of strings.');
    }
    let time = Date.now();
    if (entry.Time !== undefined && entry.Time !== null) {
      try {
        time = requireTime(entry.Time, 'Time');
      } catch (error) {
        return failure('InvalidArgument', (error as Error).message);
      }
    }
    // PutEvents can fail per entry while the call succeeds; callers must read FailedEntryCount and retry the
    // retryable ErrorCodes (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html).
    const site = { names: [bus.name, entry.Source, entry.DetailType], context: { eventBusName: bus.name, source: entry.Source, detailType: entry.DetailType } };
    const refused = awsService ? undefined : this.cloud.faults.pick('putEvents', site, ENTRY_FAILURES);
    if (refused) return failure(refused.name, refused.message);
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account: this.cloud.accountId,
      time: eventTime(time),
      region: this.cloud.region,
      resources,
      detail,
    };
    this.archives.archive(bus.arn, event);
    this.route(bus, event, Date.now());
    // A custom event is billed as it is put, per 64 KB chunk; AWS services' own events are free
    // (https://aws.amazon.com/eventbridge/pricing/).
    if (!awsService) this.cloud.usage.eventPut(bus.name, putEventsEntrySize(entry));
    return { EventId: event.id };
  }

  /** Matches `event` against the bus's enabled rules (only `filterArns` ones for a replay) and delivers it. */
  private route(bus: EventBus, event: EventBridgeEvent, ingestionTime: number, filterArns?: string[]): void {
    this.cloud.record({
      service: 'events',
      type: 'event.received',
      eventId: event.id,
      eventBusName: bus.name,
      source: event.source,
      detailType: event['detail-type'],
      detail: event.detail,
      ...(event['replay-name'] ? { replayName: event['replay-name'] } : {}),
    });
    for (const rule of bus.rules.values()) {
      if (rule.state === 'DISABLED' || (filterArns && !filterArns.includes(rule.arn)) || !rule.matcher?.(event)) continue;
      this.cloud.record({ service: 'events', type: 'rule.matched', eventId: event.id, ruleArn: rule.arn, ruleName: rule.name });
      for (const target of rule.targets.values()) {
        this.deliveries.deliver({ event, ruleArn: rule.arn, ruleName: rule.name, target, ingestionTime });
      }
    }
  }

  /** Delivery to an event-bus target: the event is put on that bus, keeping its source, type and resources. */
  private async forward(busArn: string, event: EventBridgeEvent, detail: string): Promise<void> {
    if (!this.buses.has(busNameOf(busArn))) throw new AwsError('ResourceNotFoundException', `Event bus ${busArn} does not exist.`);
    const { Entries } = await this.putEvents(
      [{ Source: event.source, DetailType: event['detail-type'], Detail: detail, Resources: event.resources, Time: event.time, EventBusName: busArn }],
      { awsService: true },
    );
    const [result] = Entries;
    if (result?.ErrorCode) throw new AwsError(result.ErrorCode, result.ErrorMessage ?? result.ErrorCode);
  }

  private testEventPattern(input: { EventPattern?: string; Event?: string }) {
    const matcher = compilePattern(requireString(input.EventPattern, 'eventPattern'));
    const event = parseObject(requireString(input.Event, 'event'));
    if (!event) throw validationError('Parameter Event is not valid. Reason: Event must be a JSON object.');
    // API_TestEventPattern: "the following fields are mandatory: id, account, source, time, region, resources, detail-type".
    for (const field of ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type']) {
      if (!(field in event)) throw validationError(`Parameter Event is not valid. Reason: Provided Event is missing required field ${field}.`);
    }
    return { Result: matcher(event) };
  }

  // ---- Event buses -------------------------------------------------------------------------------

  private createEventBus(input: { Name?: string; Description?: string; EventSourceName?: string }) {
    const name = requireString(input.Name, 'name');
    if (name.length > 256 || !BUS_NAME_PATTERN.test(name)) {
      throw validationError(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+`);
    }
    if (input.EventSourceName !== undefined) throw validationError('Partner event buses are not emulated by the local EventBridge.');
    if (name.includes('/')) throw validationError(`Event bus name ${name} is not valid: custom event bus names can't contain '/'.`);
    if (this.buses.has(name)) throw new AwsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    const bus = this.createBus(name, input.Description);
    return { EventBusArn: bus.arn, ...(bus.description ? { Description: bus.description } : {}) };
  }

  private describeEventBus(input: { Name?: string }) {
    const bus = this.busNamed(input.Name);
    return { Name: bus.name, Arn: bus.arn, Description: bus.description, Policy: bus.policy, ...this.busTimes(bus) };
  }

  private listEventBuses(input: { NamePrefix?: string; Limit?: number; NextToken?: string }) {
    const buses = [...this.buses.values()]
      .filter((bus) => !input.NamePrefix || bus.name.startsWith(input.NamePrefix))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((bus) => ({ Name: bus.name, Arn: bus.arn, Description: bus.description, Policy: bus.policy, ...this.busTimes(bus) }));
    const { items, nextToken } = page(buses, input.Limit, input.NextToken);
    return { EventBuses: items, NextToken: nextToken };
  }

  /** "You cannot delete the default event bus. Deleting an event bus deletes the rules associated with that event bus." (event-bus-delete) */
  private deleteEventBus(input: { Name?: string }) {
    const name = requireString(input.Name, 'name');
    if (name === DEFAULT_BUS) throw validationError('Cannot delete event bus default.');
    const bus = this.buses.get(name);
    if (bus) this.cloud.iam.policies.setResourcePolicy(bus.arn, undefined);
    this.buses.delete(name);
    return {};
  }

  private putPermission(input: {
    EventBusName?: string;
    Policy?: string;
    StatementId?: string;
    Action?: string;
    Principal?: string;
    Condition?: { Type?: string; Key?: string; Value?: string };
  }) {
    const bus = this.busNamed(input.EventBusName);
    if (input.Policy !== undefined) {
      if (!parseObject(input.Policy)) throw validationError('Parameter Policy is not valid. Reason: Policy must be a JSON object.');
      try {
        policyDocument(input.Policy, 'Policy');
      } catch (error) {
        throw validationError(`Parameter Policy is not valid. Reason: ${(error as Error).message}.`);
      }
      bus.policy = input.Policy;
    } else {
      const sid = requireString(input.StatementId, 'statementId');
      const action = requireString(input.Action, 'action');
      const principal = requireString(input.Principal, 'principal');
      const { Type, Key, Value } = input.Condition ?? {};
      const statement: PolicyStatement = {
        Sid: sid,
        Effect: 'Allow',
        Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal}:root` },
        Action: action,
        Resource: bus.arn,
        ...(Type && Key ? { Condition: { [Type]: { [Key]: Value } } } : {}),
      };
      const statements = policyStatements(bus.policy).filter((existing) => existing.Sid !== sid);
      bus.policy = JSON.stringify({ Version: '2012-10-17', Statement: [...statements, statement] });
    }
    this.policyChanged(bus);
    return {};
  }

  private removePermission(input: { EventBusName?: string; StatementId?: string; RemoveAllPermissions?: boolean }) {
    const bus = this.busNamed(input.EventBusName);
    if (input.RemoveAllPermissions) {
      bus.policy = undefined;
    } else {
      const sid = requireString(input.StatementId, 'statementId');
      const statements = policyStatements(bus.policy);
      const remaining = statements.filter((statement) => statement.Sid !== sid);
      if (remaining.length === statements.length) throw new AwsError('ResourceNotFoundException', 'Statement with the provided id does not exist.');
      bus.policy = remaining.length ? JSON.stringify({ ...parseObject(bus.policy!), Statement: remaining }) : undefined;
    }
    this.policyChanged(bus);
    return {};
  }

  /** The bus's policy is the resource policy IAM evaluates for PutEvents on it (with events:source, events:detail-type). */
  private policyChanged(bus: EventBus): void {
    bus.lastModifiedTime = Date.now();
    this.cloud.iam.policies.setResourcePolicy(bus.arn, bus.policy ? policyDocument(bus.policy, 'Policy') : undefined);
  }

  // ---- Rules -------------------------------------------------------------------------------------

  private putRule(input: {
    Name?: string;
    EventBusName?: string;
    EventPattern?: string;
    ScheduleExpression?: string;
    State?: string;
    Description?: string;
    RoleArn?: string;
  }) {
    const name = requireName(input.Name, 'name', 64);
    const bus = this.busNamed(input.EventBusName);
    if (input.EventPattern === undefined && input.ScheduleExpression === undefined) throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    if (input.EventPattern !== undefined && input.ScheduleExpression !== undefined) {
      throw validationError(`Rule ${name}: give either EventPattern or ScheduleExpression, not both (the local EventBridge keeps the two kinds of rule apart).`);
    }
    // "You can only create scheduled rules using the default event bus." (eb-create-rule-schedule)
    if (input.ScheduleExpression !== undefined && bus.name !== DEFAULT_BUS) {
      throw validationError('ScheduleExpression is supported only on the default Event Bus.');
    }
    const state = input.State ?? 'ENABLED';
    if (!RULE_STATES.includes(state)) {
      throw validationError(`1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${RULE_STATES.join(', ')}]`);
    }
    const eventPattern = input.EventPattern === undefined ? undefined : typeof input.EventPattern === 'string' ? input.EventPattern : JSON.stringify(input.EventPattern);
    const rule: Rule = {
      name,
      arn: this.cloud.arn('events', bus.name === DEFAULT_BUS ? `rule/${name}` : `rule/${bus.name}/${name}`),
      // Compiled once here, so matching an event never re-parses the pattern.
      ...(eventPattern === undefined ? { schedule: scheduleOf(input.ScheduleExpression!) } : { matcher: compilePattern(eventPattern), eventPattern }),
      state: state as RuleState,
      description: input.Description,
      roleArn: input.RoleArn,
      targets: bus.rules.get(name)?.targets ?? new Map(),
    };
    bus.rules.set(name, rule);
    this.clockRule(rule);
    return { RuleArn: rule.arn };
  }

  private describeRule(input: { Name?: string; EventBusName?: string }) {
    const { bus, rule } = this.ruleNamed(input.Name, input.EventBusName);
    return { ...this.ruleSummary(bus, rule), CreatedBy: this.cloud.accountId };
  }

  private listRules(input: { NamePrefix?: string; EventBusName?: string; Limit?: number; NextToken?: string }) {
    const bus = this.busNamed(input.EventBusName);
    const rules = [...bus.rules.values()]
      .filter((rule) => !input.NamePrefix || rule.name.startsWith(input.NamePrefix))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((rule) => this.ruleSummary(bus, rule));
    const { items, nextToken } = page(rules, input.Limit, input.NextToken);
    return { Rules: items, NextToken: nextToken };
  }

  private setRuleState(input: { Name?: string; EventBusName?: string }, state: RuleState) {
    const { rule } = this.ruleNamed(input.Name, input.EventBusName);
    rule.state = state;
    this.clockRule(rule);
    return {};
  }

  /** Deleting an unknown rule succeeds; a rule with targets can't be deleted (targets go first, via RemoveTargets). */
  private deleteRule(input: { Name?: string; EventBusName?: string }) {
    const name = requireString(input.Name, 'name');
    const bus = this.busNamed(input.EventBusName);
    const rule = bus.rules.get(name);
    if (rule?.targets.size) throw validationError("Rule can't be deleted since it has targets.");
    if (rule) this.clock.delete(rule.arn);
    bus.rules.delete(name);
    return {};
  }

  // ---- Targets -----------------------------------------------------------------------------------

  /**
   * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html. Model constraints
   * (ids, retry policy ranges, at most 10 per request) and the 5-targets limit fail the whole call, as
   * on AWS; a target the emulator can't deliver to, or whose input configuration is invalid, fails
   * alone in FailedEntries.
   */
  private putTargets(input: { Rule?: string; EventBusName?: string; Targets?: RuleTarget[] }) {
    const { rule } = this.ruleNamed(input.Rule, input.EventBusName);
    const targets = input.Targets;
    if (!Array.isArray(targets) || targets.length === 0) {
      throw validationError("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
    }
    if (targets.length > MAX_TARGETS_PER_REQUEST) {
      throw validationError(`1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TARGETS_PER_REQUEST}`);
    }
    targets.forEach(validateTargetMembers);
    const ids = new Set([...rule.targets.keys(), ...targets.map((target) => target.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE) throw new AwsError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
    const failed: Array<{ TargetId: string; ErrorCode: string; ErrorMessage: string }> = [];
    for (const target of targets) {
      const problem = targetProblem(target);
      if (problem) failed.push({ TargetId: target.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
      else rule.targets.set(target.Id, structuredClone(target));
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  private removeTargets(input: { Rule?: string; EventBusName?: string; Ids?: string[] }) {
    const { rule } = this.ruleNamed(input.Rule, input.EventBusName);
    if (!Array.isArray(input.Ids) || input.Ids.length === 0) {
      throw validationError("1 validation error detected: Value null at 'ids' failed to satisfy constraint: Member must not be null");
    }
    for (const id of input.Ids) rule.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private listTargetsByRule(input: { Rule?: string; EventBusName?: string; Limit?: number; NextToken?: string }) {
    const { rule } = this.ruleNamed(input.Rule, input.EventBusName);
    const { items, nextToken } = page([...rule.targets.values()].map((target) => structuredClone(target)), input.Limit, input.NextToken);
    return { Targets: items, NextToken: nextToken };
  }

  // ---- Lookups -----------------------------------------------------------------------------------

  private createBus(name: string, description?: string): EventBus {
    const now = Date.now();
    const bus: EventBus = {
      name,
      arn: this.cloud.arn('events', `event-bus/${name}`),
      description,
      creationTime: now,
      lastModifiedTime: now,
      rules: new Map(),
    };
    this.buses.set(name, bus);
    return bus;
  }

  private busNamed(nameOrArn: string | undefined): EventBus {
    const bus = this.buses.get(busNameOf(nameOrArn));
    if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${busNameOf(nameOrArn)} does not exist.`);
    return bus;
  }

  private ruleNamed(name: string | undefined, busNameOrArn: string | undefined): { bus: EventBus; rule: Rule } {
    const ruleName = requireString(name, 'name');
    const bus = this.busNamed(busNameOrArn);
    const rule = bus.rules.get(ruleName);
    if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${ruleName} does not exist on EventBus ${bus.name}.`);
    return { bus, rule };
  }

  private ruleSummary(bus: EventBus, rule: Rule) {
    return {
      Name: rule.name,
      Arn: rule.arn,
      EventPattern: rule.eventPattern,
      ScheduleExpression: rule.schedule?.text,
      State: rule.state,
      Description: rule.description,
      RoleArn: rule.roleArn,
      EventBusName: bus.name,
    };
  }

  private busTimes(bus: EventBus) {
    return { CreationTime: epochSeconds(bus.creationTime), LastModifiedTime: epochSeconds(bus.lastModifiedTime) };
  }
}

/** A rule's ScheduleExpression: rate or cron, in UTC (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html). */
function scheduleOf(expression: string): ScheduleExpression {
  try {
    return parseScheduleExpression(requireString(expression, 'scheduleExpression'), { allowAt: false });
  } catch (error) {
    if (error instanceof ScheduleExpressionError) throw validationError(`Parameter ScheduleExpression is not valid: ${error.message}`);
    throw error;
  }
}

/** `EventBusName` may be a name or an ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`); absent means default. */
function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return DEFAULT_BUS;
  const marker = ':event-bus/';
  const at = nameOrArn.indexOf(marker);
  return nameOrArn.startsWith('arn:') && at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function policyStatements(policy: string | undefined): PolicyStatement[] {
  const statement = policy ? parseObject(policy)?.Statement : undefined;
  if (!statement) return [];
  return (Array.isArray(statement) ? statement : [statement]) as PolicyStatement[];
}

/** Model constraints of Target (API_Target, API_RetryPolicy): AWS rejects the whole request on these. */
function validateTargetMembers(target: RuleTarget, index: number): void {
  const at = `targets.${index + 1}.member`;
  requireName(target?.Id, `${at}.id`, 64);
  requireString(target.Arn, `${at}.arn`);
  const { MaximumRetryAttempts: attempts, MaximumEventAgeInSeconds: age } = target.RetryPolicy ?? {};
  const checkRange = (value: number | undefined, member: string, range: { min: number; max: number }) => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      throw validationError(`1 validation error detected: Value '${value}' at '${at}.retryPolicy.${member}' failed to satisfy constraint: Member must have value between ${range.min} and ${range.max}`);
    }
  };
  checkRange(attempts, 'maximumRetryAttempts', RETRY_ATTEMPTS_RANGE);
  checkRange(age, 'maximumEventAgeInSeconds', EVENT_AGE_SECONDS_RANGE);
}

/** Why the emulator can't accept `target`, if it can't. */
function targetProblem(target: RuleTarget): string | undefined {
  if (!targetServiceOf(target.Arn)) {
    return `Target ${target.Id}: ${target.Arn} is not an ARN the local EventBridge delivers to (SQS queues, Lambda functions, Step Functions state machines, event buses).`;
  }
  const dlqArn = target.DeadLetterConfig?.Arn;
  if (dlqArn !== undefined && targetServiceOf(dlqArn) !== 'sqs') {
    return `Target ${target.Id}: DeadLetterConfig.Arn ${dlqArn} is not an SQS queue ARN.`;
  }
  try {
    validateTargetInput(target);
  } catch (error) {
    if (error instanceof AwsError) return `Target ${target.Id}: ${error.message}`;
    throw error;
  }
  return undefined;
}

/** Offset-based pagination for the List operations (NextToken is opaque to clients). */
function page<T>(items: T[], limit: number | undefined, token: string | undefined): { items: T[]; nextToken?: string } {
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw validationError('The NextToken is not valid.');
  const size = limit && limit > 0 ? limit : items.length;
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}
