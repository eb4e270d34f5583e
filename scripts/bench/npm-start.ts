/**
 * `npm start` (scripts/start.ts) as a child process on its default ports, for the benchmarks: resolves once its ready
 * line is printed, with the URLs that line names; `stop()` sends Ctrl-C and waits for it to exit.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface RunningStack {
  /** The HTTP APIs' base URL (http://localhost:3000). */
  apiUrl: string;
  /** The emulator's endpoint (http://localhost:4566). */
  emulatorUrl: string;
  /** From the spawn to the ready line. */
  readySeconds: number;
  stop(): Promise<void>;
}

export async function startNpmStart(): Promise<RunningStack> {
  const started = Date.now();
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/start.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGINT');
    await exited;
  };
  try {
    const [apiUrl, emulatorUrl] = await new Promise<[string, string]>((resolve, reject) => {
      let output = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const ready = /\[start\] ready in [\d.]+ s: HTTP (http:\/\/\S+),.* AWS endpoint (http:\/\/\S+) /.exec(output);
        if (ready) resolve([ready[1]!, ready[2]!]);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
    });
    return { apiUrl, emulatorUrl, readySeconds: (Date.now() - started) / 1000, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
