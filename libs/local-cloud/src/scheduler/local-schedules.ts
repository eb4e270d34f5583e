import { AwsError } from '../errors';
import type { EventBridgeService } from '../eventbridge/service';
import type { LocalRoute } from '../server';
import type { SchedulerService } from './scheduler-service';

export type ScheduleKind = 'rule' | 'schedule';

export interface FireRequest {
  name: string;
  /** A Scheduler schedule's group (default `default`). */
  group?: string;
  /** Which kind `name` is, when a rule and a schedule share it. */
  kind?: ScheduleKind;
}

export interface Fired {
  kind: ScheduleKind;
  arn: string;
  /** The Scheduled Event's id (a rule) or the invocation's id (a schedule). */
  id: string;
}

/**
 * Every schedule of the emulator, both kinds: EventBridge schedule rules and EventBridge Scheduler schedules. Listed
 * and fired by hand for tests and the dashboard (`GET /_local/schedules`, `POST /_local/schedules/fire?name=`).
 */
export class LocalSchedules {
  constructor(
    private readonly events: EventBridgeService,
    private readonly scheduler: SchedulerService,
  ) {}

  list() {
    return [
      ...this.events.scheduleRules().map((rule) => ({ kind: 'rule' as const, group: undefined, timezone: 'UTC', ...rule })),
      ...this.scheduler.summaries().map((schedule) => ({ kind: 'schedule' as const, ...schedule })),
    ];
  }

  /** Fires `name` now: its targets get what they would at an occurrence. ResourceNotFoundException when nothing has that name. */
  fire(request: FireRequest): Fired {
    const matches = this.list().filter((s) => s.name === request.name && (!request.kind || s.kind === request.kind) && (!request.group || s.group === request.group));
    if (matches.length === 0) throw new AwsError('ResourceNotFoundException', `No schedule rule or schedule is named ${request.name}.`, 404);
    if (matches.length > 1) throw new AwsError('ValidationException', `${request.name} names ${matches.map((m) => m.arn).join(' and ')}: say which with kind (rule or schedule) or group.`);
    const [match] = matches;
    if (match!.kind === 'rule') {
      const { ruleArn, eventId } = this.events.fireScheduleRule(match!.name);
      return { kind: 'rule', arn: ruleArn, id: eventId };
    }
    const { scheduleArn, invocationId } = this.scheduler.fire(match!.name, match!.group);
    return { kind: 'schedule', arn: scheduleArn, id: invocationId };
  }

  routes(): LocalRoute[] {
    const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return [
      { method: 'GET', path: '/_local/schedules', handle: async () => json(200, { schedules: this.list() }) },
      {
        method: 'POST',
        path: '/_local/schedules/fire',
        handle: async ({ query }) => {
          const name = query.get('name');
          const kind = query.get('kind') ?? undefined;
          if (!name) throw new AwsError('ValidationException', 'name: the schedule rule or schedule to fire is required (?name=...)');
          if (kind !== undefined && kind !== 'rule' && kind !== 'schedule') throw new AwsError('ValidationException', `kind: ${kind} is not rule or schedule`);
          return json(200, this.fire({ name, group: query.get('group') ?? undefined, kind }));
        },
      },
    ];
  }
}
