import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Cloud, LambdaInvokeResult } from '../cloud';
import { AwsError } from '../errors';
import { requireAllowed } from '../iam/access-denied';
import type { ReceivedMessage } from '../sqs/model';
import { compileFilterCriteria, type FilterCriteria, type RecordFilter } from './filter-criteria';

/**
 * An SQS event source mapping: a poller that long-polls a queue, invokes the function synchronously with a
 * batch, deletes the messages of a successful batch and leaves a failed batch's messages to reappear after
 * the visibility timeout (so the queue's redrive policy decides when they reach its dead-letter queue).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html (partial batch responses)
 * Messages that match none of the mapping's FilterCriteria are deleted without invoking the function.
 */

export interface EventSourceMappingOptions {
  functionName: string;
  queueArn: string;
  /** 1 to 10 (up to 10,000 with a batching window of at least 1 second). Default 10. */
  batchSize?: number | string;
  /** 0 to 300 seconds. Default 0. */
  maximumBatchingWindowInSeconds?: number | string;
  /** `['ReportBatchItemFailures']` turns on partial batch responses. */
  functionResponseTypes?: string[];
  /** Only the messages matching one of these filters reach the function (filter-criteria.ts). */
  filterCriteria?: FilterCriteria;
  /** Default true (templates may give booleans as strings). */
  enabled?: boolean | string;
  /** The function's execution role, which the poller receives and deletes with (set by LambdaService). */
  roleArn?: string;
}

/** What Lambda's poller calls on the queue with the function's role (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions). */
export const POLLER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

/** The SQS API the poller calls (the JSON protocol's operations and shapes), as Lambda's pollers call SQS. */
export type SqsDispatch = (operation: string, input: Record<string, unknown>) => Promise<any>;


/**
 * CreateEventSourceMapping refuses a queue whose visibility timeout is shorter than the function's timeout, so that
 * a batch cannot reappear while the function still runs (with-sqs.html). A queue that does not exist (yet) is left
 * to the poller, which reports it.
 */
export async function checkVisibilityTimeout(sqs: SqsDispatch, queueArn: string, functionTimeoutSeconds: number): Promise<void> {
  const [, , , , owner, name] = queueArn.split(':');
  let queueUrl: string;
  try {
    queueUrl = (await sqs('GetQueueUrl', { QueueName: name, QueueOwnerAWSAccountId: owner })).QueueUrl;
  } catch (error) {
    if (error instanceof AwsError && error.code === 'QueueDoesNotExist') return;
    throw error;
  }
  const { Attributes } = await sqs('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout'] });
  const visibilityTimeout = Number(Attributes.VisibilityTimeout);
  if (visibilityTimeout < functionTimeoutSeconds) {
    throw new AwsError('InvalidParameterValueException', `Queue visibility timeout: ${visibilityTimeout} seconds is less than Function timeout: ${functionTimeoutSeconds} seconds`);
  }
}

const MAX_LONG_POLL_SECONDS = 20;
const RETRY_PAUSE_MS = 1000;

export class SqsEventSourceMapping {
  readonly uuid = randomUUID();
  readonly functionName: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly functionResponseTypes: string[];
  private readonly roleArn?: string;
  private readonly filter?: RecordFilter;
  private readonly stopping = new AbortController();
  /** Resolves when the mapping stops: ends a long poll under way. */
  private readonly stopped = new Promise<undefined>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
  private loop?: Promise<void>;

  constructor(
    private readonly cloud: Cloud,
    private readonly sqs: SqsDispatch,
    private readonly invoke: (functionName: string, payload: string) => Promise<LambdaInvokeResult>,
    options: EventSourceMappingOptions,
  ) {
    this.functionName = options.functionName;
    this.queueArn = options.queueArn;
    this.roleArn = options.roleArn;
    this.batchSize = Number(options.batchSize ?? 10);
    this.maximumBatchingWindowInSeconds = Number(options.maximumBatchingWindowInSeconds ?? 0);
    this.functionResponseTypes = options.functionResponseTypes ?? [];
    // https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize, MaximumBatchingWindowInSeconds)
    if (!(Number.isInteger(this.batchSize) && this.batchSize >= 1 && this.batchSize <= 10_000)) {
      throw new AwsError('InvalidParameterValueException', 'BatchSize must be from 1 to 10000 for an SQS event source.');
    }
    if (this.batchSize > 10 && this.maximumBatchingWindowInSeconds < 1) {
      throw new AwsError('InvalidParameterValueException', 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
    }
    if (!(this.maximumBatchingWindowInSeconds >= 0 && this.maximumBatchingWindowInSeconds <= 300)) {
      throw new AwsError('InvalidParameterValueException', 'MaximumBatchingWindowInSeconds must be from 0 to 300.');
    }
    this.filter = compileFilterCriteria(options.filterCriteria);
    if (String(options.enabled ?? true) !== 'false') this.loop = this.poll();
  }

  get state(): 'Enabled' | 'Disabled' {
    return this.loop && !this.stopping.signal.aborted ? 'Enabled' : 'Disabled';
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private get queueName(): string {
    return this.queueArn.split(':')[5] ?? '';
  }

  private async poll(): Promise<void> {
    let queueUrl: string | undefined;
    while (!this.stopping.signal.aborted) {
      try {
        queueUrl ??= (await this.sqs('GetQueueUrl', { QueueName: this.queueName, QueueOwnerAWSAccountId: this.queueArn.split(':')[4] })).QueueUrl as string;
        const batch = await this.collectBatch(queueUrl);
        if (batch.length > 0) await this.process(queueUrl, batch);
      } catch (error) {
        // e.g. the queue does not exist (yet, or any more): say so, look it up again after a pause.
        queueUrl = undefined;
        this.cloud.record({ service: 'lambda', type: 'esm.poll-failed', uuid: this.uuid, functionName: this.functionName, queue: this.queueName, error: String(error) });
        await delay(RETRY_PAUSE_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  /** A long poll, then more receives until the batch is full or the batching window has passed. */
  private async collectBatch(queueUrl: string): Promise<ReceivedMessage[]> {
    const batch = await this.receive(queueUrl, Math.min(10, this.batchSize), MAX_LONG_POLL_SECONDS);
    if (batch.length === 0) return batch;
    const windowEnd = Date.now() + this.maximumBatchingWindowInSeconds * 1000;
    while (batch.length < this.batchSize && Date.now() < windowEnd && !this.stopping.signal.aborted) {
      const waitSeconds = Math.min(MAX_LONG_POLL_SECONDS, Math.floor((windowEnd - Date.now()) / 1000));
      const more = await this.receive(queueUrl, Math.min(10, this.batchSize - batch.length), waitSeconds);
      batch.push(...more);
      if (more.length === 0 && waitSeconds === 0) await delay(Math.min(100, Math.max(0, windowEnd - Date.now())));
    }
    return batch;
  }

  private async receive(queueUrl: string, max: number, waitSeconds: number): Promise<ReceivedMessage[]> {
    // A role that loses the permission stops the poller's receives (each poll fails, and is tried again).
    if (this.roleArn) requireAllowed(this.cloud.iam, { caller: { kind: 'role', roleArn: this.roleArn, sessionName: this.functionName }, action: 'sqs:ReceiveMessage', resource: this.queueArn });
    const receiving = this.sqs('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    const answer = await Promise.race([receiving, this.stopped]);
    return (answer?.Messages as ReceivedMessage[] | undefined) ?? [];
  }

  private async process(queueUrl: string, received: ReceivedMessage[]): Promise<void> {
    const batch = await this.dropFilteredOut(queueUrl, received);
    if (batch.length === 0) return;
    const event = { Records: batch.map((message) => this.record(message)) };
    this.cloud.record({ service: 'lambda', type: 'esm.batch', uuid: this.uuid, functionName: this.functionName, queue: this.queueName, size: batch.length });
    let result: LambdaInvokeResult;
    try {
      result = await this.invoke(this.functionName, JSON.stringify(event));
    } catch (error) {
      // A throttled invoke leaves the batch in the queue: it comes back after the visibility timeout (with-sqs.html).
      if (error instanceof AwsError && error.statusCode === 429) {
        this.cloud.record({ service: 'lambda', type: 'esm.batch-throttled', uuid: this.uuid, functionName: this.functionName, queue: this.queueName, size: batch.length });
        return;
      }
      result = { payload: JSON.stringify({ errorMessage: String(error) }), functionError: 'Unhandled' };
    }
    const failed = result.functionError ? 'all' : this.failedItems(result.payload, batch);
    if (failed === 'all') {
      this.cloud.record({ service: 'lambda', type: 'esm.batch-failed', uuid: this.uuid, functionName: this.functionName, queue: this.queueName, size: batch.length });
      return;
    }
    const done = batch.filter((message) => !failed.has(message.MessageId));
    await this.deleteMessages(queueUrl, done);
    this.cloud.record({
      service: 'lambda',
      type: 'esm.batch-succeeded',
      uuid: this.uuid,
      functionName: this.functionName,
      queue: this.queueName,
      deleted: done.length,
      failed: [...failed],
    });
  }

  /** "If an Amazon SQS message doesn't satisfy your filter criteria, Lambda automatically removes the message from the queue." */
  private async dropFilteredOut(queueUrl: string, batch: ReceivedMessage[]): Promise<ReceivedMessage[]> {
    const filter = this.filter;
    if (!filter) return batch;
    const kept = batch.filter((message) => filter(this.record(message)));
    if (kept.length === batch.length) return batch;
    await this.deleteMessages(queueUrl, batch.filter((message) => !kept.includes(message)));
    this.cloud.record({ service: 'lambda', type: 'esm.filtered-out', uuid: this.uuid, functionName: this.functionName, queue: this.queueName, deleted: batch.length - kept.length });
    return kept;
  }

  private async deleteMessages(queueUrl: string, messages: ReceivedMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      await this.sqs('DeleteMessageBatch', {
        QueueUrl: queueUrl,
        Entries: messages.slice(start, start + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      });
    }
  }

  /**
   * With ReportBatchItemFailures, the message ids the function reported as failed. Per the documented rules:
   * an empty or null response or `batchItemFailures` list is a complete success; an invalid JSON response, or
   * an item whose itemIdentifier is empty, null, missing or not a message of the batch, is a complete failure.
   * Without ReportBatchItemFailures the response is ignored.
   */
  private failedItems(payload: string, batch: ReceivedMessage[]): Set<string> | 'all' {
    if (!this.functionResponseTypes.includes('ReportBatchItemFailures')) return new Set();
    let response: unknown;
    try {
      response = JSON.parse(payload);
    } catch {
      return 'all';
    }
    if (typeof response !== 'object' || response === null) return new Set();
    const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return 'all';
    const ids = new Set(batch.map((message) => message.MessageId));
    const failed = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !ids.has(id)) return 'all';
      failed.add(id);
    }
    return failed;
  }

  /** One record of Lambda's SQS event. */
  private record(message: ReceivedMessage) {
    const { ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, ...others } = message.Attributes ?? {};
    const messageAttributes = Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
          stringListValues: [],
          binaryListValues: [],
          dataType: value.DataType,
        },
      ]),
    );
    return {
      messageId: message.MessageId,
      receiptHandle: message.ReceiptHandle,
      body: message.Body,
      attributes: { ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, ...others },
      messageAttributes,
      ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
      md5OfBody: message.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: this.cloud.region,
    };
  }
}
