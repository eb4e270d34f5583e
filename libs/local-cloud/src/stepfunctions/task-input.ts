import { isObject } from './asl';
import { TASK_TOKEN_PLACEHOLDER, type IntegrationTask } from './compile';
import { StatesError } from './states-error';

/** What the engine hands an integration Task's handler (see compile.ts), read back into the task's terms. */

/** The Task's payload and its timeouts: as written, or read by the engine from TimeoutSecondsPath / HeartbeatSecondsPath. */
export function unwrapEnvelope(task: IntegrationTask, input: unknown): { payload: unknown; timeoutSeconds?: number; heartbeatSeconds?: number } {
  if (!task.envelope) return { payload: input, timeoutSeconds: task.timeoutSeconds, heartbeatSeconds: task.heartbeatSeconds };
  const { Payload, TimeoutSeconds, HeartbeatSeconds } = input as Record<string, unknown>;
  for (const [field, value] of [['TimeoutSecondsPath', TimeoutSeconds], ['HeartbeatSecondsPath', HeartbeatSeconds]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
      throw new StatesError('States.Runtime', `${field} must point to a positive integer, got ${JSON.stringify(value)}`, true);
    }
  }
  return {
    payload: Payload,
    timeoutSeconds: (TimeoutSeconds as number | undefined) ?? task.timeoutSeconds,
    heartbeatSeconds: (HeartbeatSeconds as number | undefined) ?? task.heartbeatSeconds,
  };
}

/** The Parameters with the task token where the definition referenced `$$.Task.Token`. */
export function withToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.replaceAll(TASK_TOKEN_PLACEHOLDER, token);
  if (Array.isArray(value)) return value.map((item) => withToken(item, token));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withToken(item, token)]));
  return value;
}
