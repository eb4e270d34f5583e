import type { Cloud } from '../cloud';
import type { ScheduleExpression } from './schedule-expression';

/** Whether schedules fire on their own ('automatic', as on AWS) or only when fired by hand ('manual', for tests). */
export type ScheduleMode = 'automatic' | 'manual';

export interface ClockEntry {
  expression: ScheduleExpression;
  /** Called at each occurrence with the occurrence's time (AWS time, see below). */
  fire(occurrence: Date): void;
  startDate?: Date;
  endDate?: Date;
  /** Scheduler's FlexibleTimeWindow: each invocation comes at a random moment within this much after its occurrence. */
  flexibleWindowMs?: number;
}

interface Armed {
  entry: ClockEntry;
  /** The AWS time the entry has reached: its creation, then each occurrence it fired. */
  cursor: Date;
  anchor: Date;
  timer?: NodeJS.Timeout;
  /** Wall-clock time the pending timer is due. */
  dueAt?: number;
}

/** setTimeout's longest delay (about 24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Fires schedules at their occurrences. AWS time is scaled by the cloud's timeScale from each schedule's creation: at
 * 0.001 a rate(15 minutes) fires every 0.9 s of wall-clock time, and a cron's next occurrence comes after a thousandth
 * of the wait AWS would have. In 'manual' mode nothing is armed: schedules fire only by hand.
 */
export class ScheduleClock {
  private readonly entries = new Map<string, Armed>();
  private stopped = false;

  constructor(
    private readonly cloud: Cloud,
    readonly mode: ScheduleMode,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts (or replaces) the timer of `id`. */
  set(id: string, entry: ClockEntry): void {
    this.delete(id);
    const now = new Date();
    const anchor = entry.startDate && entry.startDate > now ? entry.startDate : now;
    const armed: Armed = { entry, cursor: now, anchor };
    this.entries.set(id, armed);
    this.arm(armed);
  }

  delete(id: string): void {
    const armed = this.entries.get(id);
    if (armed?.timer) clearTimeout(armed.timer);
    this.entries.delete(id);
  }

  /** The wall-clock time `id` fires next on its own; undefined in manual mode or when it has no occurrence left. */
  nextFireAt(id: string): Date | undefined {
    const dueAt = this.entries.get(id)?.dueAt;
    return dueAt === undefined ? undefined : new Date(dueAt);
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.entries.keys()]) this.delete(id);
  }

  private arm(armed: Armed): void {
    armed.dueAt = undefined;
    if (this.mode === 'manual' || this.stopped) return;
    const { entry } = armed;
    const from = entry.startDate && entry.startDate > armed.cursor ? new Date(entry.startDate.getTime() - 1) : armed.cursor;
    const occurrence = entry.expression.next(from, armed.anchor);
    if (!occurrence || (entry.endDate && occurrence > entry.endDate)) return;
    const flexible = entry.flexibleWindowMs ? this.random() * entry.flexibleWindowMs : 0;
    const wait = Math.max(0, (occurrence.getTime() - armed.cursor.getTime() + flexible) * this.cloud.timeScale);
    armed.dueAt = Date.now() + wait;
    const step = () => {
      const left = armed.dueAt! - Date.now();
      if (left > 0) {
        armed.timer = setTimeout(step, Math.min(left, MAX_TIMER_MS));
        return;
      }
      armed.cursor = occurrence;
      entry.fire(occurrence);
      this.arm(armed);
    };
    armed.timer = setTimeout(step, Math.min(wait, MAX_TIMER_MS));
  }
}
