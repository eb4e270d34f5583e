import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Prints how long `require` of the file took, in milliseconds, from a process that has loaded nothing else: wall time,
 * and CPU time (user + system), which other processes on a shared machine disturb far less.
 */
const PROBE =
  'const f=process.argv[1];const c=process.cpuUsage();const t=process.hrtime.bigint();require(f);const w=Number(process.hrtime.bigint()-t)/1e6;const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wallMs:w,cpuMs:(u.user+u.system)/1e3}))';

export interface LoadTimeOptions {
  /** Fresh processes to start; the median is reported. */
  runs?: number;
  /** Where the modules the Lambda runtime provides (@aws-sdk/*) resolve from, as /var/runtime/node_modules does there. */
  runtimeModules: string;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * The part of a cold start the function's code controls: the time `require` of its bundle takes in a fresh Node.js
 * process, SDK clients it loads included (what the runtime's init phase spends before the handler runs). Runs one
 * process at a time, so runs do not compete with each other for the CPU.
 */
export interface LoadTime {
  /** Medians over the runs. */
  wallMs: number;
  cpuMs: number;
  runs: number;
}

export async function moduleLoadTime(bundleFile: string, options: LoadTimeOptions): Promise<LoadTime> {
  const runs: Array<{ wallMs: number; cpuMs: number }> = [];
  for (let i = 0; i < (options.runs ?? 9); i += 1) {
    const { stdout } = await run(process.execPath, ['-e', PROBE, path.resolve(bundleFile)], {
      cwd: path.dirname(bundleFile),
      env: { PATH: process.env.PATH, NODE_PATH: options.runtimeModules, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' },
    });
    runs.push(JSON.parse(stdout) as { wallMs: number; cpuMs: number });
  }
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)), runs: runs.length };
}
