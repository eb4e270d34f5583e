import { executionName, retryExecutionName, type NotificationRequest } from './notification-request';

/** The notification saga, as the consumer sees it (adapters/notification-saga.ts on Step Functions). */
export interface NotificationSaga {
  /** Starts an execution; `'exists'` when the name is taken (ExecutionAlreadyExists). */
  start(name: string, input: NotificationRequest): Promise<'started' | 'exists'>;
  /** Status of the execution of that name (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE). */
  status(name: string): Promise<string>;
}

export type StartResult =
  | { execution: string; started: true }
  /** The outcome is notified, or being notified, by an execution another event started. */
  | { execution: string; started: false; reason: 'ALREADY_NOTIFIED' };

/** Executions that have sent or may still send the outcome's e-mail. */
const NOTIFYING = new Set(['RUNNING', 'SUCCEEDED', 'PENDING_REDRIVE']);

/**
 * Starts the saga of the request's outcome, once per outcome. A second event for the same outcome (PaymentFailed
 * after OrderCancelled, or the reverse) finds the name taken: ExecutionAlreadyExists means "already notified"
 * while that execution runs or has succeeded. When it failed, this event starts one more attempt under its own name,
 * so a later event can still tell the customer if the failed one never claimed the outcome; the saga's conditional
 * claim keeps it to one e-mail whatever runs (a failed execution keeps its claim, and is redriven from FailedSagasQueue).
 */
export async function startNotification(request: NotificationRequest, saga: NotificationSaga): Promise<StartResult> {
  const name = executionName(request.orderId, request.outcome);
  if ((await saga.start(name, request)) === 'started') return { execution: name, started: true };
  if (NOTIFYING.has(await saga.status(name))) return { execution: name, started: false, reason: 'ALREADY_NOTIFIED' };
  const retry = retryExecutionName(request.orderId, request.outcome, request.cause.metadata.id);
  if ((await saga.start(retry, request)) === 'started') return { execution: retry, started: true };
  return { execution: retry, started: false, reason: 'ALREADY_NOTIFIED' };
}
