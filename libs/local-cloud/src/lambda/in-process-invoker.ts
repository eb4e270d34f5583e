import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LambdaInvokeResult } from '../cloud';
import type { LambdaFunction } from './function-config';
import { runWithEnvironment } from './invocation-environment';
import { unhandled, type InvocationRequest, type LambdaInvoker } from './invoker';
import { runCapturingLogLines } from './log-capture';

type Handler = (event: unknown, context: LambdaContext, callback?: (error?: unknown, result?: unknown) => void) => unknown;

/** The parts of the Node.js runtime's context object handlers use (Powertools reads these too). */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

const MODULE_EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs', '.mts', '.cts'];

/**
 * Set for every function run here. The X-Ray SDK (under Powertools Tracer) in its default automatic mode installs a
 * process-wide async hook (cls-hooked, with a destroy hook on every promise) as soon as it is imported. On Lambda each
 * function has a process of its own; here every function and the emulator share this one, and the hook taxed every
 * promise of them all (a quarter of the CPU an order took). Tracing is off outside Lambda (Powertools traces only where
 * AWS_EXECUTION_ENV is set, see libs/service-kit/src/tracing.ts), so manual mode changes nothing a function does.
 * https://docs.aws.amazon.com/xray-sdk-for-nodejs/latest/reference ("Automatic and manual mode")
 */
const SHARED_PROCESS_ENVIRONMENT = { AWS_XRAY_MANUAL_MODE: 'true' };

/**
 * Runs handlers inside this process: requires `<servicePath>/<handler module>` and calls the export with
 * `(event, context)`, or `(event, context, callback)` for a callback-style handler. TypeScript handlers are
 * compiled by the loader the emulator runs under: jest's transform in tests, tsx for the CLI
 * (`npx tsx libs/local-cloud/bin/local-cloud.ts`), whose require hook covers modules required at run time.
 * Environment variables: see invocation-environment.ts.
 */
export class InProcessInvoker implements LambdaInvoker {
  private readonly handlers = new Map<string, Handler>();
  /**
   * A function's log stream, by function name. Its code here is loaded once and its module state shared by all its
   * invocations, as in one warm execution environment, and like one it writes to one log stream: "Each instance of a
   * Lambda function has a dedicated log stream", named `YYYY/MM/DD/[version]<environment GUID>`
   * (https://docs.aws.amazon.com/lambda/latest/operatorguide/log-structure.html).
   */
  private readonly logStreams = new Map<string, string>();

  invoke(request: InvocationRequest): Promise<LambdaInvokeResult> {
    const run = () => this.run(request);
    return runWithEnvironment([SHARED_PROCESS_ENVIRONMENT, request.environment], () => (request.onLogLine ? runCapturingLogLines(request.onLogLine, run) : run()));
  }

  private async run(request: InvocationRequest): Promise<LambdaInvokeResult> {
    let handler: Handler;
    try {
      handler = this.load(request.fn);
    } catch (error) {
      return unhandled(error);
    }
    try {
      const result = await callHandler(handler, JSON.parse(request.payload), contextFor(request, this.logStreamOf(request.fn)));
      return { payload: JSON.stringify(result ?? null) };
    } catch (error) {
      return unhandled(error);
    }
  }

  private logStreamOf(fn: LambdaFunction): string {
    let name = this.logStreams.get(fn.functionName);
    if (!name) {
      const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
      name = `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
      this.logStreams.set(fn.functionName, name);
    }
    return name;
  }

  private load(fn: LambdaFunction): Handler {
    const key = `${fn.servicePath}\0${fn.handler}`;
    const cached = this.handlers.get(key);
    if (cached) return cached;
    const dot = fn.handler.lastIndexOf('.');
    const modulePath = path.resolve(fn.servicePath, fn.handler.slice(0, dot));
    const exportName = fn.handler.slice(dot + 1);
    const file = ['', ...MODULE_EXTENSIONS].map((extension) => modulePath + extension).find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
    if (dot < 1 || !file) throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${fn.handler.slice(0, dot)}' in ${fn.servicePath}`);
    const handler = (require(file) as Record<string, unknown>)[exportName];
    if (typeof handler !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${path.basename(modulePath)}.${exportName} is undefined or not exported`);
    this.handlers.set(key, handler as Handler);
    return handler as Handler;
  }
}

function callHandler(handler: Handler, event: unknown, context: LambdaContext): Promise<unknown> {
  if (handler.length < 3) return Promise.resolve().then(() => handler(event, context));
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error, result) => (error ? reject(error) : resolve(result)));
    if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
  });
}

function contextFor({ fn, requestId, deadline }: InvocationRequest, logStreamName: string): LambdaContext {
  return {
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memorySizeMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function runtimeError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
