import { randomUUID } from 'node:crypto';
import type { Cloud, LambdaApi, LambdaInvokeResult } from '../cloud';
import { AwsError } from '../errors';
import { accessDeniedError } from '../iam/access-denied';
import type { Caller } from '../iam/authorize';
import { AsyncInvocations } from './async-invocations';
import { FunctionConcurrency } from './concurrency';
import { FUNCTION_DEFAULTS, functionNameOf, type FunctionRegistration, type LambdaFunction } from './function-config';
import { unhandled, type LambdaInvoker } from './invoker';
import { checkVisibilityTimeout, POLLER_ACTIONS, SqsEventSourceMapping, type EventSourceMappingOptions, type SqsDispatch } from './sqs-event-source';

export interface LambdaServiceOptions {
  invoker: LambdaInvoker;
  /** Variables every function gets under its own (e.g. AWS_ENDPOINT_URL pointing at the emulator). */
  environment?: Record<string, string>;
  /** The SQS API event source mappings poll. */
  sqs?: SqsDispatch;
  /**
   * The credentials a function runs with, as Lambda hands them to it (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
   * AWS_SESSION_TOKEN): a session of its execution role. None for a function without a role.
   */
  credentials?: (fn: LambdaFunction) => Record<string, string>;
}

// Invoke payload quotas: 6 MB synchronous, 1 MB asynchronous (raised from 256 KB:
// https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb).
const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/**
 * AWS Lambda: a registry of functions, run by a pluggable invoker (in-process or serverless-offline), with
 * Lambda's synchronous and asynchronous invocation semantics, timeouts and SQS event source mappings.
 */
export class LambdaService implements LambdaApi {
  private readonly functions = new Map<string, LambdaFunction>();
  private readonly mappings = new Map<string, SqsEventSourceMapping>();
  private readonly asyncInvocations: AsyncInvocations;
  private readonly concurrency: FunctionConcurrency;

  constructor(
    private readonly cloud: Cloud,
    private readonly options: LambdaServiceOptions,
  ) {
    this.concurrency = new FunctionConcurrency(cloud);
    this.asyncInvocations = new AsyncInvocations(cloud, (fn, payload, requestId, attempt) => this.execute(fn, payload, requestId, 'Event', attempt));
  }

  registerFunction(registration: FunctionRegistration): LambdaFunction {
    const fn: LambdaFunction = {
      ...registration,
      arn: registration.arn ?? this.cloud.arn('lambda', `function:${registration.functionName}`),
      environment: { ...registration.environment },
      // Template values may be numbers or numeric strings.
      timeoutSeconds: Number(registration.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds),
      memorySizeMb: Number(registration.memorySizeMb ?? FUNCTION_DEFAULTS.memorySizeMb),
      ...(registration.reservedConcurrentExecutions !== undefined && { reservedConcurrentExecutions: Number(registration.reservedConcurrentExecutions) }),
      maximumRetryAttempts: Number(registration.maximumRetryAttempts ?? FUNCTION_DEFAULTS.maximumRetryAttempts),
      maximumEventAgeInSeconds: Number(registration.maximumEventAgeInSeconds ?? FUNCTION_DEFAULTS.maximumEventAgeInSeconds),
    };
    checkConfiguration(fn);
    this.functions.set(fn.functionName, fn);
    this.cloud.record({ service: 'lambda', type: 'function.registered', functionName: fn.functionName });
    return fn;
  }

  /** By name, `name:$LATEST`, or full or partial ARN; ResourceNotFoundException when unknown. */
  getFunction(identifier: string): LambdaFunction {
    const { name, qualifier } = functionNameOf(identifier);
    const fn = this.functions.get(name);
    if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) {
      const arn = identifier.startsWith('arn:') ? identifier : this.cloud.arn('lambda', `function:${identifier}`);
      throw new AwsError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
    }
    return fn;
  }

  listFunctions(): LambdaFunction[] {
    return [...this.functions.values()];
  }

  /** Synchronous (RequestResponse) invoke. */
  async invoke(identifier: string, payload: string, options: { requestId?: string } = {}): Promise<LambdaInvokeResult> {
    const fn = this.getFunction(identifier);
    return this.execute(fn, checkPayload(payload, MAX_SYNC_PAYLOAD_BYTES), options.requestId ?? randomUUID(), 'RequestResponse', 1);
  }

  /** Asynchronous (Event) invoke: queued, then run and retried with Lambda's semantics (see AsyncInvocations). */
  async invokeAsync(identifier: string, payload: string, options: { requestId?: string; caller?: Caller } = {}): Promise<void> {
    const fn = this.getFunction(identifier);
    // An unknown function is answered as such first; then its resource policy and the caller's decide (Lambda answers 403).
    if (options.caller) {
      const decision = this.cloud.iam.authorize({ caller: options.caller, action: 'lambda:InvokeFunction', resource: fn.arn });
      if (!decision.allowed) throw accessDeniedError(decision.message, 403);
    }
    this.asyncInvocations.enqueue(fn, checkPayload(payload, MAX_ASYNC_PAYLOAD_BYTES), options.requestId ?? randomUUID());
  }

  /** Resolves when every asynchronous invocation queued so far has reached its outcome (retries, destinations included). */
  asyncSettled(): Promise<void> {
    return this.asyncInvocations.settled();
  }

  async createEventSourceMapping(options: EventSourceMappingOptions): Promise<SqsEventSourceMapping> {
    const fn = this.getFunction(options.functionName);
    if (!this.options.sqs) throw new Error('LambdaService was created without an SQS API, so it cannot poll queues');
    await checkVisibilityTimeout(this.options.sqs, options.queueArn, fn.timeoutSeconds);
    this.checkPollerRole(fn, options.queueArn);
    const mapping = new SqsEventSourceMapping(this.cloud, this.options.sqs, (name, payload) => this.invoke(name, payload), {
      ...options,
      functionName: fn.functionName,
      roleArn: fn.roleArn,
    });
    this.mappings.set(mapping.uuid, mapping);
    this.cloud.record({ service: 'lambda', type: 'esm.created', uuid: mapping.uuid, functionName: fn.functionName, queueArn: options.queueArn });
    return mapping;
  }

  /**
   * CreateEventSourceMapping refuses a function whose role may not poll the queue, with this message
   * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions). A function registered with no
   * role (a test's: CloudFormation requires Role) is not checked.
   */
  private checkPollerRole(fn: LambdaFunction, queueArn: string): void {
    if (!fn.roleArn) return;
    for (const action of POLLER_ACTIONS) {
      const decision = this.cloud.iam.authorize({ caller: { kind: 'role', roleArn: fn.roleArn, sessionName: fn.functionName }, action, resource: queueArn });
      if (!decision.allowed) throw new AwsError('InvalidParameterValueException', `The provided execution role does not have permissions to call ${action.split(':')[1]} on SQS`);
    }
  }

  listEventSourceMappings(): SqsEventSourceMapping[] {
    return [...this.mappings.values()];
  }

  async deleteEventSourceMapping(uuid: string): Promise<void> {
    const mapping = this.mappings.get(uuid);
    if (!mapping) throw new AwsError('ResourceNotFoundException', `The resource you requested does not exist. (Service: Lambda; UUID: ${uuid})`, 404);
    this.mappings.delete(uuid);
    await mapping.stop();
  }

  /** Stops the pollers and ends retry waits; attempts under way finish. */
  async stop(): Promise<void> {
    await Promise.all([...this.mappings.values()].map((mapping) => mapping.stop()));
    await this.asyncInvocations.stop();
  }

  /**
   * One attempt of any invocation (sync Invoke, async retries, SQS mappings, Step Functions, HTTP APIs): admitted
   * first, so a throttle (TooManyRequestsException, 429) refuses it before the handler runs; each caller answers
   * that refusal as Lambda's own caller would.
   */
  private async execute(fn: LambdaFunction, payload: string, requestId: string, invocationType: 'RequestResponse' | 'Event', attempt: number): Promise<LambdaInvokeResult> {
    const refusal = this.cloud.faults.pick('lambda.before', faultSite(fn, requestId, invocationType), REFUSALS);
    if (refusal) throw new AwsError(refusal.name, refusal.message, refusal.statusCode);
    const release = this.concurrency.admit(fn, { functionName: fn.functionName, requestId, invocationType, attempt });
    try {
      return await this.run(fn, payload, requestId, invocationType, attempt);
    } finally {
      release();
    }
  }

  /**
   * The invoker runs the code; a run past the function's timeout fails as Lambda reports it
   * (`Sandbox.Timedout`: https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts).
   */
  private async run(fn: LambdaFunction, payload: string, requestId: string, invocationType: 'RequestResponse' | 'Event', attempt: number): Promise<LambdaInvokeResult> {
    const base = { service: 'lambda' as const, functionName: fn.functionName, requestId, invocationType, attempt };
    this.cloud.record({ ...base, type: 'invocation.started' });
    const startedAt = Date.now();
    const deadline = startedAt + fn.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<LambdaInvokeResult>((resolve) => {
      timer = setTimeout(() => {
        resolve({ payload: JSON.stringify(timedOutPayload(fn, requestId)), functionError: 'Unhandled' });
      }, fn.timeoutSeconds * 1000);
    });
    const running = this.options.invoker
      .invoke({ fn, payload, requestId, deadline, environment: this.environmentFor(fn), onLogLine: (line) => this.cloud.cloudwatch?.putLogLine(line) })
      .catch((error: unknown) => unhandled(error));
    let result = await Promise.race([running, timedOut]).finally(() => clearTimeout(timer));
    const lost = this.cloud.faults.pick('lambda.after', faultSite(fn, requestId, invocationType), LOST_OUTCOMES);
    if (lost) result = { payload: JSON.stringify(lost.payload(fn, requestId)), functionError: 'Unhandled' };
    const durationMs = Date.now() - startedAt;
    this.cloud.usage.lambdaInvoked(fn, durationMs);
    if (result.functionError) {
      const error = parseError(result.payload);
      this.cloud.record({ ...base, type: 'invocation.failed', errorType: error.errorType, errorMessage: error.errorMessage, durationMs });
    } else {
      this.cloud.record({ ...base, type: 'invocation.succeeded', durationMs });
    }
    return result;
  }

  /** Lambda's runtime variables, the service-wide ones, the function's own, then its role's credentials (reserved: a function cannot set them). */
  private environmentFor(fn: LambdaFunction): Record<string, string> {
    return {
      AWS_REGION: this.cloud.region,
      AWS_DEFAULT_REGION: this.cloud.region,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
      _HANDLER: fn.handler,
      ...this.options.environment,
      ...fn.environment,
      ...this.options.credentials?.(fn),
    };
  }
}

/** What Lambda answers for a function that ran past its timeout (the runtime's error payload). */
function timedOutPayload(fn: LambdaFunction, requestId: string) {
  return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds` };
}

/** Where a Lambda fault of the plan strikes: scoped by function name. */
function faultSite(fn: LambdaFunction, requestId: string, invocationType: string) {
  return { names: [fn.functionName], context: { functionName: fn.functionName, requestId, invocationType } };
}

/**
 * The fault plan's `lambda.before`: Lambda refuses the invocation before the handler runs, throttled
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html: 429 TooManyRequestsException) or with a
 * service error (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
const REFUSALS = [
  { name: 'TooManyRequestsException', statusCode: 429, message: 'Rate Exceeded.' },
  { name: 'ServiceException', statusCode: 500, message: 'Lambda was unable to process the request because of an internal error.' },
] as const;

/**
 * The fault plan's `lambda.after`: the handler ran to its end (its writes and calls happened), then the caller is
 * told it failed as Lambda reports a function that timed out or crashed: `Sandbox.Timedout`
 * (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts), the
 * runtime killed (`Runtime.ExitError`), or a timeout payload with no errorType, which Step Functions reports as
 * `Lambda.Unknown` (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
const LOST_OUTCOMES = [
  { name: 'Sandbox.Timedout', payload: timedOutPayload },
  {
    name: 'Runtime.ExitError',
    payload: (_fn: LambdaFunction, requestId: string) => ({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` }),
  },
  {
    name: 'Lambda.Unknown',
    payload: (fn: LambdaFunction, requestId: string) => ({ errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds` }),
  },
] as const;

/** The ranges CreateFunction, PutFunctionConcurrency and PutFunctionEventInvokeConfig accept (API reference of each). */
function checkConfiguration(fn: LambdaFunction): void {
  const ranges: Array<[string, number | undefined, number, number]> = [
    ['Timeout', fn.timeoutSeconds, 1, 900],
    ['MemorySize', fn.memorySizeMb, 128, 10_240],
    // At most the default account concurrency (1,000) less the 100 that must stay unreserved (PutFunctionConcurrency).
    ['ReservedConcurrentExecutions', fn.reservedConcurrentExecutions, 0, 900],
    ['MaximumRetryAttempts', fn.maximumRetryAttempts, 0, 2],
    ['MaximumEventAgeInSeconds', fn.maximumEventAgeInSeconds, 60, 21_600],
  ];
  for (const [name, value, min, max] of ranges) {
    if (value === undefined) continue;
    if (!(Number.isInteger(value) && value >= min && value <= max)) {
      throw new AwsError('InvalidParameterValueException', `${name} of function ${fn.functionName} must be an integer from ${min} to ${max}, not ${value}.`);
    }
  }
}

/** Lambda refuses a payload that is not JSON (an empty one is `{}`) or is over the quota. */
function checkPayload(payload: string, maxBytes: number): string {
  const text = payload === '' ? '{}' : payload;
  if (Buffer.byteLength(text) > maxBytes) {
    throw new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${maxBytes} bytes for the invoke operation`, 413);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new AwsError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`, 400);
  }
  return text;
}

function parseError(payload: string): { errorType?: string; errorMessage?: string } {
  try {
    return JSON.parse(payload) ?? {};
  } catch {
    return { errorMessage: payload };
  }
}
