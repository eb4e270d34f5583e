import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The log lines an in-process invocation writes to stdout (console.log, or a Console of its own on process.stdout
 * as Powertools uses), handed to its invocation's listener line by line, as Lambda hands a function's output to
 * CloudWatch Logs. Writes outside an invocation, and every write's text on stdout, are left as they were.
 *
 * It works by wrapping `process.stdout.write` once; an AsyncLocalStorage tells which invocation (if any) wrote.
 */

interface Capture {
  onLine: (line: string) => void;
  partial: string;
}

const captures = new AsyncLocalStorage<Capture>();
let installed = false;

export function runCapturingLogLines<T>(onLine: (line: string) => void, run: () => Promise<T>): Promise<T> {
  install();
  const capture: Capture = { onLine, partial: '' };
  return captures.run(capture, run).finally(() => {
    if (capture.partial !== '') onLine(capture.partial);
    capture.partial = '';
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const capture = captures.getStore();
    if (capture) {
      const text = capture.partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const lines = text.split('\n');
      capture.partial = lines.pop() ?? '';
      for (const line of lines) capture.onLine(line);
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}
