export { StepFunctionsService, type StepFunctionsOptions } from './service';
export type { ExecutionGraph, ExecutionStatus, StateMachineType, StateRun } from './types';
