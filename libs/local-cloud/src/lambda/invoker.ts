import type { LambdaInvokeResult } from '../cloud';
import type { LambdaFunction } from './function-config';

/** One execution of a function, handed to an invoker. */
export interface InvocationRequest {
  fn: LambdaFunction;
  /** The JSON event, as text (as Lambda receives it). */
  payload: string;
  requestId: string;
  /** Epoch ms when the function times out (for context.getRemainingTimeInMillis). */
  deadline: number;
  /** The environment the function runs with: its own variables over Lambda's runtime variables. */
  environment: Record<string, string>;
  /**
   * Each line the function writes to stdout during the invocation, as Lambda sends it to CloudWatch Logs (where
   * Embedded Metric Format lines become metrics). Invokers whose functions run elsewhere (serverless offline) do not
   * call it: their output is forwarded by whoever reads it (scripts/local-stack).
   */
  onLogLine?: (line: string) => void;
}

/**
 * Runs function code. A function error is a result (`functionError` + error payload), not a rejection;
 * a rejection means the invoker itself failed (e.g. serverless-offline is not running).
 */
export interface LambdaInvoker {
  invoke(request: InvocationRequest): Promise<LambdaInvokeResult>;
}

/** The error payload the Node.js runtime answers for an exception: `{errorType, errorMessage, trace}`. */
export function errorPayload(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

export const unhandled = (error: unknown): LambdaInvokeResult => ({ payload: JSON.stringify(errorPayload(error)), functionError: 'Unhandled' });
