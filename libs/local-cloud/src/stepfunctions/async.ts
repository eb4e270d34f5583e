/** Promise helpers of the Task handlers: every wait ends early when the task is cancelled (`signal`). */

/** setTimeout holds at most 2^31-1 ms; a longer delay would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

const clamp = (ms: number) => Math.min(Math.max(0, ms), MAX_DELAY_MS);

export class TimedOut extends Error {
  constructor() {
    super('timed out');
  }
}

/**
 * `work`'s outcome, unless `signal` aborts first (rejects with the signal's reason) or `timeoutMs` passes first
 * (rejects with TimedOut). `work` itself goes on; the caller stops it through what it closes on either outcome.
 */
export function settle<T>(work: Promise<T>, signal: AbortSignal, timeoutMs?: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (settleWith: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settleWith();
    };
    const onAbort = () => done(() => reject(signal.reason));
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(() => reject(new TimedOut())), clamp(timeoutMs));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => done(() => resolve(value)),
      (error) => done(() => reject(error)),
    );
  });
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, clamp(ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves after the event loop's next turn: every promise callback queued so far has run. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Promise.withResolvers (ES2024; polyfilled at run time on Node 20, but not in this project's TypeScript lib). */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * `work` for every item, at most `limit` at a time, outputs in item order. After the first failure (or once
 * `stopped()`) no further item starts; the failure is the result.
 */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>, stopped: () => boolean): Promise<R[]> {
  const outputs = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && !stopped() && next < items.length) {
      const index = next++;
      try {
        outputs[index] = await work(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(limit, 1), items.length) }, worker));
  return outputs;
}
