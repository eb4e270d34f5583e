import { Cron } from 'croner';
import { CronExpressionError, parseAwsCron } from './aws-cron';

/**
 * A schedule expression: `rate(value unit)` and `cron(fields)` (EventBridge rules and Scheduler), `at(yyyy-mm-ddThh:mm:ss)`
 * (Scheduler's one-time schedules). https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export interface ScheduleExpression {
  kind: 'rate' | 'cron' | 'at';
  text: string;
  /**
   * The first occurrence strictly after `after`. A rate counts its periods from `anchor` (when the schedule was created
   * or its start date), so every occurrence is anchor + n periods.
   */
  next(after: Date, anchor: Date): Date | undefined;
}

export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `timezone` applies to cron and at (Scheduler's ScheduleExpressionTimezone); rules are always UTC. */
export function parseScheduleExpression(text: string, options: { allowAt: boolean; timezone?: string }): ScheduleExpression {
  const match = /^(rate|cron|at)\((.*)\)$/.exec(text.trim());
  if (!match || (match[1] === 'at' && !options.allowAt)) {
    throw new ScheduleExpressionError(`"${text}" is not a schedule expression: use rate(value unit) or cron(fields)${options.allowAt ? ' or at(yyyy-mm-ddThh:mm:ss)' : ''}`);
  }
  const [, kind, body] = match as unknown as [string, ScheduleExpression['kind'], string];
  const timezone = options.timezone ?? 'UTC';
  checkTimezone(timezone);
  if (kind === 'rate') {
    const period = ratePeriod(body);
    return { kind, text, next: (after, anchor) => new Date(anchor.getTime() + (Math.floor((after.getTime() - anchor.getTime()) / period) + 1) * period) };
  }
  if (kind === 'cron') {
    try {
      const cron = parseAwsCron(body, timezone);
      return { kind, text, next: (after) => cron.next(after) };
    } catch (error) {
      if (error instanceof CronExpressionError) throw new ScheduleExpressionError(`${text}: ${error.message}`);
      throw error;
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(body)) throw new ScheduleExpressionError(`${text}: a one-time schedule is at(yyyy-mm-ddThh:mm:ss), in its time zone`);
  // croner reads an ISO date without offset as a local time of the given zone, which is what at() means.
  const when = new Cron(body, { timezone, paused: true }).nextRun(new Date(0));
  if (!when) throw new ScheduleExpressionError(`${text}: not a date`);
  return { kind, text, next: (after) => (when > after ? when : undefined) };
}

/** "If the value is equal to 1, then the unit must be singular. If the value is greater than 1, the unit must be plural." */
function ratePeriod(body: string): number {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  const value = match ? Number(match[1]) : NaN;
  if (!match || value < 1) throw new ScheduleExpressionError(`rate(${body}): a rate is rate(value unit), value a positive integer, unit minute(s), hour(s) or day(s)`);
  const unit = match[2]!;
  const plural = unit.endsWith('s');
  if ((value === 1) === plural) throw new ScheduleExpressionError(`rate(${body}): the unit is singular for 1 and plural for more (rate(1 hour), rate(2 hours))`);
  return value * UNIT_MS[plural ? unit.slice(0, -1) : unit]!;
}

function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ScheduleExpressionError(`ScheduleExpressionTimezone "${timezone}" is not a time zone of the IANA database`);
  }
}
