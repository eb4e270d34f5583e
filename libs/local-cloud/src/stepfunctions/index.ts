export { StepFunctionsService, type StepFunctionsOptions } from './service';
export type { ExecutionGraph, ExecutionStatus, StateRun } from './execution';
