import { createHash, randomUUID } from 'node:crypto';
import type { Cloud, SqsApi, SqsMessageAttribute } from '../cloud';
import { requireAllowed } from '../iam/access-denied';
import type { Caller } from '../iam/authorize';
import { AwsError } from '../errors';
import { ALL_ATTRIBUTE_NAMES, COMPUTED_ATTRIBUTES, parseQueuePolicy, parseRedriveAllowPolicy, validateAttributes } from './attributes';
import {
  invalidAttributeName,
  invalidAttributeValue,
  invalidParameterValue,
  messageNotInflight,
  missingParameter,
  batchRequestTooLong,
  purgeQueueInProgress,
  queueDoesNotExist,
  queueNameExists,
  receiptHandleIsInvalid,
  resourceNotFound,
} from './errors';
import { md5Hex, md5OfAttributes } from './md5';
import { MessageMoveTasks, type MoveTask } from './message-move-tasks';
import { integerParameter, messageSize, validateBatchEntries, validateBody, validateMessageAttributes } from './message-validation';
import {
  MAX_MESSAGE_SIZE_BYTES,
  type BatchResultErrorEntry,
  type MessageAttributes,
  type ReceivedMessage,
  type ReceiveMessageInput,
  type SendMessageInput,
  type SendMessageOutput,
  type StoredMessage,
} from './model';
import { decodeReceiptHandle, Queue } from './queue';

export interface SqsServiceOptions {
  /** The endpoint's URL (`http://localhost:4566`): queue URLs are `<baseUrl>/<accountId>/<queueName>`. */
  baseUrl: string;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const PURGE_INTERVAL_MS = 60_000;
const MAX_LIST_RESULTS = 1000;
const MESSAGE_SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];

/**
 * Amazon SQS: queues, messages, visibility timeouts, long polling, FIFO ordering and deduplication,
 * redrive to dead-letter queues and DLQ redrive tasks. `dispatch` takes the JSON protocol's operations
 * and shapes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/).
 */
export class SqsService implements SqsApi {
  private readonly queues = new Map<string, Queue>();
  private readonly moveTasks = new MessageMoveTasks();
  private stopped = false;

  constructor(
    private readonly cloud: Cloud,
    private readonly options: SqsServiceOptions,
  ) {}

  dispatch(operation: string, input: any): Promise<unknown> {
    const handler = this.operations[operation];
    if (!handler) return Promise.reject(new AwsError('UnknownOperationException', `SQS operation ${operation} is not supported by the local emulator`));
    return Promise.resolve()
      .then(() => handler(input ?? {}))
      .then((output) => {
        this.meter(operation, input ?? {}, output);
        return output;
      });
  }

  /** `SqsApi` for the other services (EventBridge targets, Lambda destinations): by queue ARN, URL or name. */
  async sendMessage(
    queueArnOrUrl: string,
    body: string,
    attributes?: Record<string, SqsMessageAttribute>,
    options: { messageGroupId?: string; messageDeduplicationId?: string; delaySeconds?: number; caller?: Caller } = {},
  ): Promise<{ MessageId: string }> {
    const queue = this.resolveQueue(queueArnOrUrl);
    // A queue that does not exist is answered as such first; then its policy and the caller's decide.
    if (options.caller) requireAllowed(this.cloud.iam, { caller: options.caller, action: 'sqs:SendMessage', resource: queue.arn });
    const { MessageId } = this.send(queue, {
      QueueUrl: queue.url,
      MessageBody: body,
      MessageAttributes: attributes,
      MessageGroupId: options.messageGroupId,
      MessageDeduplicationId: options.messageDeduplicationId,
      DelaySeconds: options.delaySeconds,
    });
    this.cloud.usage.sqsRequest(queue.name, 'SendMessage', messageSize(body, attributes ?? {}));
    return { MessageId };
  }

  /**
   * A queue's API call for the usage meter: every action is a request, in 64 KB chunks of the payload it carries, sent
   * or received (https://aws.amazon.com/sqs/pricing/). Lambda's pollers are billed so too: their ReceiveMessage and
   * DeleteMessageBatch calls are the queue's requests (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
   */
  private meter(operation: string, input: { QueueUrl?: unknown; MessageBody?: unknown; MessageAttributes?: unknown; Entries?: unknown }, output: unknown): void {
    if (typeof input.QueueUrl !== 'string') return;
    const queue = input.QueueUrl.split('/').pop()!;
    const sized = (body: unknown, attributes: unknown) => (typeof body === 'string' ? messageSize(body, (attributes ?? {}) as MessageAttributes) : 0);
    let payload = 0;
    if (operation === 'SendMessage') payload = sized(input.MessageBody, input.MessageAttributes);
    if (operation === 'SendMessageBatch' && Array.isArray(input.Entries)) payload = input.Entries.reduce((sum: number, e: any) => sum + sized(e?.MessageBody, e?.MessageAttributes), 0);
    if (operation === 'ReceiveMessage') {
      const messages = (output as { Messages?: ReceivedMessage[] } | undefined)?.Messages ?? [];
      if (messages.length === 0) return this.cloud.usage.sqsRequest(queue, operation, 0, { empty: true });
      payload = messages.reduce((sum, m) => sum + sized(m.Body, m.MessageAttributes), 0);
    }
    this.cloud.usage.sqsRequest(queue, operation, payload);
  }

  /** Ends every long poll and move task (the emulator is stopping). */
  stop(): void {
    this.stopped = true;
    this.moveTasks.cancelAll();
    for (const queue of this.queues.values()) queue.notify();
  }

  /**
   * Every message a queue holds, as a ReceiveMessage of all attributes would show it, but without receiving it: no
   * receive count, visibility or receipt handle changes. For local tools (the dashboard) that must not consume a DLQ.
   */
  peekMessages(queueArnOrUrl: string): Array<Omit<ReceivedMessage, 'ReceiptHandle' | 'MD5OfMessageAttributes'>> {
    const queue = this.resolveQueue(queueArnOrUrl);
    return queue.peek().map((message) => {
      const { ReceiptHandle: _handle, MD5OfMessageAttributes: _md5, ...shown } = this.receivedMessage(queue, message, ['All'], ['All']);
      return shown;
    });
  }

  /**
   * Each queue's depth as the AWS/SQS gauges report it: messages visible, in flight, delayed, and the age of the
   * oldest message in seconds (0 for an empty queue), for the emulator's CloudWatch metrics.
   */
  queueGauges(now = Date.now()): Array<{ queueName: string; visible: number; notVisible: number; delayed: number; oldestAgeSeconds: number }> {
    return [...this.queues.values()].map((queue) => {
      const counts = queue.counts(now);
      const oldest = queue.peek(now).reduce((min, message) => Math.min(min, message.sentTimestamp), now);
      return { queueName: queue.name, visible: counts.visible, notVisible: counts.inFlight, delayed: counts.delayed, oldestAgeSeconds: Math.floor((now - oldest) / 1000) };
    });
  }

  queueArn(name: string): string {
    return this.cloud.arn('sqs', name);
  }

  private readonly operations: Record<string, (input: any) => unknown> = {
    CreateQueue: (input) => this.createQueue(input),
    GetQueueUrl: (input) => ({ QueueUrl: this.queueNamed(input.QueueName, input.QueueOwnerAWSAccountId).url }),
    ListQueues: (input) => this.listQueues(input),
    DeleteQueue: (input) => this.deleteQueue(input),
    GetQueueAttributes: (input) => this.getQueueAttributes(input),
    SetQueueAttributes: (input) => this.setQueueAttributes(input),
    PurgeQueue: (input) => this.purgeQueue(input),
    ListDeadLetterSourceQueues: (input) => this.listDeadLetterSourceQueues(input),
    TagQueue: (input) => void Object.assign(this.queueAt(input.QueueUrl).tags, input.Tags),
    UntagQueue: (input) => this.untagQueue(input),
    ListQueueTags: (input) => ({ Tags: { ...this.queueAt(input.QueueUrl).tags } }),
    SendMessage: (input) => this.send(this.queueAt(input.QueueUrl), input),
    SendMessageBatch: (input) => this.sendMessageBatch(input),
    ReceiveMessage: (input) => this.receiveMessage(input),
    DeleteMessage: (input) => this.deleteMessage(this.queueAt(input.QueueUrl), input.ReceiptHandle),
    DeleteMessageBatch: (input) => this.deleteMessageBatch(input),
    ChangeMessageVisibility: (input) => this.changeVisibility(this.queueAt(input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout),
    ChangeMessageVisibilityBatch: (input) => this.changeMessageVisibilityBatch(input),
    StartMessageMoveTask: (input) => this.startMessageMoveTask(input),
    ListMessageMoveTasks: (input) => this.listMessageMoveTasks(input),
    CancelMessageMoveTask: (input) => ({ ApproximateNumberOfMessagesMoved: this.moveTasks.cancel(String(input.TaskHandle)).approximateNumberOfMessagesMoved }),
  };

  // --- queues ---

  private createQueue(input: { QueueName?: string; Attributes?: Record<string, string>; tags?: Record<string, string> }): { QueueUrl: string } {
    const name = input.QueueName;
    if (!name) throw missingParameter('QueueName');
    const fifo = name.endsWith('.fifo');
    if (!(fifo ? FIFO_QUEUE_NAME : QUEUE_NAME).test(name)) {
      throw invalidParameterValue(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length (a FIFO queue name ends with the .fifo suffix).',
      );
    }
    const attributes = validateAttributes(input.Attributes, fifo);
    if ((attributes.FifoQueue === 'true') !== fifo) {
      throw invalidParameterValue('A FIFO queue needs the FifoQueue attribute set to true and a name ending with .fifo; a standard queue neither.');
    }
    const existing = this.queues.get(name);
    if (existing) {
      if (Object.entries(attributes).some(([key, value]) => existing.attributes[key] !== value)) throw queueNameExists(name);
      return { QueueUrl: existing.url };
    }
    const queue = new Queue(name, this.queueArn(name), `${this.options.baseUrl}/${this.cloud.accountId}/${name}`, attributes);
    this.checkRedrivePolicy(queue, attributes.RedrivePolicy);
    queue.tags = { ...input.tags };
    this.queues.set(name, queue);
    this.publishPolicy(queue);
    this.cloud.record({ service: 'sqs', type: 'queue.created', queue: name });
    return { QueueUrl: queue.url };
  }

  private listQueues(input: { QueueNamePrefix?: string; MaxResults?: number; NextToken?: string }): { QueueUrls?: string[]; NextToken?: string } {
    const prefix = input.QueueNamePrefix ?? '';
    const urls = [...this.queues.values()].filter((queue) => queue.name.startsWith(prefix)).map((queue) => queue.url).sort();
    const pageSize = integerParameter('MaxResults', input.MaxResults, 1, MAX_LIST_RESULTS, MAX_LIST_RESULTS);
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString()) || 0 : 0;
    const page = urls.slice(start, start + pageSize);
    const more = input.MaxResults !== undefined && start + pageSize < urls.length;
    return {
      ...(page.length > 0 ? { QueueUrls: page } : {}),
      ...(more ? { NextToken: Buffer.from(String(start + pageSize)).toString('base64') } : {}),
    };
  }

  private deleteQueue(input: { QueueUrl?: string }): void {
    const queue = this.queueAt(input.QueueUrl);
    this.queues.delete(queue.name);
    this.cloud.iam.policies.setResourcePolicy(queue.arn, undefined);
    queue.notify();
    this.cloud.record({ service: 'sqs', type: 'queue.deleted', queue: queue.name });
  }

  private getQueueAttributes(input: { QueueUrl?: string; AttributeNames?: string[] }): { Attributes?: Record<string, string> } {
    const queue = this.queueAt(input.QueueUrl);
    const requested = input.AttributeNames ?? [];
    for (const name of requested) if (name !== 'All' && !ALL_ATTRIBUTE_NAMES.has(name)) throw invalidAttributeName(name);
    const names = requested.includes('All') ? [...ALL_ATTRIBUTE_NAMES] : requested;
    const attributes: Record<string, string> = {};
    for (const name of names) {
      const value = this.attributeValue(queue, name);
      if (value !== undefined) attributes[name] = value;
    }
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  }

  private attributeValue(queue: Queue, name: string): string | undefined {
    if (!COMPUTED_ATTRIBUTES.includes(name)) return queue.attributes[name];
    const counts = queue.counts();
    const computed: Record<string, string> = {
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(queue.createdTimestamp),
      LastModifiedTimestamp: String(queue.lastModifiedTimestamp),
      QueueArn: queue.arn,
    };
    return computed[name];
  }

  private setQueueAttributes(input: { QueueUrl?: string; Attributes?: Record<string, string> }): void {
    const queue = this.queueAt(input.QueueUrl);
    const attributes = validateAttributes(input.Attributes, queue.fifo);
    if ('FifoQueue' in attributes && attributes.FifoQueue !== String(queue.fifo)) {
      throw invalidAttributeValue('FifoQueue', 'The queue type of an existing queue cannot be changed.');
    }
    if (attributes.RedrivePolicy) this.checkRedrivePolicy(queue, attributes.RedrivePolicy);
    for (const [name, value] of Object.entries(attributes)) {
      // An empty string removes a policy document (as SQS does for Policy, RedrivePolicy, RedriveAllowPolicy).
      if (value === '') delete queue.attributes[name];
      else queue.attributes[name] = value;
    }
    queue.lastModifiedTimestamp = Math.floor(Date.now() / 1000);
    if ('Policy' in attributes) this.publishPolicy(queue);
    queue.notify();
  }

  /** The queue's Policy is the resource policy IAM evaluates for requests on the queue. */
  private publishPolicy(queue: Queue): void {
    const policy = queue.attributes.Policy;
    this.cloud.iam.policies.setResourcePolicy(queue.arn, policy ? parseQueuePolicy(policy) : undefined);
  }

  /** The dead-letter queue must exist, be of the same type, and allow this queue by its RedriveAllowPolicy. */
  private checkRedrivePolicy(queue: Queue, redrivePolicy: string | undefined): void {
    if (!redrivePolicy) return;
    const { deadLetterTargetArn } = JSON.parse(redrivePolicy) as { deadLetterTargetArn: string };
    const deadLetterQueue = this.queueByArn(deadLetterTargetArn);
    if (!deadLetterQueue) throw invalidParameterValue(`Value ${redrivePolicy} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
    if (deadLetterQueue.fifo !== queue.fifo) {
      throw invalidParameterValue(`Value ${redrivePolicy} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.`);
    }
    const allowPolicy = deadLetterQueue.attributes.RedriveAllowPolicy;
    if (allowPolicy) {
      const allow = parseRedriveAllowPolicy(allowPolicy);
      if (allow.redrivePermission === 'denyAll' || (allow.redrivePermission === 'byQueue' && !allow.sourceQueueArns!.includes(queue.arn))) {
        throw invalidParameterValue(
          `Value ${redrivePolicy} for parameter RedrivePolicy is invalid. Reason: Queue ${queue.arn} is not allowed by the RedriveAllowPolicy of ${deadLetterTargetArn}.`,
        );
      }
    }
  }

  private purgeQueue(input: { QueueUrl?: string }): void {
    const queue = this.queueAt(input.QueueUrl);
    const now = Date.now();
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html: one purge per 60 seconds.
    if (queue.lastPurgeAt !== undefined && now - queue.lastPurgeAt < PURGE_INTERVAL_MS) throw purgeQueueInProgress(queue.name);
    queue.lastPurgeAt = now;
    const count = queue.purge();
    this.cloud.record({ service: 'sqs', type: 'queue.purged', queue: queue.name, count });
  }

  private listDeadLetterSourceQueues(input: { QueueUrl?: string }): { queueUrls: string[] } {
    const deadLetterQueue = this.queueAt(input.QueueUrl);
    const sources = [...this.queues.values()].filter((queue) => queue.redrivePolicy?.deadLetterTargetArn === deadLetterQueue.arn);
    return { queueUrls: sources.map((queue) => queue.url).sort() };
  }

  private untagQueue(input: { QueueUrl?: string; TagKeys?: string[] }): void {
    const queue = this.queueAt(input.QueueUrl);
    for (const key of input.TagKeys ?? []) delete queue.tags[key];
  }

  // --- sending ---

  private send(queue: Queue, input: Partial<SendMessageInput>): SendMessageOutput {
    const body = validateBody(input.MessageBody);
    const messageAttributes = validateMessageAttributes(input.MessageAttributes, 'user');
    const systemAttributes = validateMessageAttributes(input.MessageSystemAttributes, 'system');
    const limit = queue.numberAttribute('MaximumMessageSize');
    if (messageSize(body, messageAttributes) > limit) {
      throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);
    }
    const now = Date.now();
    let delaySeconds = queue.numberAttribute('DelaySeconds');
    if (input.DelaySeconds !== undefined && input.DelaySeconds !== null) {
      if (queue.fifo) throw invalidParameterValue(`Value ${input.DelaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
      delaySeconds = integerParameter('DelaySeconds', input.DelaySeconds, 0, 900, delaySeconds);
    }
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      messageAttributes,
      md5OfMessageAttributes: md5OfAttributes(messageAttributes),
      systemAttributes,
      md5OfSystemAttributes: md5OfAttributes(systemAttributes),
      senderId: this.cloud.accountId,
      sentTimestamp: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
      messageGroupId: input.MessageGroupId,
    };
    if (queue.fifo) {
      if (!input.MessageGroupId) throw missingParameter('MessageGroupId');
      const deduplicationId =
        input.MessageDeduplicationId ?? (queue.attributes.ContentBasedDeduplication === 'true' ? createHash('sha256').update(body).digest('hex') : undefined);
      if (!deduplicationId) {
        throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      const duplicate = queue.duplicateOf(deduplicationId);
      if (duplicate) return this.sendOutput({ ...message, messageId: duplicate.messageId, sequenceNumber: duplicate.sequenceNumber });
      message.messageDeduplicationId = deduplicationId;
    } else if (input.MessageDeduplicationId) {
      throw invalidParameterValue('The request include parameter MessageDeduplicationId that is not valid for this queue type');
    }
    queue.enqueue(message);
    queue.rememberDeduplicationId(message);
    this.cloud.record({ service: 'sqs', type: 'message.sent', queue: queue.name, messageId: message.messageId });
    return this.sendOutput(message);
  }

  private sendOutput(message: StoredMessage): SendMessageOutput {
    return {
      MessageId: message.messageId,
      MD5OfMessageBody: message.md5OfBody,
      ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
      ...(message.md5OfSystemAttributes ? { MD5OfMessageSystemAttributes: message.md5OfSystemAttributes } : {}),
      ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}),
    };
  }

  private sendMessageBatch(input: { QueueUrl?: string; Entries?: unknown }) {
    const queue = this.queueAt(input.QueueUrl);
    const entries = validateBatchEntries<Partial<SendMessageInput> & { Id: string }>(input.Entries);
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html: the sum of the messages is limited too.
    const total = entries.reduce((sum, entry) => sum + (typeof entry.MessageBody === 'string' ? messageSize(entry.MessageBody, entry.MessageAttributes ?? {}) : 0), 0);
    if (total > MAX_MESSAGE_SIZE_BYTES) throw batchRequestTooLong(MAX_MESSAGE_SIZE_BYTES);
    return this.batch(entries, (entry) => ({ Id: entry.Id, ...this.send(queue, entry) }));
  }

  // --- receiving ---

  private async receiveMessage(input: Partial<ReceiveMessageInput>): Promise<{ Messages?: ReceivedMessage[] }> {
    const queue = this.queueAt(input.QueueUrl);
    const max = integerParameter('MaxNumberOfMessages', input.MaxNumberOfMessages, 1, 10, 1);
    const visibilityTimeout = integerParameter('VisibilityTimeout', input.VisibilityTimeout, 0, 43_200, queue.numberAttribute('VisibilityTimeout'));
    const waitSeconds = integerParameter('WaitTimeSeconds', input.WaitTimeSeconds, 0, 20, queue.numberAttribute('ReceiveMessageWaitTimeSeconds'));
    const systemNames = [...(input.MessageSystemAttributeNames ?? []), ...(input.AttributeNames ?? [])];
    const deadline = Date.now() + waitSeconds * 1000;
    // Long polling: answer as soon as a message is there, or when the wait time is over.
    for (;;) {
      // A poll woken because the emulator stops or the queue was deleted ends empty-handed.
      if (this.stopped || this.queues.get(queue.name) !== queue) return {};
      const received = this.take(queue, max, visibilityTimeout);
      if (received.length > 0) {
        return { Messages: received.map((message) => this.receivedMessage(queue, message, systemNames, input.MessageAttributeNames ?? [])) };
      }
      const now = Date.now();
      if (now >= deadline) return {};
      await queue.changed(Math.min(deadline, queue.nextVisibleAt(now) ?? deadline) - now);
    }
  }

  /**
   * Receives up to `max` visible messages. A message already received maxReceiveCount times goes to the
   * dead-letter queue instead (SQS moves it on the receive that would exceed the count):
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
   */
  private take(queue: Queue, max: number, visibilityTimeout: number): StoredMessage[] {
    const received: StoredMessage[] = [];
    const policy = queue.redrivePolicy;
    const deadLetterQueue = policy ? this.queueByArn(policy.deadLetterTargetArn) : undefined;
    for (;;) {
      const candidates = queue.visibleMessages(max - received.length);
      let deadLettered = false;
      for (const message of candidates) {
        if (policy && deadLetterQueue && message.receiveCount >= policy.maxReceiveCount) {
          this.deadLetter(queue, message, deadLetterQueue);
          deadLettered = true;
          continue;
        }
        queue.markReceived(message, visibilityTimeout);
        received.push(message);
        this.cloud.record({ service: 'sqs', type: 'message.received', queue: queue.name, messageId: message.messageId, receiveCount: message.receiveCount });
      }
      if (!deadLettered || received.length >= max) return received;
    }
  }

  private deadLetter(source: Queue, message: StoredMessage, deadLetterQueue: Queue): void {
    this.transfer(source, message, deadLetterQueue, source.arn);
    this.cloud.record({
      service: 'sqs',
      type: 'message.dead-lettered',
      queue: source.name,
      deadLetterQueue: deadLetterQueue.name,
      messageId: message.messageId,
      receiveCount: message.receiveCount,
    });
  }

  private receivedMessage(queue: Queue, message: StoredMessage, systemNames: string[], attributeNames: string[]): ReceivedMessage {
    const system: Record<string, string | undefined> = {
      SenderId: message.senderId,
      SentTimestamp: String(message.sentTimestamp),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      SequenceNumber: message.sequenceNumber,
      MessageDeduplicationId: message.messageDeduplicationId,
      MessageGroupId: message.messageGroupId,
      AWSTraceHeader: message.systemAttributes.AWSTraceHeader?.StringValue,
      DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn,
    };
    const wantedSystem = systemNames.includes('All') ? MESSAGE_SYSTEM_ATTRIBUTES : systemNames;
    const attributes: Record<string, string> = {};
    for (const name of wantedSystem) if (system[name] !== undefined) attributes[name] = system[name]!;
    const messageAttributes = selectAttributes(message.messageAttributes, attributeNames);
    const md5OfMessageAttributes = md5OfAttributes(messageAttributes);
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle!,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(md5OfMessageAttributes ? { MD5OfMessageAttributes: md5OfMessageAttributes, MessageAttributes: messageAttributes } : {}),
    };
  }

  // --- after receiving ---

  /**
   * Deletes the message the handle was issued for. A handle from an earlier receive of a message that was
   * received again since is accepted but deletes nothing, as SQS documents ("the request succeeds, but the
   * message might not be deleted"): https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
   */
  private deleteMessage(queue: Queue, receiptHandle: unknown): void {
    const message = this.messageFor(queue, receiptHandle);
    if (!message || message.receiptHandle !== receiptHandle) return;
    // A standard queue delivers at least once: a copy on a server that missed the delete is received again
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues-at-least-once-delivery.html).
    const site = { names: [queue.name], context: { queue: queue.name, messageId: message.messageId } };
    if (!queue.fifo && this.cloud.faults.strikes('duplicate', site, 'sqs-copy')) {
      queue.setVisibleAt(message, Date.now());
      return;
    }
    queue.remove(message);
    this.cloud.record({ service: 'sqs', type: 'message.deleted', queue: queue.name, messageId: message.messageId });
  }

  private deleteMessageBatch(input: { QueueUrl?: string; Entries?: unknown }) {
    const queue = this.queueAt(input.QueueUrl);
    const entries = validateBatchEntries<{ Id: string; ReceiptHandle?: string }>(input.Entries);
    return this.batch(entries, (entry) => {
      this.deleteMessage(queue, entry.ReceiptHandle);
      return { Id: entry.Id };
    });
  }

  private changeVisibility(queue: Queue, receiptHandle: unknown, visibilityTimeout: unknown): void {
    if (visibilityTimeout === undefined || visibilityTimeout === null) throw missingParameter('VisibilityTimeout');
    const seconds = integerParameter('VisibilityTimeout', visibilityTimeout, 0, 43_200, 0);
    const message = this.messageFor(queue, receiptHandle);
    const now = Date.now();
    if (!message || message.receiptHandle !== receiptHandle || message.visibleAt <= now) throw messageNotInflight();
    queue.setVisibleAt(message, now + seconds * 1000);
  }

  private changeMessageVisibilityBatch(input: { QueueUrl?: string; Entries?: unknown }) {
    const queue = this.queueAt(input.QueueUrl);
    const entries = validateBatchEntries<{ Id: string; ReceiptHandle?: string; VisibilityTimeout?: number }>(input.Entries);
    return this.batch(entries, (entry) => {
      this.changeVisibility(queue, entry.ReceiptHandle, entry.VisibilityTimeout);
      return { Id: entry.Id };
    });
  }

  private messageFor(queue: Queue, receiptHandle: unknown): StoredMessage | undefined {
    if (typeof receiptHandle !== 'string' || receiptHandle === '') throw missingParameter('ReceiptHandle');
    const decoded = decodeReceiptHandle(receiptHandle);
    if (!decoded || decoded.queueName !== queue.name) throw receiptHandleIsInvalid(receiptHandle);
    return queue.find(decoded.messageId);
  }

  /** Runs each entry; an entry's AwsError becomes its Failed entry (the batch itself succeeds). */
  private batch<T extends { Id: string }, R>(entries: T[], run: (entry: T) => R): { Successful: R[]; Failed: BatchResultErrorEntry[] } {
    const Successful: R[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      try {
        Successful.push(run(entry));
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        Failed.push({ Id: entry.Id, SenderFault: error.statusCode < 500, Code: error.code, Message: error.message });
      }
    }
    return { Successful, Failed };
  }

  // --- dead-letter queue redrive ---

  private startMessageMoveTask(input: { SourceArn?: string; DestinationArn?: string; MaxNumberOfMessagesPerSecond?: number }): { TaskHandle: string } {
    if (!input.SourceArn) throw missingParameter('SourceArn');
    const source = this.queueByArn(input.SourceArn);
    if (!source) throw resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
    const isDeadLetterQueue = [...this.queues.values()].some((queue) => queue.redrivePolicy?.deadLetterTargetArn === source.arn);
    if (!isDeadLetterQueue) throw invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    const destination = input.DestinationArn ? this.queueByArn(input.DestinationArn) : undefined;
    if (input.DestinationArn && !destination) throw resourceNotFound('The resource that you specified for the DestinationArn parameter doesn\'t exist.');
    const messageIds = source.visibleMessages(Number.MAX_SAFE_INTEGER).map((message) => message.messageId);
    const task = this.moveTasks.start(source.arn, input.DestinationArn, input.MaxNumberOfMessagesPerSecond, {
      messageIds,
      move: (messageId) => this.moveMessage(source, messageId, destination),
    });
    return { TaskHandle: task.taskHandle };
  }

  private moveMessage(source: Queue, messageId: string, destination: Queue | undefined): boolean {
    const message = source.find(messageId);
    if (!message || message.visibleAt > Date.now() || !this.queues.has(source.name)) return false;
    const target = destination ?? (message.deadLetterQueueSourceArn ? this.queueByArn(message.deadLetterQueueSourceArn) : undefined);
    if (!target) {
      throw new Error(`message ${messageId} was not dead-lettered from an existing queue, so it has no source queue to return to: give a DestinationArn`);
    }
    this.transfer(source, message, target, undefined);
    this.cloud.record({ service: 'sqs', type: 'message.moved', queue: source.name, destinationQueue: target.name, messageId });
    return true;
  }

  /**
   * Moves a message to another queue as a fresh delivery (visible, never received), keeping its id, body and
   * attributes. A standard queue keeps the original send time, a FIFO queue restarts it:
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
   */
  private transfer(source: Queue, message: StoredMessage, target: Queue, deadLetterQueueSourceArn: string | undefined): void {
    source.remove(message);
    const now = Date.now();
    target.enqueue({
      ...message,
      sentTimestamp: target.fifo ? now : message.sentTimestamp,
      visibleAt: now,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiptHandle: undefined,
      deadLetterQueueSourceArn,
    });
  }

  private listMessageMoveTasks(input: { SourceArn?: string; MaxResults?: number }) {
    if (!input.SourceArn) throw missingParameter('SourceArn');
    if (!this.queueByArn(input.SourceArn)) throw resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
    return { Results: this.moveTasks.list(input.SourceArn, input.MaxResults ?? 1).map(moveTaskEntry) };
  }

  // --- finding queues ---

  private queueNamed(name: unknown, accountId?: string): Queue {
    if (typeof name !== 'string' || name === '') throw missingParameter('QueueName');
    const queue = this.queues.get(name);
    if (!queue || (accountId && accountId !== this.cloud.accountId)) throw queueDoesNotExist();
    return queue;
  }

  /** The queue at a queue URL (`http://host:port/<accountId>/<name>`, any host, as clients may use another name for it). */
  private queueAt(queueUrl: unknown): Queue {
    if (typeof queueUrl !== 'string' || queueUrl === '') throw missingParameter('QueueUrl');
    const [accountId, name, ...rest] = urlPath(queueUrl);
    if (!name || rest.length > 0 || accountId !== this.cloud.accountId) throw queueDoesNotExist();
    const queue = this.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  private queueByArn(arn: string): Queue | undefined {
    const queue = this.queues.get(arn.split(':')[5] ?? '');
    return queue?.arn === arn ? queue : undefined;
  }

  private resolveQueue(queueArnOrUrl: string): Queue {
    if (queueArnOrUrl.startsWith('arn:')) {
      const queue = this.queueByArn(queueArnOrUrl);
      if (!queue) throw queueDoesNotExist();
      return queue;
    }
    return /^https?:\/\//.test(queueArnOrUrl) ? this.queueAt(queueArnOrUrl) : this.queueNamed(queueArnOrUrl);
  }
}

function urlPath(url: string): string[] {
  try {
    return new URL(url).pathname.split('/').filter(Boolean);
  } catch {
    return [];
  }
}

/** Message attributes a receiver asked for: names, `All`, `.*`, or prefixes such as `order.*`. */
function selectAttributes(attributes: MessageAttributes, names: string[]): MessageAttributes {
  const selected: MessageAttributes = {};
  const all = names.includes('All') || names.includes('.*');
  const prefixes = names.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1));
  for (const [name, value] of Object.entries(attributes)) {
    if (all || names.includes(name) || prefixes.some((prefix) => name.startsWith(prefix))) selected[name] = value;
  }
  return selected;
}

function moveTaskEntry(task: MoveTask) {
  return {
    ...(task.status === 'RUNNING' ? { TaskHandle: task.taskHandle } : {}),
    Status: task.status,
    SourceArn: task.sourceArn,
    ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
    ...(task.maxNumberOfMessagesPerSecond ? { MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond } : {}),
    ApproximateNumberOfMessagesMoved: task.approximateNumberOfMessagesMoved,
    ApproximateNumberOfMessagesToMove: task.approximateNumberOfMessagesToMove,
    ...(task.failureReason ? { FailureReason: task.failureReason } : {}),
    StartedTimestamp: task.startedTimestamp,
  };
}
