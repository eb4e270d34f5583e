import { MAX_STEP_FUNCTIONS_PAYLOAD_BYTES } from '@shop/aws-limits';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { Cloud } from '../cloud';
import type { StateInfo } from './asl';
import { deferred, delay, mapLimited, nextTurn, settle, TimedOut } from './async';
import { CallbackTask } from './callbacks';
import { ROOT_EXECUTION, type CompiledMachine, type IntegrationTask, type LocalTask, type MapTask, type ParallelTask } from './compile';
import { activityType, defined, History, MAX_HISTORY_EVENTS, type HistoryEvent } from './history';
import type { Integrations } from './integrations';
import { notRedrivableReason, RedriveTokens } from './redrive';
import { asEngineError, engineFailure, Run, RunFailed, type EngineEvent } from './run';
import { StatesError, statesTimeout, TASK_CANCELLED } from './states-error';
import { statusChangeEntry, type ExecutionStatusView } from './status-events';
import { unwrapEnvelope, withToken } from './task-input';
import type { ExecutionGraph, ExecutionStatus, StateMachineType, StateRun } from './types';

/**
 * One execution: runs the compiled machine on the engine, gives its local Task states their work (compile.ts),
 * and turns what happens into the execution history, a per-state view for the dashboard and `cloud.record`
 * activity.
 *
 * Ordering: the engine reports states through an async event log, but calls a Task handler synchronously
 * when the state starts. Each handler first lets the event loop turn, so that the state's entry (and all
 * before it) is in the history before the task's own events, and so that no task starts for an execution,
 * branch or iteration that has already ended.
 *
 * A Standard execution sends a status-change event to the default bus at each status (status-events.ts). A redrive
 * (RedriveExecution) appends ExecutionRedriven to the same history and resumes at the top-level state that was
 * running when the execution stopped, with that state's input; a Parallel or Map state resumed so reruns only the
 * branches and iterations that did not succeed. https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
 */

/** The state machine as it was when the execution started (UpdateStateMachine does not change running executions). */
export interface MachineVersion {
  arn: string;
  name: string;
  type: StateMachineType;
  roleArn: string;
  definition: string;
  compiled: CompiledMachine;
}


/** A Task without TimeoutSeconds. https://states-language.net/spec.html#task-state */
const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
/** An inline Map runs at most 40 iterations at once whatever its MaxConcurrency. https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html */
const MAP_CONCURRENCY = 40;
const TERMINAL_EVENT = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' } as const;
const NOT_TRUNCATED = { truncated: false };

const SERVICE_TASK_EVENTS = { scheduled: 'TaskScheduled', started: 'TaskStarted', succeeded: 'TaskSucceeded', failed: 'TaskFailed', timedOut: 'TaskTimedOut' };
const LAMBDA_FUNCTION_EVENTS = {
  scheduled: 'LambdaFunctionScheduled',
  started: 'LambdaFunctionStarted',
  succeeded: 'LambdaFunctionSucceeded',
  failed: 'LambdaFunctionFailed',
  timedOut: 'LambdaFunctionTimedOut',
};

export class Execution {
  status: ExecutionStatus = 'RUNNING';
  readonly startDate = Date.now();
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount = 0;
  redriveDate?: number;
  readonly redriveTokens = new RedriveTokens();
  readonly history = new History();
  readonly states: Map<string, StateRun>;
  private root = new Run('');
  /** The top-level state entered last, with its input: where a redrive resumes. */
  private current?: { name: string; input: string };
  /** Outputs of the branches / iterations that succeeded, by top-level Parallel or Map state, in this attempt. */
  private parts = new Map<string, Map<number, unknown>>();
  /** The outputs a redriven Parallel or Map state reuses, until it is entered. */
  private reusable?: { stateName: string; outputs: Map<number, unknown> };
  private readonly callbacks = new Map<string, CallbackTask>();
  private readonly context: Record<string, unknown>;
  private readonly parsedInput: unknown;
  private machineDeleted = false;
  /** Makes the history scopes of concurrent branches and iterations distinct. */
  private runs = 0;
  private finished = deferred<void>();

  constructor(
    readonly machine: MachineVersion,
    readonly arn: string,
    readonly name: string,
    readonly input: string,
    private readonly cloud: Cloud,
    private readonly integrations: Integrations,
  ) {
    this.states = new Map([...machine.compiled.states.values()].map((info) => [info.name, { type: info.type, status: 'NOT_STARTED', entered: 0, retries: 0 }]));
    this.parsedInput = JSON.parse(input);
    const execution = { Id: arn, Input: this.parsedInput, Name: name, RoleArn: machine.roleArn, StartTime: new Date(this.startDate).toISOString(), RedriveCount: 0 };
    this.context = { [ROOT_EXECUTION]: execution, StateMachine: { Id: machine.arn, Name: machine.name } };
  }

  /** Settles when the execution closed, whichever way. */
  get done(): Promise<void> {
    return this.finished.promise;
  }

  start(): void {
    this.cloud.usage.executionStarted(this.machine);
    this.record('ExecutionStarted', { input: this.input, inputDetails: NOT_TRUNCATED, roleArn: this.machine.roleArn }, '');
    this.sendStatusChange();
    this.launch(this.root, this.machine.compiled.engine, this.parsedInput);
  }

  /** Why RedriveExecution would refuse this execution now, if it would. */
  notRedrivable(machineDeleting: boolean): string | undefined {
    return notRedrivableReason({ status: this.status, startDate: this.startDate, stopDate: this.stopDate, historyLength: this.history.events.length, machineDeleting });
  }

  /**
   * RUNNING again, from the top-level state it stopped in (its start when it stopped before any), with that state's
   * input. Retry counts start from 0 and the execution's TimeoutSeconds anew; the redrive count is in `$$.Execution`.
   */
  redrive(): void {
    this.redriveCount += 1;
    this.redriveDate = Date.now();
    this.status = 'RUNNING';
    this.stopDate = this.output = this.error = this.cause = undefined;
    this.finished = deferred<void>();
    Object.assign(this.context[ROOT_EXECUTION] as object, { RedriveCount: this.redriveCount, RedriveTime: new Date(this.redriveDate).toISOString() });
    this.record('ExecutionRedriven', { redriveCount: this.redriveCount }, '');
    this.sendStatusChange();
    const resumed = this.current;
    const outputs = resumed && this.parts.get(resumed.name);
    this.reusable = outputs && { stateName: resumed.name, outputs };
    this.parts = new Map();
    this.root = new Run('');
    if (!resumed) return this.launch(this.root, this.machine.compiled.engine, this.parsedInput);
    this.launch(this.root, this.machine.compiled.engineFrom(resumed.name), JSON.parse(resumed.input));
  }

  /** As DescribeExecution and the status-change events report it. */
  statusView(machineDeleting = this.machineDeleted): ExecutionStatusView {
    const reason = this.notRedrivable(machineDeleting);
    return {
      executionArn: this.arn,
      stateMachineArn: this.machine.arn,
      name: this.name,
      status: this.status,
      startDate: this.startDate,
      ...defined({ stopDate: this.stopDate, output: this.output, error: this.error, cause: this.cause, redriveDate: this.redriveDate, redriveStatusReason: reason }),
      input: this.input,
      redriveCount: this.redriveCount,
      redriveStatus: reason ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    };
  }

  stop(error?: string, cause?: string): void {
    this.finish('ABORTED', { error, cause });
  }

  /** DeleteStateMachine: the execution ends at its next state transition. */
  markMachineDeleted(): void {
    this.machineDeleted = true;
  }

  /** An open or closed task of this execution, by token. */
  callback(token: string): CallbackTask | undefined {
    return this.callbacks.get(token);
  }

  graph(): ExecutionGraph {
    return {
      executionArn: this.arn,
      stateMachineArn: this.machine.arn,
      name: this.name,
      type: this.machine.type,
      status: this.status,
      startDate: new Date(this.startDate).toISOString(),
      ...(this.stopDate !== undefined && { stopDate: new Date(this.stopDate).toISOString() }),
      input: this.input,
      ...defined({ output: this.output, error: this.error, cause: this.cause }),
      definition: this.machine.compiled.definition,
      states: Object.fromEntries([...this.states].map(([name, run]) => [name, { ...run }])),
    };
  }

  private launch(run: Run, engine: StateMachine, input: unknown): void {
    const handlers = Object.fromEntries([...this.machine.compiled.tasks.values()].map((task) => [task.name, (taskInput: unknown) => this.runTask(run, task, taskInput)]));
    run.engine = engine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never }, noThrowOnAbort: true, context: this.context });
    // Failures arrive as events (ExecutionFailed...) too; the result promise only has to be handled.
    run.engine.result.catch(() => undefined);
    void this.follow(run);
  }

  /** A Parallel branch or Map iteration; its first event follows `openedBy` in the history. */
  private subRun(parent: Run, engine: StateMachine, input: unknown, scope: string, openedBy: number): Run {
    const run = new Run(`${scope}@${++this.runs}`);
    parent.children.add(run);
    void run.result.finally(() => parent.children.delete(run)).catch(() => undefined);
    this.history.openScope(run.scope, openedBy);
    this.launch(run, engine, input);
    return run;
  }

  private async follow(run: Run): Promise<void> {
    try {
      for await (const event of run.engine!.eventLogs) this.onEngineEvent(run, event);
    } catch (error) {
      this.finish('FAILED', { error: 'States.Runtime', cause: `The local Step Functions emulation failed: ${(error as Error).message}` });
    }
  }

  private onEngineEvent(run: Run, event: EngineEvent): void {
    if (event.type.startsWith('Execution') && event.type !== 'ExecutionStarted') run.engineEnded = true;
    if (this.status !== 'RUNNING' || (run.ended && run !== this.root)) return;
    switch (event.type) {
      case 'StateEntered':
        return this.stateEntered(run, event.state.name, event.state.input);
      case 'StateExited':
        return this.stateExited(run, event.state.name, event.state.output);
      case 'StateFailed':
        return this.updateState(event.state.name, () => ({ status: 'FAILED', ...engineFailure(event.Error, event.Cause) }));
      case 'StateRetried':
        // "each retry will be charged as an additional state transition" (https://aws.amazon.com/step-functions/pricing/).
        this.cloud.usage.stateTransition(this.machine, event.state.name);
        return this.updateState(event.state.name, (state) => ({ status: 'RUNNING', retries: state.retries + 1 }));
      case 'StateCaught':
        return this.updateState(event.state.name, () => ({ status: 'CAUGHT' }));
      case 'ExecutionSucceeded':
        if (run === this.root) return this.finish('SUCCEEDED', { output: json(event.output) });
        return run.succeed(event.output);
      case 'ExecutionFailed': {
        const failure = engineFailure(event.Error, event.Cause);
        if (run === this.root) return this.finish('FAILED', failure);
        return run.fail(failure.error, failure.cause);
      }
      case 'ExecutionTimeout':
        return this.finish('TIMED_OUT', { error: 'States.Timeout' });
    }
  }

  private stateEntered(run: Run, name: string, input: unknown): void {
    if (this.closedByDeletion()) return;
    this.cloud.usage.stateTransition(this.machine, name);
    const inputText = json(input);
    if (run === this.root) this.current = { name, input: inputText };
    if (this.exceedsPayloadQuota(name, inputText)) return;
    this.record(`${this.info(name).type}StateEntered`, { name, input: inputText, inputDetails: NOT_TRUNCATED }, run.scope, name);
    this.updateState(name, (state) => ({ status: 'RUNNING', entered: state.entered + 1, input: inputText, output: undefined, error: undefined, cause: undefined }));
  }

  private stateExited(run: Run, name: string, output: unknown): void {
    if (this.closedByDeletion()) return;
    const outputText = json(output);
    if (this.exceedsPayloadQuota(name, outputText)) return;
    this.record(`${this.info(name).type}StateExited`, { name, output: outputText, outputDetails: NOT_TRUNCATED }, run.scope, name);
    this.updateState(name, (state) => ({ status: state.status === 'CAUGHT' ? 'CAUGHT' : 'SUCCEEDED', output: outputText, taskToken: undefined }));
  }

  /** The engine's handler for a local Task state (compile.ts). */
  private async runTask(run: Run, task: LocalTask, input: unknown): Promise<unknown> {
    await nextTurn();
    if (this.status !== 'RUNNING' || run.ended) throw TASK_CANCELLED;
    const controller = new AbortController();
    run.pending.add(controller);
    try {
      switch (task.kind) {
        case 'task':
          return await this.runIntegration(run, task, input, controller.signal);
        case 'wait':
          return await this.wait(input, controller.signal);
        case 'parallel':
          return await this.parallel(run, task, input, controller.signal);
        case 'map':
          return await this.map(run, task, input, controller.signal);
      }
    } finally {
      run.pending.delete(controller);
    }
  }

  /** A Wait state's duration (Seconds, Timestamp or their paths, resolved by the engine) scaled by the cloud's time scale. */
  private async wait(input: unknown, signal: AbortSignal): Promise<unknown> {
    const { Input, Seconds, Timestamp } = input as { Input: unknown; Seconds?: unknown; Timestamp?: unknown };
    let ms: number;
    if (Seconds !== undefined) {
      if (!Number.isInteger(Seconds) || (Seconds as number) < 0) throw runtimeError(`The Wait state's seconds must be a non-negative integer, got ${JSON.stringify(Seconds)}`);
      ms = (Seconds as number) * 1000;
    } else {
      const time = typeof Timestamp === 'string' ? Date.parse(Timestamp) : NaN;
      if (Number.isNaN(time)) throw runtimeError(`The Wait state's timestamp must be an ISO-8601 timestamp, got ${JSON.stringify(Timestamp)}`);
      ms = time - Date.now();
    }
    await delay(ms * this.cloud.timeScale, signal);
    return Input;
  }

  private async runIntegration(run: Run, task: IntegrationTask, input: unknown, signal: AbortSignal): Promise<unknown> {
    const { resource, name } = task;
    const { payload, timeoutSeconds, heartbeatSeconds } = unwrapEnvelope(task, input);
    const lambdaFunction = resource.action === 'lambda:function';
    const events = lambdaFunction ? LAMBDA_FUNCTION_EVENTS : SERVICE_TASK_EVENTS;
    const about = lambdaFunction ? {} : { resourceType: resource.resourceType, resource: resource.resource };
    const record = (type: string, details?: Record<string, unknown>) => this.record(type, details, run.scope, name);
    const callback = resource.callback ? this.openCallback(name, heartbeatSeconds) : undefined;
    const parameters = callback ? withToken(payload, callback.token) : payload;
    const parametersText = json(parameters);
    const timing = defined({ timeoutInSeconds: timeoutSeconds, heartbeatInSeconds: heartbeatSeconds });
    record(
      events.scheduled,
      lambdaFunction
        ? { resource: resource.arn, input: parametersText, inputDetails: NOT_TRUNCATED, ...timing }
        : { ...about, region: this.cloud.region, parameters: parametersText, ...timing },
    );
    record(events.started, lambdaFunction ? undefined : about);
    // A request that returns after the task timed out or was cancelled is no longer part of the execution.
    let open = true;
    const submitted = (result: unknown) => {
      if (!open) return;
      record('TaskSubmitted', { ...about, output: json(result), outputDetails: NOT_TRUNCATED });
      if (!callback!.closed) this.updateState(name, () => ({ status: 'WAITING' }));
    };
    try {
      if (Buffer.byteLength(parametersText) > MAX_STEP_FUNCTIONS_PAYLOAD_BYTES) throw dataLimitExceeded(name);
      const work = this.perform(task, parameters, callback, submitted);
      const output = await settle(work, signal, (timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000 * this.cloud.timeScale);
      const outputText = json(output);
      if (Buffer.byteLength(outputText) > MAX_STEP_FUNCTIONS_PAYLOAD_BYTES) throw dataLimitExceeded(name);
      record(events.succeeded, { ...about, output: outputText, outputDetails: NOT_TRUNCATED });
      return output;
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof TimedOut) {
        record(events.timedOut, { ...about, error: 'States.Timeout' });
        throw await statesTimeout();
      }
      const failure = error instanceof StatesError ? error : new StatesError('States.TaskFailed', (error as Error).message);
      const timedOut = failure.error === 'States.HeartbeatTimeout';
      record(timedOut ? events.timedOut : events.failed, { ...about, ...defined({ error: failure.error || undefined, cause: failure.message || undefined }) });
      throw failure;
    } finally {
      open = false;
      callback?.close();
    }
  }

  /** Calls the integration; a waitForTaskToken task then waits for its token. */
  private async perform(task: IntegrationTask, parameters: unknown, callback: CallbackTask | undefined, submitted: (result: unknown) => void): Promise<unknown> {
    const result = await this.integrations.call(task.resource, parameters, { stateMachineArn: this.machine.arn, executionArn: this.arn, roleArn: this.machine.roleArn });
    if (!callback) return result;
    submitted(result);
    callback.startHeartbeat();
    return callback.result;
  }

  private openCallback(stateName: string, heartbeatSeconds: number | undefined): CallbackTask {
    const heartbeatMs = heartbeatSeconds === undefined ? undefined : heartbeatSeconds * 1000 * this.cloud.timeScale;
    const callback = new CallbackTask(this.arn, heartbeatMs);
    this.callbacks.set(callback.token, callback);
    this.updateState(stateName, () => ({ taskToken: callback.token }));
    return callback;
  }

  /** Every branch gets the state's input; the output is the branches' outputs; the first failure aborts the others. */
  private async parallel(run: Run, task: ParallelTask, input: unknown, signal: AbortSignal): Promise<unknown> {
    const { Input } = input as { Input: unknown };
    const record = (type: string) => this.record(type, undefined, run.scope, task.name);
    const started = record('ParallelStateStarted');
    const { reused, succeeded } = this.partsOf(run, task.name);
    const branches = task.branches.map((engine, i) => (reused.has(i) ? undefined : this.subRun(run, engine, Input, `${task.name}#${i}`, started.id)));
    const results = branches.map((branch, i) => (branch ? branch.result.then((output) => succeeded(i, output)) : Promise.resolve(succeeded(i, reused.get(i)))));
    try {
      const outputs = await settle(Promise.all(results), signal);
      record('ParallelStateSucceeded');
      return outputs;
    } catch (error) {
      for (const branch of branches) branch?.abort();
      if (signal.aborted) throw error;
      record('ParallelStateFailed');
      throw await asEngineError(error);
    }
  }

  /**
   * Each item (after ItemSelector, which sees `$$.Map.Item`) runs through the processor; the output is the
   * iterations' outputs in item order; the first failure aborts the other iterations.
   */
  private async map(run: Run, task: MapTask, input: unknown, signal: AbortSignal): Promise<unknown> {
    const { Input, Items, MaxConcurrency = task.maxConcurrency } = input as { Input: unknown; Items: unknown; MaxConcurrency?: unknown };
    if (!Array.isArray(Items)) throw runtimeError(`The Map state's items must be an array, got ${json(Items).slice(0, 100)}`);
    if (!Number.isInteger(MaxConcurrency) || (MaxConcurrency as number) < 0) throw runtimeError(`MaxConcurrency must be a non-negative integer, got ${json(MaxConcurrency)}`);
    const name = task.name;
    const started = this.record('MapStateStarted', { length: Items.length }, run.scope, name);
    const iterations = new Map<number, Run>();
    const { reused, succeeded } = this.partsOf(run, name);
    let failed = false;
    const stopped = () => failed || signal.aborted;
    const iterate = async (item: unknown, index: number): Promise<unknown> => {
      if (reused.has(index)) return succeeded(index, reused.get(index));
      const scope = `${name}[${index}]@${++this.runs}`;
      this.history.openScope(scope, started.id);
      const iterationStarted = this.record('MapIterationStarted', { name, index }, scope, name);
      const selected = task.itemSelector ? await this.selectItem(task.itemSelector, Input, item, index) : item;
      if (stopped()) throw TASK_CANCELLED;
      const iteration = this.subRun(run, task.processor, selected, scope, iterationStarted.id);
      iterations.set(index, iteration);
      try {
        const output = await iteration.result;
        this.record('MapIterationSucceeded', { name, index }, iteration.scope, name);
        return succeeded(index, output);
      } catch (error) {
        if (error instanceof RunFailed) this.record('MapIterationFailed', { name, index }, iteration.scope, name);
        throw error;
      }
    };
    try {
      const limit = Math.min((MaxConcurrency as number) || MAP_CONCURRENCY, MAP_CONCURRENCY);
      const outputs = await settle(mapLimited(Items, limit, iterate, stopped), signal);
      this.record('MapStateSucceeded', undefined, run.scope, name);
      return outputs;
    } catch (error) {
      failed = true;
      for (const [index, iteration] of iterations) {
        if (iteration.ended) continue;
        iteration.abort();
        if (!signal.aborted) this.record('MapIterationAborted', { name, index }, iteration.scope, name);
      }
      if (signal.aborted) throw error;
      this.record('MapStateFailed', undefined, run.scope, name);
      throw await asEngineError(error);
    }
  }

  /**
   * For a top-level Parallel or Map state: the outputs of the branches / iterations a redrive reuses (those that
   * succeeded before, when this is the state being redriven), and a recorder of the ones that succeed now.
   */
  private partsOf(run: Run, stateName: string): { reused: Map<number, unknown>; succeeded: <T>(index: number, output: T) => T } {
    if (run !== this.root) return { reused: new Map(), succeeded: (_index, output) => output };
    const reusable = this.reusable?.stateName === stateName ? this.reusable.outputs : new Map<number, unknown>();
    this.reusable = undefined;
    const outputs = new Map<number, unknown>();
    this.parts.set(stateName, outputs);
    return {
      reused: reusable,
      succeeded: (index, output) => {
        outputs.set(index, output);
        return output;
      },
    };
  }

  /** The ItemSelector's value for one item: a one-Pass engine run with `$$.Map.Item` in its context. */
  private async selectItem(selector: StateMachine, input: unknown, item: unknown, index: number): Promise<unknown> {
    const context = { ...this.context, Map: { Item: { Index: index, Value: item } } };
    try {
      return await selector.run(input as never, { context }).result;
    } catch (error) {
      // The engine's ExecutionError wraps the state's error (e.g. States.Runtime for a path that matches nothing).
      throw (error as Error).cause ?? error;
    }
  }

  private finish(status: Exclude<ExecutionStatus, 'RUNNING'>, outcome: { output?: string; error?: string; cause?: string }): void {
    if (this.status !== 'RUNNING') return;
    this.status = status;
    this.stopDate = Date.now();
    this.cloud.usage.executionEnded(this.machine, this.stopDate - (this.redriveDate ?? this.startDate));
    Object.assign(this, outcome);
    const details = status === 'SUCCEEDED' ? { output: outcome.output, outputDetails: NOT_TRUNCATED } : defined({ error: outcome.error, cause: outcome.cause });
    this.record(TERMINAL_EVENT[status], details, '');
    this.sendStatusChange();
    this.root.abort();
    for (const callback of this.callbacks.values()) callback.close();
    this.finished.resolve();
  }

  /** Best effort, as AWS delivers service events: a refused put is recorded, and the execution goes on. */
  private sendStatusChange(): void {
    if (this.machine.type !== 'STANDARD') return;
    const view = this.statusView();
    const failed = (reason: string) => this.cloud.record({ service: 'states', type: 'status-change.failed', executionArn: this.arn, status: view.status, reason });
    void this.cloud.events.putEvents([statusChangeEntry(view)], { awsService: true }).then(
      (result) => result.FailedEntryCount > 0 && failed(`${result.Entries[0]?.ErrorCode}: ${result.Entries[0]?.ErrorMessage}`),
      (error: Error) => failed(error.message),
    );
  }

  private closedByDeletion(): boolean {
    if (this.machineDeleted) this.finish('FAILED', { error: 'States.Runtime', cause: `State machine ${this.machine.name} has been deleted.` });
    return this.machineDeleted;
  }

  private exceedsPayloadQuota(name: string, text: string): boolean {
    if (Buffer.byteLength(text) <= MAX_STEP_FUNCTIONS_PAYLOAD_BYTES) return false;
    const error = dataLimitExceeded(name);
    this.finish('FAILED', { error: error.error, cause: error.message });
    return true;
  }

  private record(type: string, details: Record<string, unknown> | undefined, scope: string, stateName?: string): HistoryEvent {
    const event = this.history.add(type, details, scope);
    this.cloud.record({ service: 'states', type: activityType(type), executionArn: this.arn, stateMachineArn: this.machine.arn, ...(stateName && { stateName }), event });
    if (this.status === 'RUNNING' && this.history.events.length >= MAX_HISTORY_EVENTS - 1) {
      this.finish('FAILED', { error: 'States.Runtime', cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).` });
    }
    return event;
  }

  private info(name: string): StateInfo {
    return this.machine.compiled.states.get(name)!;
  }

  private updateState(name: string, change: (state: StateRun) => Partial<StateRun>): void {
    const state = this.states.get(name);
    if (state) Object.assign(state, change(state));
  }
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

const runtimeError = (cause: string) => new StatesError('States.Runtime', cause, true);

const dataLimitExceeded = (name: string) =>
  new StatesError('States.DataLimitExceeded', `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`, true);
