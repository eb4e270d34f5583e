import { Cloud, type CloudActivity, type PutEventsEntry, type PutEventsResult, type SqsMessageAttribute } from '../cloud';
import { AwsError } from '../errors';
import { StepFunctionsService } from './service';

/**
 * Test support: a Cloud whose Lambda, EventBridge and SQS are in-memory fakes, and a Step Functions service
 * on it with helpers to create machines and wait for executions (polling: no test asserts on timing).
 */

export type FunctionHandler = (event: any) => unknown;

/** What a function throws becomes Lambda's error payload, as the Node.js runtime writes it. */
export class FunctionError extends Error {
  constructor(errorType: string, message: string) {
    super(message);
    this.name = errorType;
  }
}

export class Fakes {
  readonly functions = new Map<string, FunctionHandler>();
  readonly invocations: Array<{ functionName: string; event: any; async: boolean }> = [];
  readonly events: PutEventsEntry[] = [];
  /** What the service itself put (status-change events), parsed, in order. */
  readonly serviceEvents: Array<{ source: string; detailType: string; resources?: string[]; detail: any; eventBusName?: string }> = [];
  readonly messages: Array<{ queue: string; body: string; attributes?: Record<string, SqsMessageAttribute>; options?: object }> = [];
  /** Entries whose DetailType is listed here fail in PutEvents. */
  readonly failingDetailTypes = new Set<string>();
  readonly missingQueues = new Set<string>();

  wire(cloud: Cloud): void {
    cloud.lambda = {
      invoke: async (functionArnOrName, payload) => {
        const { name, handler } = this.function(functionArnOrName);
        const event = JSON.parse(payload);
        this.invocations.push({ functionName: name, event, async: false });
        try {
          return { payload: JSON.stringify((await handler(event)) ?? null) };
        } catch (error) {
          const { name: errorType, message } = error as Error;
          return { payload: JSON.stringify({ errorType, errorMessage: message, trace: [] }), functionError: 'Unhandled' };
        }
      },
      invokeAsync: async (functionArnOrName, payload) => {
        const { name } = this.function(functionArnOrName);
        this.invocations.push({ functionName: name, event: JSON.parse(payload), async: true });
      },
    };
    cloud.events = {
      putEvents: async (entries, options): Promise<PutEventsResult> => {
        if (options?.awsService) {
          for (const entry of entries) {
            this.serviceEvents.push({ source: entry.Source!, detailType: entry.DetailType!, resources: entry.Resources, detail: JSON.parse(entry.Detail!), eventBusName: entry.EventBusName });
          }
          return { Entries: entries.map((_, i) => ({ EventId: `service-event-${i}` })), FailedEntryCount: 0 };
        }
        const results = entries.map((entry) => {
          if (this.failingDetailTypes.has(entry.DetailType ?? '')) return { ErrorCode: 'InternalFailure', ErrorMessage: 'failed on purpose' };
          this.events.push(entry);
          return { EventId: `event-${this.events.length}` };
        });
        return { Entries: results, FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length };
      },
    };
    cloud.sqs = {
      sendMessage: async (queue, body, attributes, options) => {
        if (this.missingQueues.has(queue)) {
          throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue');
        }
        this.messages.push({ queue, body, attributes, options });
        return { MessageId: `message-${this.messages.length}` };
      },
    };
  }

  invocationsOf(functionName: string): any[] {
    return this.invocations.filter((invocation) => invocation.functionName === functionName).map((invocation) => invocation.event);
  }

  private function(functionArnOrName: string): { name: string; handler: FunctionHandler } {
    const name = functionArnOrName.split(':function:').pop()!.split(':')[0]!;
    const handler = this.functions.get(name);
    if (!handler) throw new AwsError('ResourceNotFoundException', `Function not found: ${functionArnOrName}`, 404);
    return { name, handler };
  }
}

export const functionArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

const services: StepFunctionsService[] = [];

/** For `afterEach`: stops the executions the test left running, and their timers. */
export function closeTestClouds(): void {
  for (const service of services.splice(0)) service.close();
}

export function testStepFunctions(timeScale = 0.001) {
  // The fixtures declare no roles or policies: IAM is off; its checks on Task calls are tested in iam/.
  const cloud = new Cloud({ timeScale, iam: false });
  const fakes = new Fakes();
  fakes.wire(cloud);
  const sfn = new StepFunctionsService(cloud);
  services.push(sfn);
  cloud.states = sfn;
  const activity: CloudActivity[] = [];
  cloud.monitor.on('activity', (entry: CloudActivity) => activity.push(entry));
  let machines = 0;

  const call = (operation: string, input: object): Promise<any> => sfn.dispatch(operation, input);

  return {
    cloud,
    sfn,
    fakes,
    activity,
    call,
    async createMachine(definition: object, options: { type?: 'STANDARD' | 'EXPRESS'; name?: string } = {}): Promise<string> {
      const { stateMachineArn } = await call('CreateStateMachine', {
        name: options.name ?? `machine-${++machines}`,
        definition: JSON.stringify(definition),
        roleArn: 'arn:aws:iam::000000000000:role/states',
        type: options.type,
      });
      return stateMachineArn;
    },
    async start(stateMachineArn: string, input: unknown = {}, name?: string): Promise<string> {
      const { executionArn } = await call('StartExecution', { stateMachineArn, input: JSON.stringify(input), name });
      return executionArn;
    },
    /** Polls until `check` holds (fails after 10 s of real time: the test is broken, not slow). */
    async until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what = 'condition'): Promise<T> {
      for (let tries = 0; tries < 2000; tries++) {
        const value = await check();
        if (value) return value;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    /** DescribeExecution once the execution closed. */
    async finished(executionArn: string): Promise<any> {
      return this.until(async () => {
        const execution = await call('DescribeExecution', { executionArn });
        return execution.status !== 'RUNNING' && execution;
      }, `${executionArn} to close`);
    },
    async history(executionArn: string): Promise<any[]> {
      return (await call('GetExecutionHistory', { executionArn, maxResults: 1000 })).events;
    },
    /** The token of the state's current waitForTaskToken task, once it waits. */
    async tokenOf(executionArn: string, stateName: string): Promise<string> {
      return this.until(() => {
        const run = sfn.getExecutionGraph(executionArn).states[stateName];
        return run?.status === 'WAITING' && run.taskToken;
      }, `${stateName} to wait for its token`);
    },
  };
}

export type TestStepFunctions = ReturnType<typeof testStepFunctions>;

export { awsErrorOf } from '../test-support';
