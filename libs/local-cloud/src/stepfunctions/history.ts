/**
 * An execution's history in the GetExecutionHistory format: numbered events, each with the type-named
 * details object (`TaskScheduled` → `taskScheduledEventDetails`, `*StateEntered` → `stateEnteredEventDetails`).
 * `previousEventId` is the last event of the same branch (the top level, a Parallel branch or a Map's
 * processor), as AWS links a branch's events to their own predecessor rather than to whatever ran last.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds (the API answers epoch seconds). */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** The execution-level events; AWS links ExecutionAborted and ExecutionTimedOut to event 0. */
const UNLINKED = new Set(['ExecutionStarted', 'ExecutionAborted', 'ExecutionTimedOut']);

/** AWS caps a Standard execution's history at 25,000 events. https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html */
export const MAX_HISTORY_EVENTS = 25_000;

export class History {
  readonly events: HistoryEvent[] = [];
  private readonly lastInScope = new Map<string, number>();

  add(type: string, details: Record<string, unknown> | undefined, scope: string): HistoryEvent {
    const id = this.events.length + 1;
    const previousEventId = UNLINKED.has(type) ? 0 : (this.lastInScope.get(scope) ?? 0);
    const event: HistoryEvent = { id, previousEventId, timestamp: Date.now(), type };
    if (details) event[detailsField(type)] = details;
    this.events.push(event);
    if (type !== 'ExecutionStarted') this.lastInScope.set(scope, id);
    return event;
  }

  /** The first event of a branch follows `eventId` (ParallelStateStarted, MapIterationStarted). */
  openScope(scope: string, eventId: number): void {
    this.lastInScope.set(scope, eventId);
  }
}

const detailsFields = new Map<string, string>();

function detailsField(type: string): string {
  let field = detailsFields.get(type);
  if (field === undefined) {
    const state = /State(Entered|Exited)$/.exec(type);
    field = state ? `state${state[1]}EventDetails` : `${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`;
    detailsFields.set(type, field);
  }
  return field;
}

/** Details fields that carry execution data, left out when GetExecutionHistory has `includeExecutionData: false`. */
const DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

/** The event as the API answers it: timestamp in epoch seconds, optionally without execution data. */
export function historyEventView(event: HistoryEvent, includeExecutionData: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { ...event, timestamp: event.timestamp / 1000 };
  if (includeExecutionData) return view;
  for (const [field, value] of Object.entries(event)) {
    if (field.endsWith('EventDetails')) view[field] = Object.fromEntries(Object.entries(value as object).filter(([key]) => !DATA_FIELDS.has(key)));
  }
  return view;
}

const activityTypes = new Map<string, string>();

/** The dashboard's name for a history event type, e.g. `TaskStateEntered` → `state.entered`, `LambdaFunctionFailed` → `task.failed`. */
export function activityType(historyType: string): string {
  let type = activityTypes.get(historyType);
  if (type === undefined) {
    const state = /^[A-Za-z]+State(Entered|Exited)$/.exec(historyType);
    type = state
      ? `state.${state[1]!.toLowerCase()}`
      : historyType
          .replace(/^LambdaFunction/, 'Task')
          .replace(/^(Map|Parallel)State(Started|Succeeded|Failed|Aborted)$/, '$1$2')
          .replace(/TimedOut$/, 'Timed_out')
          .split(/(?=[A-Z])/)
          .map((word) => word.toLowerCase())
          .join('.');
    activityTypes.set(historyType, type);
  }
  return type;
}

/** Drops the undefined members: AWS leaves absent fields out rather than sending nulls. */
export function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
