import type { ExecutionStatus } from './types';

/**
 * What RedriveExecution allows: a Standard execution that did not succeed and is not running, whose state machine is
 * not being deleted, with room left in its history, at most a year after it started and 14 days after it stopped.
 * The reasons are the texts DescribeExecution gives as redriveStatusReason (and ExecutionNotRedrivable as its message).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html#StepFunctions-DescribeExecution-response-redriveStatusReason
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const REDRIVABLE_PERIOD_MS = 14 * DAY_MS;
/** A Standard execution's maximum open time: one year. https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html */
export const MAX_OPEN_TIME_MS = 365 * DAY_MS;
/** "The execution event history count is less than 24,999": room for ExecutionRedriven and one more event. */
export const MAX_REDRIVABLE_HISTORY_EVENTS = 24_999;

export interface RedriveCandidate {
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  historyLength: number;
  machineDeleting: boolean;
}

export function notRedrivableReason(execution: RedriveCandidate, now = Date.now()): string | undefined {
  if (execution.machineDeleting) return 'State machine is in DELETING status';
  if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') return `Execution is ${execution.status} and cannot be redriven`;
  if (execution.historyLength >= MAX_REDRIVABLE_HISTORY_EVENTS) return 'Execution history event limit exceeded';
  if (now - execution.startDate > MAX_OPEN_TIME_MS) return 'Execution has exceeded the max execution time';
  if (now - execution.stopDate! > REDRIVABLE_PERIOD_MS) return 'Execution redrivable period exceeded';
  return undefined;
}

/** "The API will return idempotent responses for the last 10 client tokens used to successfully redrive the execution. These client tokens are valid for up to 15 minutes after they are first used." */
const TOKENS_KEPT = 10;
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export class RedriveTokens {
  private readonly tokens: Array<{ token: string; redriveDate: number; firstUsed: number }> = [];

  /** The redriveDate a successful redrive with `token` answered, if the token is still remembered. */
  answered(token: string, now = Date.now()): number | undefined {
    return this.tokens.find((used) => used.token === token && now - used.firstUsed <= TOKEN_LIFETIME_MS)?.redriveDate;
  }

  remember(token: string, redriveDate: number): void {
    this.tokens.push({ token, redriveDate, firstUsed: redriveDate });
    if (this.tokens.length > TOKENS_KEPT) this.tokens.shift();
  }
}
