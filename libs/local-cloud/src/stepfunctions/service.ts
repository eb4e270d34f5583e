import { randomUUID } from 'node:crypto';
import { MAX_STEP_FUNCTIONS_PAYLOAD_BYTES } from '@shop/aws-limits';
import type { Cloud, StatesApi } from '../cloud';
import { AwsError, validationError } from '../errors';
import { EXPRESS_MEMORY_MB, expressBilledMs } from '../usage/billing-units';
import { executionOfToken, type CallbackTask } from './callbacks';
import { compileMachine } from './compile';
import { Execution, type MachineVersion } from './execution';
import { historyEventView } from './history';
import { Integrations } from './integrations';
import type { ExecutionGraph, StateMachineType } from './types';
import { checkDefinition, parseDefinition } from './validate';

/**
 * AWS Step Functions (JSON protocol, `X-Amz-Target: AWSStepFunctions.<Op>`), executions run by
 * aws-local-stepfunctions (see compile.ts / execution.ts). Dates are answered as epoch seconds.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */

export interface StepFunctionsOptions {
  /** Closed Express executions kept for getExecutionGraph (AWS keeps none: it only logs them). Default 1000. */
  expressExecutionsKept?: number;
}

interface StateMachineRecord extends MachineVersion {
  status: 'ACTIVE' | 'DELETING';
  creationDate: number;
  updateDate?: number;
  loggingConfiguration: unknown;
  tracingConfiguration: unknown;
  tags: Map<string, string>;
  /** Standard executions in start order; names are unique per state machine. */
  executions: Execution[];
  executionsByName: Map<string, Execution>;
  running: Set<Execution>;
}

const TYPES: StateMachineType[] = ['STANDARD', 'EXPRESS'];
const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[^:]+:[^:]+(:[^:]+)?$/;
/** https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html#StepFunctions-StartExecution-request-name */
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
const DEFAULT_PAGE_SIZE = 100;
const LOGGING_OFF = { level: 'OFF', includeExecutionData: false };
const TRACING_OFF = { enabled: false };
const NOT_EXPRESS = 'This operation is not supported by EXPRESS state machines.';
/**
 * What the execution APIs of Standard workflows (DescribeExecution, GetExecutionHistory, StopExecution, RedriveExecution,
 * DescribeStateMachineForExecution) answer for an Express execution's ARN: none lists StateMachineTypeNotSupported among
 * its errors, and Step Functions keeps no record of Express executions to look up; the ARN's resource type is refused.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
const EXPRESS_ARN_REFUSED = "Invalid Arn: 'Resource type not valid in this context: express'";
const REDRIVE_FILTERS = ['REDRIVEN', 'NOT_REDRIVEN'];

const seconds = (ms: number) => ms / 1000;

export class StepFunctionsService implements StatesApi {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, Execution>();
  private readonly closedExpress: string[] = [];
  private readonly integrations: Integrations;
  private readonly expressExecutionsKept: number;

  constructor(
    private readonly cloud: Cloud,
    options: StepFunctionsOptions = {},
  ) {
    this.integrations = new Integrations(cloud);
    this.expressExecutionsKept = options.expressExecutionsKept ?? 1000;
  }

  async dispatch(operation: string, input: any): Promise<unknown> {
    const request = input ?? {};
    switch (operation) {
      case 'CreateStateMachine':
        return this.createStateMachine(request);
      case 'UpdateStateMachine':
        return this.updateStateMachine(request);
      case 'DeleteStateMachine':
        return this.deleteStateMachine(request);
      case 'DescribeStateMachine':
        return this.describeStateMachine(request);
      case 'DescribeStateMachineForExecution':
        return this.describeStateMachineForExecution(request);
      case 'ListStateMachines':
        return this.listStateMachines(request);
      case 'ValidateStateMachineDefinition':
        return this.validateStateMachineDefinition(request);
      case 'StartExecution':
        return this.startExecutionOperation(request);
      case 'StartSyncExecution':
        return this.startSyncExecution(request);
      case 'DescribeExecution':
        return this.describeExecution(request);
      case 'ListExecutions':
        return this.listExecutions(request);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(request);
      case 'StopExecution':
        return this.stopExecution(request);
      case 'RedriveExecution':
        return this.redriveExecution(request);
      case 'SendTaskSuccess':
        return this.sendTaskSuccess(request);
      case 'SendTaskFailure':
        return this.sendTaskFailure(request);
      case 'SendTaskHeartbeat':
        this.openCallback(request.taskToken).heartbeat();
        return {};
      case 'TagResource':
        return this.tagResource(request);
      case 'UntagResource':
        return this.untagResource(request);
      case 'ListTagsForResource':
        return { tags: [...this.taggable(request.resourceArn).tags].map(([key, value]) => ({ key, value })) };
      default:
        throw new AwsError('UnknownOperationException', `The local Step Functions emulator does not implement ${operation}`);
    }
  }

  /** For EventBridge targets (and any other service): StartExecution. */
  async startExecution(input: { stateMachineArn: string; name?: string; input?: string }): Promise<{ executionArn: string; startDate: Date }> {
    const execution = this.start(input);
    return { executionArn: execution.arn, startDate: new Date(execution.startDate) };
  }

  /** Ends every running execution (ABORTED), e.g. when the emulator shuts down, so that none of their timers outlives it. */
  close(): void {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.stop();
    this.integrations.close();
  }

  /** The Express executions still kept (running, and the last closed ones), newest first: AWS lists none, the dashboard does. */
  expressExecutions(): ExecutionGraph[] {
    return [...this.executions.values()].filter((execution) => execution.machine.type === 'EXPRESS').reverse().map((execution) => execution.graph());
  }

  /** The definition and every state's latest status, input and output, for drawing the execution (Standard or Express). */
  getExecutionGraph(executionArn: string): ExecutionGraph {
    return this.executionFor(executionArn, { express: true }).graph();
  }

  private createStateMachine(request: Record<string, any>) {
    const name = validName(request.name, 'state machine');
    const type = request.type ?? 'STANDARD';
    if (!TYPES.includes(type)) throw validationError(`Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`);
    const roleArn = required(request.roleArn, 'roleArn');
    const definitionText = required(request.definition, 'definition');
    const arn = this.cloud.arn('states', `stateMachine:${name}`);
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.status === 'DELETING') throw new AwsError('StateMachineDeleting', `State Machine is being deleted: '${arn}'`);
      // CreateStateMachine is idempotent on name, definition, type and logging configuration.
      // https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
      const same = existing.definition === definitionText && existing.type === type && sameJson(existing.loggingConfiguration, request.loggingConfiguration ?? LOGGING_OFF);
      if (same) return { stateMachineArn: arn, creationDate: seconds(existing.creationDate) };
      throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const compiled = compileMachine(parseDefinition(definitionText, type), this.cloud.timeScale, type);
    const machine: StateMachineRecord = {
      arn,
      name,
      type,
      roleArn,
      definition: definitionText,
      compiled,
      status: 'ACTIVE',
      creationDate: Date.now(),
      loggingConfiguration: request.loggingConfiguration ?? LOGGING_OFF,
      tracingConfiguration: request.tracingConfiguration ?? TRACING_OFF,
      tags: new Map(tagList(request.tags)),
      executions: [],
      executionsByName: new Map(),
      running: new Set(),
    };
    this.machines.set(arn, machine);
    this.cloud.record({ service: 'states', type: 'statemachine.created', stateMachineArn: arn, name, stateMachineType: type });
    return { stateMachineArn: arn, creationDate: seconds(machine.creationDate) };
  }

  private updateStateMachine(request: Record<string, any>) {
    const machine = this.machineFor(request.stateMachineArn);
    const { definition, roleArn, loggingConfiguration, tracingConfiguration } = request;
    if ([definition, roleArn, loggingConfiguration, tracingConfiguration].every((value) => value === undefined)) {
      throw new AwsError('MissingRequiredParameter', 'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
    }
    // Running executions keep the version they started with.
    if (definition !== undefined) {
      machine.compiled = compileMachine(parseDefinition(definition, machine.type), this.cloud.timeScale, machine.type);
      machine.definition = definition;
    }
    if (roleArn !== undefined) machine.roleArn = roleArn;
    if (loggingConfiguration !== undefined) machine.loggingConfiguration = loggingConfiguration;
    if (tracingConfiguration !== undefined) machine.tracingConfiguration = tracingConfiguration;
    machine.updateDate = Date.now();
    this.cloud.record({ service: 'states', type: 'statemachine.updated', stateMachineArn: machine.arn, name: machine.name });
    return { updateDate: seconds(machine.updateDate) };
  }

  /**
   * Marks the state machine DELETING; its running executions end at their next state transition, and
   * it is gone once none runs. https://docs.aws.amazon.com/step-functions/latest/apireference/API_DeleteStateMachine.html
   */
  private deleteStateMachine(request: Record<string, any>) {
    const arn = stateMachineArn(request.stateMachineArn);
    const machine = this.machines.get(arn);
    if (!machine) return {};
    machine.status = 'DELETING';
    for (const execution of machine.running) execution.markMachineDeleted();
    this.removeIfDeleted(machine);
    return {};
  }

  private describeStateMachine(request: Record<string, any>) {
    return this.describe(this.machineFor(request.stateMachineArn, { deleting: true }));
  }

  private describeStateMachineForExecution(request: Record<string, any>) {
    const execution = this.executionFor(request.executionArn);
    const machine = this.machines.get(execution.machine.arn)!;
    const { arn, name, definition, roleArn } = execution.machine;
    return {
      stateMachineArn: arn,
      name,
      definition,
      roleArn,
      updateDate: seconds(machine.updateDate ?? machine.creationDate),
      loggingConfiguration: machine.loggingConfiguration,
      tracingConfiguration: machine.tracingConfiguration,
    };
  }

  private listStateMachines(request: Record<string, any>) {
    const machines = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(machines, (machine) => machine.arn, request.maxResults, request.nextToken);
    return {
      stateMachines: items.map(({ arn, name, type, creationDate }) => ({ stateMachineArn: arn, name, type, creationDate: seconds(creationDate) })),
      ...(nextToken && { nextToken }),
    };
  }

  private validateStateMachineDefinition(request: Record<string, any>) {
    const type = request.type ?? 'STANDARD';
    if (!TYPES.includes(type)) throw validationError(`Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`);
    const { diagnostics } = checkDefinition(required(request.definition, 'definition'), type);
    return { result: diagnostics.length === 0 ? 'OK' : 'FAIL', diagnostics, truncated: false };
  }

  private startExecutionOperation(request: Record<string, any>) {
    const execution = this.start(request);
    return { executionArn: execution.arn, startDate: seconds(execution.startDate) };
  }

  /**
   * A Standard execution name is unique per state machine: the same name with the same input while the
   * execution runs answers that execution; a different input, or a closed execution, is ExecutionAlreadyExists.
   * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
   */
  private start(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }, options: { sync?: boolean } = {}): Execution {
    const machine = this.machineFor(request.stateMachineArn, { deleting: true });
    if (machine.status === 'DELETING') throw new AwsError('StateMachineDeleting', `State Machine is being deleted: '${machine.arn}'`);
    const input = executionInput(request.input);
    const name = request.name === undefined ? randomUUID() : validName(request.name, 'execution');
    if (machine.type === 'EXPRESS') return this.launchExpress(machine, name, input, options.sync);
    const existing = machine.executionsByName.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`);
    }
    const execution = this.launch(machine, name, input, this.cloud.arn('states', `execution:${machine.name}:${name}`));
    machine.executions.push(execution);
    machine.executionsByName.set(name, execution);
    return execution;
  }

  /**
   * An Express execution: no name idempotency (the same name starts another execution). Started asynchronously
   * (StartExecution, an EventBridge target) it is at-least-once: the fault plan's `duplicate` runs it a second time,
   * concurrently, as AWS may. Started with StartSyncExecution it is at-most-once (`sync`), never repeated.
   * https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html
   */
  private launchExpress(machine: StateMachineRecord, name: string, input: string, sync = false): Execution {
    const arn = () => this.cloud.arn('states', `express:${machine.name}:${name}:${randomUUID()}`);
    const execution = this.launch(machine, name, input, arn());
    const site = { names: [machine.name], context: { stateMachineArn: machine.arn, executionArn: execution.arn } };
    if (!sync && this.cloud.faults.strikes('duplicate', site, 'express-execution')) this.launch(machine, name, input, arn());
    return execution;
  }

  private launch(machine: StateMachineRecord, name: string, input: string, arn: string): Execution {
    const version: MachineVersion = { arn: machine.arn, name: machine.name, type: machine.type, roleArn: machine.roleArn, definition: machine.definition, compiled: machine.compiled };
    const execution = new Execution(version, arn, name, input, this.cloud, this.integrations);
    this.executions.set(arn, execution);
    this.opened(machine, execution);
    execution.start();
    return execution;
  }

  private opened(machine: StateMachineRecord, execution: Execution): void {
    machine.running.add(execution);
    void execution.done.then(() => this.closed(machine, execution));
  }

  /**
   * Resumes a FAILED, TIMED_OUT or ABORTED Standard execution where it stopped (execution.ts). The same clientToken
   * within 15 minutes answers the same redrive again instead of redriving twice.
   * https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html
   */
  private redriveExecution(request: Record<string, any>) {
    const clientToken = optionalText(request.clientToken, 'clientToken', 64);
    if (clientToken === '') throw validationError("Value '' at 'clientToken' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const execution = this.executionFor(request.executionArn);
    const answered = clientToken === undefined ? undefined : execution.redriveTokens.answered(clientToken);
    if (answered !== undefined) return { redriveDate: seconds(answered) };
    const machine = this.machines.get(execution.machine.arn)!;
    const reason = execution.notRedrivable(machine.status === 'DELETING');
    if (reason) throw new AwsError('ExecutionNotRedrivable', reason);
    execution.redrive();
    this.opened(machine, execution);
    if (clientToken !== undefined) execution.redriveTokens.remember(clientToken, execution.redriveDate!);
    return { redriveDate: seconds(execution.redriveDate!) };
  }

  private closed(machine: StateMachineRecord, execution: Execution): void {
    machine.running.delete(execution);
    if (machine.type === 'EXPRESS') {
      this.closedExpress.push(execution.arn);
      while (this.closedExpress.length > this.expressExecutionsKept) this.executions.delete(this.closedExpress.shift()!);
    }
    this.removeIfDeleted(machine);
  }

  private removeIfDeleted(machine: StateMachineRecord): void {
    if (machine.status !== 'DELETING' || machine.running.size > 0 || this.machines.get(machine.arn) !== machine) return;
    this.machines.delete(machine.arn);
    for (const execution of machine.executions) this.executions.delete(execution.arn);
    this.cloud.record({ service: 'states', type: 'statemachine.deleted', stateMachineArn: machine.arn, name: machine.name });
  }

  /** Express only: runs the execution to its end and answers its outcome. */
  private async startSyncExecution(request: Record<string, any>) {
    const machine = this.machineFor(request.stateMachineArn, { deleting: true });
    if (machine.type !== 'EXPRESS') throw new AwsError('StateMachineTypeNotSupported', 'This operation is only supported by EXPRESS state machines.');
    const execution = this.start(request, { sync: true });
    await execution.done;
    const duration = (execution.stopDate ?? Date.now()) - execution.startDate;
    return {
      ...this.executionView(execution),
      billingDetails: { billedMemoryUsedInMB: EXPRESS_MEMORY_MB, billedDurationInMilliseconds: expressBilledMs(duration) },
    };
  }

  private describeExecution(request: Record<string, any>) {
    const execution = this.executionFor(request.executionArn);
    const { redriveStatus, redriveStatusReason } = execution.statusView(this.machines.get(execution.machine.arn)?.status === 'DELETING');
    return { ...this.executionView(execution), redriveStatus, ...(redriveStatusReason !== undefined && { redriveStatusReason }) };
  }

  private listExecutions(request: Record<string, any>) {
    const machine = this.machineFor(request.stateMachineArn, { deleting: true });
    if (machine.type === 'EXPRESS') throw new AwsError('StateMachineTypeNotSupported', NOT_EXPRESS);
    const { statusFilter, redriveFilter } = request;
    if (statusFilter !== undefined && !EXECUTION_STATUSES.includes(statusFilter)) {
      throw validationError(`Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`);
    }
    if (redriveFilter !== undefined && !REDRIVE_FILTERS.includes(redriveFilter)) {
      throw validationError(`Value '${redriveFilter}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [${REDRIVE_FILTERS.join(', ')}]`);
    }
    const redriven = (execution: Execution) => redriveFilter === undefined || (execution.redriveCount > 0) === (redriveFilter === 'REDRIVEN');
    // Most recent first.
    const executions = machine.executions.filter((execution) => (statusFilter === undefined || execution.status === statusFilter) && redriven(execution)).reverse();
    const { items, nextToken } = page(executions, (execution) => execution.arn, request.maxResults, request.nextToken);
    return {
      executions: items.map((execution) => this.executionListItem(execution)),
      ...(nextToken && { nextToken }),
    };
  }

  private getExecutionHistory(request: Record<string, any>) {
    const execution = this.executionFor(request.executionArn);
    const events = request.reverseOrder ? [...execution.history.events].reverse() : execution.history.events;
    const { items, nextToken } = page(events, (event) => String(event.id), request.maxResults, request.nextToken);
    const includeExecutionData = request.includeExecutionData !== false;
    return { events: items.map((event) => historyEventView(event, includeExecutionData)), ...(nextToken && { nextToken }) };
  }

  private stopExecution(request: Record<string, any>) {
    const execution = this.executionFor(request.executionArn);
    const error = optionalText(request.error, 'error', 256);
    const cause = optionalText(request.cause, 'cause', 32_768);
    if (execution.status === 'RUNNING') execution.stop(error, cause);
    return { stopDate: seconds(execution.stopDate!) };
  }

  private sendTaskSuccess(request: Record<string, any>) {
    const output = required(request.output, 'output');
    if (Buffer.byteLength(output) > MAX_STEP_FUNCTIONS_PAYLOAD_BYTES) throw validationError(`Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_STEP_FUNCTIONS_PAYLOAD_BYTES}`);
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch (error) {
      throw new AwsError('InvalidOutput', `Invalid Output: '${(error as Error).message}'`);
    }
    this.openCallback(request.taskToken).succeed(value);
    return {};
  }

  private sendTaskFailure(request: Record<string, any>) {
    const error = optionalText(request.error, 'error', 256);
    const cause = optionalText(request.cause, 'cause', 32_768);
    this.openCallback(request.taskToken).fail(error ?? '', cause ?? '');
    return {};
  }

  /**
   * The waiting task a token names. A token this service never issued is InvalidToken; one of an unknown task
   * TaskDoesNotExist; one whose task already ended (answered, timed out, execution closed) TaskTimedOut.
   * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
   */
  private openCallback(token: unknown): CallbackTask {
    const taskToken = required(token, 'taskToken');
    if (taskToken.length > 2048) throw validationError("Value at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to 2048");
    const executionArn = executionOfToken(taskToken);
    if (!executionArn) throw new AwsError('InvalidToken', `Invalid Token: '${taskToken}'`);
    const callback = this.executions.get(executionArn)?.callback(taskToken);
    if (!callback) throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist');
    if (callback.closed) throw new AwsError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    return callback;
  }

  private tagResource(request: Record<string, any>) {
    const { tags } = this.taggable(request.resourceArn);
    for (const [key, value] of tagList(request.tags)) tags.set(key, value);
    return {};
  }

  private untagResource(request: Record<string, any>) {
    const { tags } = this.taggable(request.resourceArn);
    for (const key of Array.isArray(request.tagKeys) ? request.tagKeys : []) tags.delete(key);
    return {};
  }

  private taggable(arn: unknown): StateMachineRecord {
    const machine = typeof arn === 'string' ? this.machines.get(arn) : undefined;
    if (!machine) throw new AwsError('ResourceNotFound', `Resource not found: '${String(arn)}'`);
    return machine;
  }

  private describe(machine: StateMachineRecord) {
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: machine.status,
      definition: machine.definition,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: seconds(machine.creationDate),
      loggingConfiguration: machine.loggingConfiguration,
      tracingConfiguration: machine.tracingConfiguration,
    };
  }

  /** An execution as ListExecutions lists it (DescribeExecution adds input, output and errors). */
  private executionListItem(execution: Execution) {
    return {
      executionArn: execution.arn,
      stateMachineArn: execution.machine.arn,
      name: execution.name,
      status: execution.status,
      startDate: seconds(execution.startDate),
      ...(execution.stopDate !== undefined && { stopDate: seconds(execution.stopDate) }),
      redriveCount: execution.redriveCount,
      ...(execution.redriveDate !== undefined && { redriveDate: seconds(execution.redriveDate) }),
    };
  }

  private executionView(execution: Execution) {
    return {
      ...this.executionListItem(execution),
      input: execution.input,
      inputDetails: { included: true },
      ...(execution.output !== undefined && { output: execution.output, outputDetails: { included: true } }),
      ...(execution.error !== undefined && { error: execution.error }),
      ...(execution.cause !== undefined && { cause: execution.cause }),
    };
  }

  private machineFor(arn: unknown, options: { deleting?: boolean } = {}): StateMachineRecord {
    const machine = this.machines.get(stateMachineArn(arn));
    if (!machine || (machine.status === 'DELETING' && !options.deleting)) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return machine;
  }

  private executionFor(arn: unknown, options: { express?: boolean } = {}): Execution {
    if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    if (!options.express && isExpressArn(arn)) throw new AwsError('InvalidArn', EXPRESS_ARN_REFUSED);
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}

/** arn:aws:states:<region>:<account>:express:<machine>:<name>:<id> */
const isExpressArn = (arn: string) => arn.split(':')[5] === 'express';

function stateMachineArn(arn: unknown): string {
  if (typeof arn !== 'string' || !STATE_MACHINE_ARN.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  return arn;
}

function required(value: unknown, member: string): string {
  if (typeof value !== 'string') throw validationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function optionalText(value: unknown, member: string, maxLength: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw validationError(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`);
  }
  return value;
}

/** Names of state machines and executions: 1-80 characters, none of the forbidden ones. */
function validName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTERS.test(name)) {
    throw new AwsError('InvalidName', `Invalid Name: '${String(name)}' (a ${what} name has 1 to 80 characters, without whitespace, brackets, wildcards or special characters)`);
  }
  return name;
}

/** The execution input: JSON text of at most 256 KiB, "{}" when absent. */
function executionInput(input: unknown): string {
  if (input === undefined || input === null) return '{}';
  if (typeof input !== 'string') throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input must be a JSON string');
  if (Buffer.byteLength(input) > MAX_STEP_FUNCTIONS_PAYLOAD_BYTES) {
    throw new AwsError('InvalidExecutionInput', `Invalid State Machine Execution Input: the input exceeds the ${MAX_STEP_FUNCTIONS_PAYLOAD_BYTES} bytes quota`);
  }
  try {
    JSON.parse(input);
  } catch (error) {
    throw new AwsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
  }
  return input;
}

function tagList(tags: unknown): Array<[string, string]> {
  return Array.isArray(tags) ? tags.filter((tag) => typeof tag?.key === 'string').map((tag) => [tag.key, String(tag.value ?? '')]) : [];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * One page of `items`. The token names the last item answered, so that a page goes on after it even
 * when newer items arrived in between.
 */
function page<T>(items: T[], keyOf: (item: T) => string, maxResults: unknown, nextToken: unknown): { items: T[]; nextToken?: string } {
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || (maxResults as number) < 0 || (maxResults as number) > 1000)) {
    throw validationError(`Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 1000`);
  }
  const size = (maxResults as number | undefined) || DEFAULT_PAGE_SIZE;
  let start = 0;
  if (nextToken !== undefined && nextToken !== null) {
    const after = typeof nextToken === 'string' ? Buffer.from(nextToken, 'base64url').toString('utf8') : '';
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new AwsError('InvalidToken', `Invalid Token: '${String(nextToken)}'`);
    start = index + 1;
  }
  const answered = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: answered, ...(more && { nextToken: Buffer.from(keyOf(answered[answered.length - 1]!)).toString('base64url') }) };
}
