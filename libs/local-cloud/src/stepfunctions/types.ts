/**
 * The shapes of executions the emulator shows outside (getExecutionGraph). No imports, so that browser code (the
 * dashboard) can use them too.
 */

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A state's latest run, for drawing the execution. */
export interface StateRun {
  type: string;
  status: 'NOT_STARTED' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'CAUGHT' | 'FAILED';
  /** Times entered (a Map enters its processor's states once per item). */
  entered: number;
  retries: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The token a waitForTaskToken state waits for. */
  taskToken?: string;
}

/** The definition and each state's latest run, for drawing the execution. */
export interface ExecutionGraph {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  type: StateMachineType;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  definition: unknown;
  states: Record<string, StateRun>;
}
