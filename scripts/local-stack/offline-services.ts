import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../package-services';

/** One service running under `sls offline start`. */
export interface OfflineService {
  service: string;
  servicePath: string;
  /** serverless-offline's own HTTP server for this service's routes. */
  httpPort: number;
  /** serverless-offline's Lambda Invoke endpoint, which the emulator's HttpInvoker calls. */
  lambdaPort: number;
  lambdaUrl: string;
  child?: ChildProcess;
}

/** Ports for each service: serverless-offline's defaults (3000, 3002) would collide with the stack's and each other's. */
export function planOfflineServices(servicePaths: string[], basePort: number): OfflineService[] {
  return servicePaths.map((servicePath, index) => {
    const lambdaPort = basePort + 2 * index + 1;
    return { service: path.basename(servicePath), servicePath, httpPort: basePort + 2 * index, lambdaPort, lambdaUrl: `http://127.0.0.1:${lambdaPort}` };
  });
}

const READY_LINE = /Server ready: /;
const SLS = path.join(REPO_ROOT, 'node_modules', '.bin', 'sls');

/**
 * Starts `sls offline start` in the service's folder and resolves once it serves (its "Server ready" line).
 * The child gets its own process group so that stopOffline takes its esbuild and worker processes down with it.
 * `env` must point AWS_ENDPOINT_URL at the emulator: the offline-environment plugin reads each function's resolved
 * environment from there. Each output line goes to `log` prefixed with the service name, and as it is to `onOutput`
 * (npm start forwards the functions' EMF lines to the emulator's CloudWatch). Node runs it with --enable-source-maps, which
 * its worker threads inherit (NODE_OPTIONS would not reach them: serverless offline gives each worker the function's
 * own environment), so a stack trace names the src/*.ts lines of the bundles' linked maps (services/esbuild.config.js).
 * `--noAuth`: serverless offline 14.8 cannot run the routes' JWT authorizer (without --ignoreJWTSignature it fails to
 * start, and with it it never checks a signature and compares the issuer with the template's unresolved
 * Fn::ImportValue). The emulator's base URL validates tokens as API Gateway does; on serverless offline's own port a
 * route gets no claims, so its function answers 401.
 */
export function startOffline(offline: OfflineService, env: NodeJS.ProcessEnv, log: (line: string) => void, onOutput?: (line: string) => void): Promise<void> {
  const child = spawn(process.execPath, ['--enable-source-maps', SLS, 'offline', 'start', '--noAuth', '--httpPort', String(offline.httpPort), '--lambdaPort', String(offline.lambdaPort)], {
    cwd: offline.servicePath,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  offline.child = child;
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    let ready = false;
    const onLine = (line: string) => {
      if (line.trim() === '') return;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(`[${offline.service}] ${line}`);
      onOutput?.(line);
      if (!ready && READY_LINE.test(line)) {
        ready = true;
        resolve();
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (buffered + chunk).split('\n');
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      offline.child = undefined;
      if (!ready) reject(new Error(`serverless offline for ${offline.service} exited (${signal ?? `code ${code}`}) before it was ready:\n${recent.join('\n')}`));
      else log(`[${offline.service}] serverless offline exited (${signal ?? `code ${code}`})`);
    });
  });
}

/** SIGTERM to the service's process group, SIGKILL if it is still there after `graceMs`. */
export async function stopOffline(offline: OfflineService, graceMs = 5_000): Promise<void> {
  const child = offline.child;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Whatever the group still holds (a bundler the CLI started) goes too.
  signalGroup(child.pid, 'SIGKILL');
}

/** Synchronous, for process 'exit': kills every group still running. */
export function killOfflineNow(services: OfflineService[]): void {
  for (const offline of services) if (offline.child?.pid) signalGroup(offline.child.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
