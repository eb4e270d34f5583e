import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { indexStates, isObject, type AslDefinition, type AslState, type StateInfo } from './asl';
import { parseTaskResource, type TaskResource } from './resources';
import type { StateMachineType } from './types';

/**
 * Turns a validated definition into the machines aws-local-stepfunctions runs, once per definition
 * (building an engine StateMachine with validation costs ~90 ms; running one is cheap). The engine runs the
 * transitions, Pass / Choice / Succeed / Fail, the input and output processing, Retry and Catch. It calls a
 * local handler per Task state name, and the compiled definitions make every state with behaviour of its own
 * such a Task:
 * - Task states: their integration (integrations.ts), TimeoutSeconds and HeartbeatSeconds (scaled by the
 *   cloud time scale) are the handler's; TimeoutSecondsPath / HeartbeatSecondsPath come in an envelope
 *   around the Parameters; the engine's own task timer is set beyond reach;
 * - Wait states: a handler waits the (scaled) duration, whichever field gives it;
 * - Parallel and Map states: a handler runs each branch / iteration as an engine run of its own, so that every
 *   branch has its own event log (the engine's forwarding of nested events loses the last ones when a nested
 *   run ends) and its own scope in the history.
 * Retry intervals and the execution timeout are scaled in place. In Parameters, `$$.Task.Token`
 * (waitForTaskToken states) becomes a placeholder the handler replaces with a fresh token, `$$.State.Name`
 * the literal name, and `$$.Execution` reads `$$.RootExecution` (see ROOT_EXECUTION).
 */

export interface IntegrationTask {
  kind: 'task';
  name: string;
  resource: TaskResource;
  /** As written in the definition (undefined: the Task default, 99999999 s). */
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** The handler gets `{Payload, TimeoutSeconds?, HeartbeatSeconds?}` (a *SecondsPath is set). */
  envelope: boolean;
}

/** Gets `{Input, Seconds | Timestamp}`. */
export interface WaitTask {
  kind: 'wait';
  name: string;
}

/** Gets `{Input}`: the branches' input. */
export interface ParallelTask {
  kind: 'parallel';
  name: string;
  branches: StateMachine[];
}

/** Gets `{Input, Items, MaxConcurrency?}`. */
export interface MapTask {
  kind: 'map';
  name: string;
  processor: StateMachine;
  /** A one-Pass machine whose Parameters are the ItemSelector, run with `$$.Map.Item` in its context. */
  itemSelector?: StateMachine;
  maxConcurrency: number;
}

export type LocalTask = IntegrationTask | WaitTask | ParallelTask | MapTask;

export interface CompiledMachine {
  /** The definition as written. */
  definition: AslDefinition;
  states: Map<string, StateInfo>;
  /** Handlers' work by state name, for the top-level machine and every nested one (names are unique). */
  tasks: Map<string, LocalTask>;
  engine: StateMachine;
  /** The top-level machine started at another of its states (a redrive resumes at the state that failed). */
  engineFrom(stateName: string): StateMachine;
}

/** Stands for `$$.Task.Token` in a waitForTaskToken state's Parameters until the handler knows the token. */
export const TASK_TOKEN_PLACEHOLDER = '__local_sfn_task_token__';

/**
 * The engine rebuilds `$$.Execution` for every run with the run's own input and start time, and Parallel
 * branches and Map iterations are runs of their own, so the execution's context is passed under this name.
 */
export const ROOT_EXECUTION = 'RootExecution';

/** Longest engine timer (s) that setTimeout can hold: 2^31-1 ms. */
export const MAX_TIMER_SECONDS = 2_147_483;
const LOCAL_RESOURCE = 'arn:aws:states:::local:handler';
const EXECUTION_REFERENCE = /\$\$\.Execution(?![A-Za-z0-9_])/g;
const TEMPLATE_FIELDS = ['Parameters', 'ItemSelector', 'ResultSelector'];
const UNTOUCHED_FIELDS = new Set([...TEMPLATE_FIELDS, 'Result', 'Comment', 'Branches', 'ItemProcessor', 'Iterator']);
/** What the engine still does for a Parallel or Map state turned into a Task. */
const KEPT_BY_ENGINE = ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End'];

const engineFor = (definition: object) => new StateMachine(definition as StateMachineDefinition, { validationOptions: { noValidate: true } });

/** An Express execution runs at most five minutes, whatever its TimeoutSeconds. https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html */
export const EXPRESS_MAX_DURATION_SECONDS = 300;
/**
 * Under a time scale an Express execution's timeout (its TimeoutSeconds, at most the five minutes) is scaled like every
 * AWS duration, but lasts at least this many seconds of real time: the functions' own work (and the emulator's) is not
 * scaled, and a saga's real work alone must still fit.
 */
export const EXPRESS_MIN_REAL_SECONDS = 5;

export function compileMachine(definition: AslDefinition, timeScale: number, type: StateMachineType = 'STANDARD'): CompiledMachine {
  const compilation: Compilation = { tasks: new Map(), scale: (seconds) => Math.min(seconds * timeScale, MAX_TIMER_SECONDS) };
  const compiled = compileStates(structuredClone(definition), compilation);
  const timeoutSeconds = executionTimeoutSeconds(definition, type, compilation.scale);
  if (timeoutSeconds !== undefined) compiled.TimeoutSeconds = timeoutSeconds;
  const resumed = new Map<string, StateMachine>();
  const engineFrom = (stateName: string): StateMachine => {
    let engine = resumed.get(stateName);
    if (!engine) resumed.set(stateName, (engine = engineFor({ ...compiled, StartAt: stateName })));
    return engine;
  };
  return { definition, states: indexStates(definition), tasks: compilation.tasks, engine: engineFor(compiled), engineFrom };
}

/** The execution's timeout in (scaled) engine seconds: its TimeoutSeconds, and for Express the five-minute limit. */
function executionTimeoutSeconds(definition: AslDefinition, type: StateMachineType, scale: (seconds: number) => number): number | undefined {
  const declared = typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : undefined;
  if (type !== 'EXPRESS') return declared === undefined ? undefined : scale(declared);
  return Math.max(scale(Math.min(declared ?? EXPRESS_MAX_DURATION_SECONDS, EXPRESS_MAX_DURATION_SECONDS)), EXPRESS_MIN_REAL_SECONDS);
}

interface Compilation {
  tasks: Map<string, LocalTask>;
  scale(seconds: number): number;
}

function compileStates(machine: Record<string, any>, compilation: Compilation): Record<string, any> {
  for (const [name, state] of Object.entries(machine.States as Record<string, AslState>)) {
    machine.States[name] = compileState(name, state, compilation);
  }
  return machine;
}

function compileState(name: string, state: AslState, compilation: Compilation): AslState {
  const resource = state.Type === 'Task' ? parseTaskResource(state.Resource) : undefined;
  const rewritten = rewriteState(state, { name, callback: resource?.callback ?? false });
  if (Array.isArray(rewritten.Retry)) rewritten.Retry = rewritten.Retry.map((retrier: Record<string, any>) => scaleRetrier(retrier, compilation.scale));
  switch (state.Type) {
    case 'Task':
      return compileTask(name, rewritten, resource!, compilation);
    case 'Wait':
      compilation.tasks.set(name, { kind: 'wait', name });
      return localTask(rewritten, ['Comment', 'InputPath', 'OutputPath', 'Next', 'End'], { 'Input.$': '$', ...waitDuration(rewritten) });
    case 'Parallel': {
      const branches = (rewritten.Branches as object[]).map((branch) => engineFor(compileStates(branch, compilation)));
      compilation.tasks.set(name, { kind: 'parallel', name, branches });
      return localTask(rewritten, KEPT_BY_ENGINE, { ...(rewritten.Parameters === undefined ? { 'Input.$': '$' } : { Input: rewritten.Parameters }) });
    }
    case 'Map': {
      const processor = engineFor(compileStates(rewritten.ItemProcessor ?? rewritten.Iterator, compilation));
      const selector = rewritten.ItemSelector ?? rewritten.Parameters;
      const itemSelector = selector === undefined ? undefined : engineFor({ StartAt: 'ItemSelector', States: { ItemSelector: { Type: 'Pass', Parameters: selector, End: true } } });
      compilation.tasks.set(name, { kind: 'map', name, processor, itemSelector, maxConcurrency: rewritten.MaxConcurrency ?? 0 });
      return localTask(rewritten, KEPT_BY_ENGINE, {
        'Input.$': '$',
        'Items.$': rewritten.ItemsPath ?? '$',
        ...(rewritten.MaxConcurrencyPath !== undefined && { 'MaxConcurrency.$': rewritten.MaxConcurrencyPath }),
      });
    }
    default:
      return rewritten;
  }
}

function compileTask(name: string, task: AslState, resource: TaskResource, compilation: Compilation): AslState {
  const envelope = task.TimeoutSecondsPath !== undefined || task.HeartbeatSecondsPath !== undefined;
  compilation.tasks.set(name, { kind: 'task', name, resource, timeoutSeconds: task.TimeoutSeconds, heartbeatSeconds: task.HeartbeatSeconds, envelope });
  const { TimeoutSecondsPath, HeartbeatSecondsPath, HeartbeatSeconds: _heartbeat, Parameters, ...rest } = task;
  const parameters = envelope
    ? {
        ...(Parameters === undefined ? { 'Payload.$': '$' } : { Payload: Parameters }),
        ...(TimeoutSecondsPath !== undefined && { 'TimeoutSeconds.$': TimeoutSecondsPath }),
        ...(HeartbeatSecondsPath !== undefined && { 'HeartbeatSeconds.$': HeartbeatSecondsPath }),
      }
    : Parameters;
  return { ...rest, ...(parameters !== undefined && { Parameters: parameters }), TimeoutSeconds: MAX_TIMER_SECONDS } as AslState;
}

/** A Task run by a local handler: the state's `kept` fields, and `parameters` for the handler's input. */
function localTask(state: AslState, kept: string[], parameters: object): AslState {
  const fields = Object.fromEntries(kept.filter((field) => field in state).map((field) => [field, state[field]]));
  return { ...fields, Type: 'Task', Resource: LOCAL_RESOURCE, Parameters: parameters, TimeoutSeconds: MAX_TIMER_SECONDS };
}

function waitDuration(wait: AslState): object {
  if (wait.Seconds !== undefined) return { Seconds: wait.Seconds };
  if (wait.SecondsPath !== undefined) return { 'Seconds.$': wait.SecondsPath };
  if (wait.Timestamp !== undefined) return { Timestamp: wait.Timestamp };
  return { 'Timestamp.$': wait.TimestampPath };
}

function scaleRetrier(retrier: Record<string, any>, scale: (seconds: number) => number): Record<string, any> {
  return {
    ...retrier,
    IntervalSeconds: scale(retrier.IntervalSeconds ?? 1),
    ...(typeof retrier.MaxDelaySeconds === 'number' && { MaxDelaySeconds: scale(retrier.MaxDelaySeconds) }),
  };
}

interface StateContext {
  name: string;
  callback: boolean;
}

function rewriteState(state: AslState, context: StateContext): AslState {
  const rewritten: Record<string, any> = {};
  for (const [field, value] of Object.entries(state)) {
    if (TEMPLATE_FIELDS.includes(field)) rewritten[field] = rewriteTemplate(value, context);
    else if (UNTOUCHED_FIELDS.has(field)) rewritten[field] = value;
    else rewritten[field] = rewritePaths(field, value);
  }
  return rewritten as AslState;
}

/** Path fields (`InputPath`, `ItemsPath`, `SecondsPath`, Choice `Variable` and `...Path` operators, ...). */
function rewritePaths(field: string, value: unknown): unknown {
  if (typeof value === 'string') return field.endsWith('Path') || field === 'Variable' ? rewriteExecution(value) : value;
  if (Array.isArray(value)) return value.map((item) => rewritePaths('', item));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewritePaths(key, item)]));
  return value;
}

/** A payload template: only the values of `.$` fields are paths or intrinsic functions. */
function rewriteTemplate(value: unknown, context: StateContext): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteTemplate(item, context));
  if (!isObject(value)) return value;
  const rewritten: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key.endsWith('.$') || typeof item !== 'string') {
      rewritten[key] = rewriteTemplate(item, context);
    } else if (item === '$$.Task.Token' && context.callback) {
      rewritten[key.slice(0, -2)] = TASK_TOKEN_PLACEHOLDER;
    } else if (item === '$$.State.Name') {
      rewritten[key.slice(0, -2)] = context.name;
    } else {
      rewritten[key] = item.startsWith('States.') ? rewriteIntrinsic(item, context) : rewriteExecution(item);
    }
  }
  return rewritten;
}

function rewriteIntrinsic(expression: string, context: StateContext): string {
  let rewritten = rewriteExecution(expression).replaceAll('$$.State.Name', `'${context.name.replace(/[\\']/g, '\\$&')}'`);
  if (context.callback) rewritten = rewritten.replaceAll('$$.Task.Token', `'${TASK_TOKEN_PLACEHOLDER}'`);
  return rewritten;
}

const rewriteExecution = (path: string): string => path.replace(EXECUTION_REFERENCE, () => `$$.${ROOT_EXECUTION}`);
