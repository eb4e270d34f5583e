import { Cloud, type CloudActivity, type SqsMessageAttribute } from '../cloud';
import { AwsError } from '../errors';
import type { ScheduleMode } from '../scheduler/schedule-clock';
import { EventBridgeService, type EventBridgeOptions } from './service';

/** Test support: a Cloud whose SQS, Lambda and Step Functions are in-memory fakes that fail on demand. */
export interface SentMessage {
  queueArn: string;
  body: string;
  attributes?: Record<string, SqsMessageAttribute>;
  messageGroupId?: string;
}

export class FakeTargets {
  readonly messages: SentMessage[] = [];
  readonly executions: Array<{ stateMachineArn: string; input?: string }> = [];
  /** Payloads accepted by the fake Lambda's asynchronous invoke. */
  readonly invocations: Array<{ functionArn: string; payload: string }> = [];
  /** Payloads whose function failed after an accepted async invoke: Lambda's own on-failure destination. */
  readonly functionFailures: Array<{ functionArn: string; payload: string }> = [];
  private readonly failures = new Map<string, Array<Error | 'always'>>();
  private readonly failingFunctions = new Set<string>();

  /** The next calls to `arn` throw these errors, in order; later calls succeed. */
  failNext(arn: string, ...errors: Error[]): void {
    this.failures.set(arn, [...(this.failures.get(arn) ?? []), ...errors]);
  }

  /** Every call to `arn` throws `error`. */
  failAlways(arn: string, error: Error): void {
    this.failures.set(arn, [error, 'always']);
  }

  /** The function accepts async invokes but its handler throws. */
  failFunction(functionArn: string): void {
    this.failingFunctions.add(functionArn);
  }

  messagesTo(queueArn: string): SentMessage[] {
    return this.messages.filter((message) => message.queueArn === queueArn);
  }

  bodiesTo(queueArn: string): unknown[] {
    return this.messagesTo(queueArn).map((message) => JSON.parse(message.body));
  }

  check(arn: string): void {
    const queue = this.failures.get(arn);
    const next = queue?.[0];
    if (!queue || !next || next === 'always') return;
    if (queue[1] !== 'always') queue.shift();
    throw next;
  }

  wire(cloud: Cloud): void {
    cloud.sqs = {
      sendMessage: async (queueArn, body, attributes, options) => {
        this.check(queueArn);
        this.messages.push({ queueArn, body, attributes, messageGroupId: options?.messageGroupId });
        return { MessageId: String(this.messages.length) };
      },
    };
    cloud.lambda = {
      invoke: async () => {
        throw new Error('not used by EventBridge');
      },
      invokeAsync: async (functionArn, payload) => {
        this.check(functionArn);
        this.invocations.push({ functionArn, payload });
        // Like Lambda: the invoke is accepted; a failing handler is Lambda's business from here on.
        if (this.failingFunctions.has(functionArn)) this.functionFailures.push({ functionArn, payload });
      },
    };
    cloud.states = {
      startExecution: async ({ stateMachineArn, input }) => {
        this.check(stateMachineArn);
        this.executions.push({ stateMachineArn, input });
        return { executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${this.executions.length}`, startDate: new Date() };
      },
    };
  }
}

export function testEventBridge(options: EventBridgeOptions & { timeScale?: number; schedules?: ScheduleMode } = {}) {
  // The fixtures declare no roles or policies: IAM is off; its checks on deliveries are tested in iam/.
  const cloud = new Cloud({ timeScale: options.timeScale ?? 0.0001, schedules: options.schedules, iam: false });
  const targets = new FakeTargets();
  targets.wire(cloud);
  const events = new EventBridgeService(cloud, options);
  cloud.events = events;
  const activity: CloudActivity[] = [];
  cloud.monitor.on('activity', (entry: CloudActivity) => activity.push(entry));
  const queue = (name: string) => cloud.arn('sqs', name);
  return { cloud, targets, events, activity, queue, ofType: (type: string) => activity.filter((entry) => entry.type === type) };
}

export const throttled = () => new AwsError('ThrottlingException', 'Rate exceeded');
export const missing = (what: string) => new AwsError('ResourceNotFoundException', `${what} does not exist`);

export { awsErrorOf } from '../test-support';
