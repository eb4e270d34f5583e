import { createHash, randomUUID } from 'node:crypto';
import type { Cloud, SnsApi, SqsMessageAttribute } from '../cloud';
import { AwsError } from '../errors';
import type { Caller } from '../iam/authorize';
import { compilePattern, InvalidEventPatternError, type EventMatcher } from '../eventbridge/pattern';
import { lambdaEvent, notificationEnvelope, type MessageAttributes, type Notification } from './messages';

/**
 * Amazon SNS: topics (standard and FIFO), subscriptions and Publish, delivering to SQS queues (the notification
 * envelope, or the bare message with RawMessageDelivery), Lambda functions (an asynchronous invoke with the SNS event)
 * and e-mail (captured, never sent; `GET /_local/sns/emails`). E-mail subscriptions are confirmed at once locally: AWS
 * would first mail a confirmation link. HTTP(S), SMS, mobile push and Firehose endpoints are not emulated.
 * https://docs.aws.amazon.com/sns/latest/api/
 */

export interface SentSnsEmail {
  messageId: string;
  /** ISO-8601 time of the delivery. */
  time: string;
  topicArn: string;
  subscriptionArn: string;
  protocol: 'email' | 'email-json';
  from: string;
  to: string;
  subject: string;
  body: string;
}

export interface SnsEmailFilter {
  to?: string;
  topicArn?: string;
  /** A substring of the subject. */
  subject?: string;
}

interface Topic {
  name: string;
  arn: string;
  fifo: boolean;
  attributes: Record<string, string>;
  tags: Array<{ Key: string; Value: string }>;
  /** FIFO deduplication ids seen in the last 5 minutes: id → [message id, expiry]. */
  deduplication: Map<string, [string, number]>;
  sequence: bigint;
}

interface Subscription {
  arn: string;
  topicArn: string;
  protocol: Protocol;
  endpoint: string;
  attributes: Record<string, string>;
  filter?: EventMatcher;
}

const PROTOCOLS = ['sqs', 'lambda', 'email', 'email-json'] as const;
type Protocol = (typeof PROTOCOLS)[number];
const NOT_EMULATED_PROTOCOLS = ['http', 'https', 'sms', 'application', 'firehose'];
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
/** https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: 256 KiB, message and attributes together. */
const MAX_MESSAGE_BYTES = 262_144;
const MAX_SUBJECT_LENGTH = 100;
const MAX_MESSAGE_ATTRIBUTES = 10;
const MAX_BATCH_ENTRIES = 10;
const PAGE_SIZE = 100;
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;
const TOPIC_ATTRIBUTES = ['DisplayName', 'Policy', 'DeliveryPolicy', 'KmsMasterKeyId', 'TracingConfig', 'SignatureVersion', 'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope'];
const SUBSCRIPTION_ATTRIBUTES = ['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy'];

const invalidParameter = (message: string) => new AwsError('InvalidParameter', message, 400);
const notFound = (message: string) => new AwsError('NotFound', message, 404);

export class SnsService implements SnsApi {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly emails: SentSnsEmail[] = [];
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly cloud: Cloud,
    /** The emulator's endpoint, for the UnsubscribeURL and SigningCertURL of notifications. */
    private readonly endpoint: string,
  ) {}

  dispatch(operation: string, input: any): Promise<unknown> {
    const handler = this.operations[operation];
    if (!handler) return Promise.reject(new AwsError('InvalidAction', `SNS operation ${operation} is not supported by the local emulator`, 400));
    return Promise.resolve().then(() => handler(input ?? {}));
  }

  /** `SnsApi`, for CloudWatch alarm actions. */
  async publish(input: { topicArn: string; message: string; subject?: string }): Promise<{ MessageId: string }> {
    const { MessageId } = this.publishOne({ TopicArn: input.topicArn, Message: input.message, Subject: input.subject });
    return { MessageId };
  }

  /** Resolves once every delivery started so far has ended. */
  async settled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  /** The captured e-mails, oldest first. */
  listEmails(filter: SnsEmailFilter = {}): SentSnsEmail[] {
    return this.emails.filter(
      (email) =>
        (filter.to === undefined || email.to.toLowerCase() === filter.to.toLowerCase()) &&
        (filter.topicArn === undefined || email.topicArn === filter.topicArn) &&
        (filter.subject === undefined || email.subject.includes(filter.subject)),
    );
  }

  clearEmails(): void {
    this.emails.length = 0;
  }

  private readonly operations: Record<string, (input: any) => unknown> = {
    CreateTopic: (input) => this.createTopic(input),
    DeleteTopic: (input) => this.deleteTopic(input),
    ListTopics: (input) => this.listTopics(input),
    GetTopicAttributes: (input) => ({ Attributes: this.topicAttributes(this.topicAt(input.TopicArn)) }),
    SetTopicAttributes: (input) => this.setTopicAttributes(input),
    Subscribe: (input) => this.subscribe(input),
    Unsubscribe: (input) => this.unsubscribe(input),
    ListSubscriptions: (input) => this.listSubscriptions([...this.subscriptions.values()], input.NextToken),
    ListSubscriptionsByTopic: (input) => this.listSubscriptions(this.subscriptionsOf(this.topicAt(input.TopicArn).arn), input.NextToken),
    GetSubscriptionAttributes: (input) => ({ Attributes: this.subscriptionAttributes(this.subscriptionAt(input.SubscriptionArn)) }),
    SetSubscriptionAttributes: (input) => this.setSubscriptionAttributes(input),
    Publish: (input) => this.publishOne(input),
    PublishBatch: (input) => this.publishBatch(input),
    ListTagsForResource: (input) => ({ Tags: this.topicAt(input.ResourceArn).tags }),
  };

  // --- topics ---

  private createTopic(input: { Name?: unknown; Attributes?: Record<string, string>; Tags?: Array<{ Key: string; Value: string }> }): { TopicArn: string } {
    const name = requiredString('Name', input.Name);
    const attributes = { ...(input.Attributes ?? {}) };
    const fifo = attributes.FifoTopic === 'true';
    if (!(fifo ? FIFO_TOPIC_NAME : TOPIC_NAME).test(name) || name.endsWith('.fifo') !== fifo) {
      throw invalidParameter(
        'Invalid parameter: Topic Name: 1 to 256 alphanumeric characters, hyphens and underscores; a FIFO topic (attribute FifoTopic "true") ends with .fifo, a standard one does not.',
      );
    }
    delete attributes.FifoTopic;
    for (const key of Object.keys(attributes)) if (!TOPIC_ATTRIBUTES.includes(key)) throw invalidParameter(`Invalid parameter: Attributes Reason: Unknown attribute ${key}`);
    const arn = this.cloud.arn('sns', name);
    const existing = this.topics.get(arn);
    if (existing) {
      // CreateTopic is idempotent for the same attributes (API_CreateTopic).
      if (Object.entries(attributes).some(([key, value]) => existing.attributes[key] !== value)) {
        throw invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
      }
      return { TopicArn: arn };
    }
    this.topics.set(arn, { name, arn, fifo, attributes, tags: input.Tags ?? [], deduplication: new Map(), sequence: 0n });
    this.cloud.record({ service: 'sns', type: 'topic.created', topicArn: arn });
    return { TopicArn: arn };
  }

  /** Deleting a topic that does not exist is not an error (API_DeleteTopic); its subscriptions go with it. */
  private deleteTopic(input: { TopicArn?: unknown }): void {
    const arn = requiredString('TopicArn', input.TopicArn);
    if (!this.topics.delete(arn)) return;
    for (const subscription of this.subscriptionsOf(arn)) this.subscriptions.delete(subscription.arn);
    this.cloud.record({ service: 'sns', type: 'topic.deleted', topicArn: arn });
  }

  private listTopics(input: { NextToken?: unknown }) {
    const arns = [...this.topics.keys()].sort();
    const { page, nextToken } = paginate(arns, input.NextToken);
    return { Topics: page.map((TopicArn) => ({ TopicArn })), ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  private topicAttributes(topic: Topic): Record<string, string> {
    const subscriptions = this.subscriptionsOf(topic.arn).length;
    return {
      TopicArn: topic.arn,
      Owner: this.cloud.accountId,
      Policy: JSON.stringify(defaultTopicPolicy(topic.arn, this.cloud.accountId)),
      DisplayName: '',
      SubscriptionsPending: '0',
      SubscriptionsConfirmed: String(subscriptions),
      SubscriptionsDeleted: '0',
      ...(topic.fifo ? { FifoTopic: 'true', ContentBasedDeduplication: 'false' } : {}),
      ...topic.attributes,
    };
  }

  private setTopicAttributes(input: { TopicArn?: unknown; AttributeName?: unknown; AttributeValue?: unknown }): void {
    const topic = this.topicAt(input.TopicArn);
    const name = requiredString('AttributeName', input.AttributeName);
    if (!TOPIC_ATTRIBUTES.includes(name)) throw invalidParameter(`Invalid parameter: AttributeName ${name} cannot be set (FifoTopic is fixed when the topic is created)`);
    topic.attributes[name] = typeof input.AttributeValue === 'string' ? input.AttributeValue : '';
  }

  // --- subscriptions ---

  private subscribe(input: { TopicArn?: unknown; Protocol?: unknown; Endpoint?: unknown; Attributes?: Record<string, string> }): { SubscriptionArn: string } {
    const topic = this.topicAt(input.TopicArn);
    const protocol = requiredString('Protocol', input.Protocol);
    if (NOT_EMULATED_PROTOCOLS.includes(protocol)) throw invalidParameter(`Invalid parameter: Protocol ${protocol} is not emulated locally (only ${PROTOCOLS.join(', ')})`);
    if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
    const endpoint = requiredString('Endpoint', input.Endpoint);
    checkEndpoint(protocol as Protocol, endpoint);
    const attributes = this.checkedSubscriptionAttributes(input.Attributes ?? {});
    if (topic.fifo && protocol !== 'sqs') throw invalidParameter(`Invalid parameter: Endpoint Reason: FIFO topics only deliver to SQS queues, not ${protocol}`);
    const existing = this.subscriptionsOf(topic.arn).find((subscription) => subscription.protocol === protocol && subscription.endpoint === endpoint);
    if (existing) {
      if (Object.entries(attributes).some(([key, value]) => existing.attributes[key] !== value)) throw invalidParameter('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
      return { SubscriptionArn: existing.arn };
    }
    const subscription: Subscription = { arn: `${topic.arn}:${randomUUID()}`, topicArn: topic.arn, protocol: protocol as Protocol, endpoint, attributes };
    subscription.filter = filterOf(attributes);
    this.subscriptions.set(subscription.arn, subscription);
    this.cloud.record({ service: 'sns', type: 'subscription.created', topicArn: topic.arn, subscriptionArn: subscription.arn, protocol, endpoint });
    return { SubscriptionArn: subscription.arn };
  }

  private unsubscribe(input: { SubscriptionArn?: unknown }): void {
    const subscription = this.subscriptionAt(input.SubscriptionArn);
    this.subscriptions.delete(subscription.arn);
    this.cloud.record({ service: 'sns', type: 'subscription.deleted', topicArn: subscription.topicArn, subscriptionArn: subscription.arn });
  }

  private listSubscriptions(subscriptions: Subscription[], token: unknown) {
    const sorted = [...subscriptions].sort((a, b) => (a.arn < b.arn ? -1 : 1));
    const { page, nextToken } = paginate(sorted, token);
    return {
      Subscriptions: page.map((s) => ({ SubscriptionArn: s.arn, Owner: this.cloud.accountId, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topicArn })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  private subscriptionAttributes(subscription: Subscription): Record<string, string> {
    return {
      SubscriptionArn: subscription.arn,
      TopicArn: subscription.topicArn,
      Owner: this.cloud.accountId,
      Protocol: subscription.protocol,
      Endpoint: subscription.endpoint,
      ConfirmationWasAuthenticated: 'true',
      PendingConfirmation: 'false',
      RawMessageDelivery: 'false',
      ...subscription.attributes,
    };
  }

  private setSubscriptionAttributes(input: { SubscriptionArn?: unknown; AttributeName?: unknown; AttributeValue?: unknown }): void {
    const subscription = this.subscriptionAt(input.SubscriptionArn);
    const name = requiredString('AttributeName', input.AttributeName);
    const attributes = this.checkedSubscriptionAttributes({ ...subscription.attributes, [name]: typeof input.AttributeValue === 'string' ? input.AttributeValue : '' });
    subscription.attributes = attributes;
    subscription.filter = filterOf(attributes);
  }

  private checkedSubscriptionAttributes(attributes: Record<string, string>): Record<string, string> {
    for (const [key, value] of Object.entries(attributes)) {
      if (!SUBSCRIPTION_ATTRIBUTES.includes(key)) throw invalidParameter(`Invalid parameter: Attributes Reason: Unknown attribute ${key}`);
      if (key === 'RawMessageDelivery' && value !== 'true' && value !== 'false') throw invalidParameter('Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [' + value + ']. Must be true or false.');
      if (key === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') throw invalidParameter('Invalid parameter: Attributes Reason: FilterPolicyScope must be MessageAttributes or MessageBody');
      if (key === 'RedrivePolicy') redriveTargetOf(value);
    }
    filterOf(attributes);
    return { ...attributes };
  }

  // --- publishing ---

  private publishOne(input: any): { MessageId: string; SequenceNumber?: string } {
    if (input.PhoneNumber !== undefined || String(input.TargetArn ?? '').includes(':endpoint/')) {
      throw invalidParameter('Invalid parameter: publishing to phone numbers and mobile endpoints is not emulated locally; give a TopicArn');
    }
    const topic = this.topicAt(input.TopicArn ?? input.TargetArn, input.TopicArn === undefined ? 'TargetArn' : 'TopicArn');
    const notification = this.notificationOf(topic, input, '');
    const fifo = this.fifoOf(topic, input, notification, '');
    if (fifo?.duplicateOf) return { MessageId: fifo.duplicateOf, SequenceNumber: fifo.sequenceNumber };
    this.record(topic, notification);
    return { MessageId: notification.messageId, ...(fifo ? { SequenceNumber: fifo.sequenceNumber } : {}) };
  }

  private publishBatch(input: any) {
    const topic = this.topicAt(input.TopicArn);
    const entries = Array.isArray(input.PublishBatchRequestEntries) ? input.PublishBatchRequestEntries : [];
    if (entries.length === 0) throw new AwsError('EmptyBatchRequest', 'The batch request does not contain any entries.', 400);
    if (entries.length > MAX_BATCH_ENTRIES) throw new AwsError('TooManyEntriesInBatchRequest', `The batch request contains more entries than permissible (${MAX_BATCH_ENTRIES}).`, 400);
    const ids = entries.map((entry: any) => entry?.Id);
    if (new Set(ids).size !== ids.length) throw new AwsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.', 400);
    const Successful: Array<{ Id: string; MessageId: string; SequenceNumber?: string }> = [];
    const Failed: Array<{ Id: string; Code: string; Message: string; SenderFault: boolean }> = [];
    entries.forEach((entry: any, index: number) => {
      const at = `PublishBatchRequestEntries.member.${index + 1}.`;
      if (typeof entry?.Id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(entry.Id)) throw new AwsError('InvalidBatchEntryId', `The Id of ${at.slice(0, -1)} must be 1 to 80 letters, digits, hyphens or underscores.`, 400);
      try {
        const notification = this.notificationOf(topic, entry, at);
        const fifo = this.fifoOf(topic, entry, notification, at);
        if (fifo?.duplicateOf) return Successful.push({ Id: entry.Id, MessageId: fifo.duplicateOf, SequenceNumber: fifo.sequenceNumber });
        this.record(topic, notification);
        Successful.push({ Id: entry.Id, MessageId: notification.messageId, ...(fifo ? { SequenceNumber: fifo.sequenceNumber } : {}) });
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        Failed.push({ Id: entry.Id, Code: error.code, Message: error.message, SenderFault: error.statusCode < 500 });
      }
    });
    return { Successful, Failed };
  }

  /** Validates one message (Publish or a batch entry) as SNS does and makes its notification. */
  private notificationOf(topic: Topic, input: any, at: string): Notification {
    if (typeof input.Message !== 'string' || input.Message === '') throw invalidParameter(`Invalid parameter: ${at}Message must not be empty`);
    const subject = input.Subject;
    if (subject !== undefined && subject !== null) {
      // Subjects are ASCII text without line breaks or control characters, at most 100 characters (API_Publish).
      if (typeof subject !== 'string' || subject === '' || subject.length > MAX_SUBJECT_LENGTH || /[^\x20-\x7e]/.test(subject)) {
        throw invalidParameter(`Invalid parameter: ${at}Subject must be 1 to ${MAX_SUBJECT_LENGTH} printable ASCII characters, without line breaks`);
      }
    }
    const attributes = messageAttributesOf(input.MessageAttributes, at);
    let perProtocol: Record<string, string> | undefined;
    if (input.MessageStructure !== undefined && input.MessageStructure !== null) {
      if (input.MessageStructure !== 'json') throw invalidParameter(`Invalid parameter: ${at}MessageStructure must be json`);
      perProtocol = jsonStructureOf(input.Message, at);
    }
    const size = Buffer.byteLength(input.Message) + Object.entries(attributes).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.Type) + Buffer.byteLength(value.Value), 0);
    if (size > MAX_MESSAGE_BYTES) throw invalidParameter(`Invalid parameter: ${at}Message too long: the message and its attributes must be at most ${MAX_MESSAGE_BYTES} bytes`);
    const messageId = randomUUID();
    return {
      messageId,
      topicArn: topic.arn,
      subject: subject ?? undefined,
      message: perProtocol ? perProtocol.default! : input.Message,
      perProtocol,
      attributes,
      timestamp: new Date().toISOString(),
      messageGroupId: input.MessageGroupId,
      unsubscribeUrl: (subscriptionArn) => `${this.endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
      signingCertUrl: `${this.endpoint}/_local/sns/SimpleNotificationService.pem`,
    };
  }

  /** A FIFO topic's group and deduplication (5 minutes, as SQS FIFO queues: https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html). */
  private fifoOf(topic: Topic, input: any, notification: Notification, at: string): { sequenceNumber: string; duplicateOf?: string } | undefined {
    if (!topic.fifo) {
      if (input.MessageGroupId !== undefined || input.MessageDeduplicationId !== undefined) {
        throw invalidParameter(`Invalid parameter: ${at}MessageGroupId and MessageDeduplicationId are only for FIFO topics`);
      }
      return undefined;
    }
    if (typeof input.MessageGroupId !== 'string' || input.MessageGroupId === '') throw invalidParameter(`Invalid parameter: ${at}MessageGroupId is required for FIFO topics`);
    const deduplicationId = input.MessageDeduplicationId ?? (topic.attributes.ContentBasedDeduplication === 'true' ? createHash('sha256').update(notification.message).digest('hex') : undefined);
    if (!deduplicationId) throw invalidParameter(`Invalid parameter: ${at}MessageDeduplicationId is required: the topic has no ContentBasedDeduplication`);
    const now = Date.now();
    for (const [id, [, expiry]] of topic.deduplication) if (expiry <= now) topic.deduplication.delete(id);
    const seen = topic.deduplication.get(deduplicationId);
    topic.sequence += 1n;
    const sequenceNumber = String(topic.sequence).padStart(20, '0');
    if (seen) return { sequenceNumber, duplicateOf: seen[0] };
    topic.deduplication.set(deduplicationId, [notification.messageId, now + DEDUPLICATION_WINDOW_MS]);
    return { sequenceNumber };
  }

  private record(topic: Topic, notification: Notification): void {
    this.cloud.record({ service: 'sns', type: 'message.published', topicArn: topic.arn, messageId: notification.messageId, subject: notification.subject });
    for (const subscription of this.subscriptionsOf(topic.arn)) {
      if (subscription.filter && !matchesFilter(subscription, notification)) continue;
      // Deliveries happen after Publish has answered, each on its own (a failing endpoint does not hold back the others).
      const delivery: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.deliver(subscription, notification))
        .finally(() => this.deliveries.delete(delivery));
      this.deliveries.add(delivery);
    }
  }

  private async deliver(subscription: Subscription, notification: Notification): Promise<void> {
    const base = { service: 'sns' as const, topicArn: subscription.topicArn, subscriptionArn: subscription.arn, protocol: subscription.protocol, endpoint: subscription.endpoint, messageId: notification.messageId };
    try {
      await this.send(subscription, notification);
      this.cloud.record({ ...base, type: 'notification.delivered' });
    } catch (error) {
      this.cloud.record({ ...base, type: 'notification.failed', error: error instanceof Error ? error.message : String(error) });
      await this.deadLetter(subscription, notification, error);
    }
  }

  private async send(subscription: Subscription, notification: Notification): Promise<void> {
    const raw = subscription.attributes.RawMessageDelivery === 'true';
    const message = notification.perProtocol?.[subscription.protocol] ?? notification.message;
    switch (subscription.protocol) {
      case 'sqs': {
        const body = raw ? message : JSON.stringify(notificationEnvelope(notification, subscription.arn, message));
        const topic = this.topics.get(subscription.topicArn);
        const fifo = topic?.fifo ? { messageGroupId: notification.messageGroupId, messageDeduplicationId: notification.messageId } : {};
        await this.cloud.sqs.sendMessage(subscription.endpoint, body, raw ? sqsAttributes(notification.attributes) : undefined, { ...fifo, caller: this.callerFor(subscription) });
        return;
      }
      case 'lambda':
        await this.cloud.lambda.invokeAsync(subscription.endpoint, JSON.stringify(lambdaEvent(notification, subscription.arn, message)), { caller: this.callerFor(subscription) });
        return;
      case 'email':
      case 'email-json': {
        const topic = this.topics.get(subscription.topicArn);
        const displayName = topic?.attributes.DisplayName || '';
        const body =
          subscription.protocol === 'email-json'
            ? JSON.stringify(notificationEnvelope(notification, subscription.arn, message))
            : `${message}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n${notification.unsubscribeUrl(subscription.arn)}\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support`;
        this.emails.push({
          messageId: notification.messageId,
          time: new Date().toISOString(),
          topicArn: subscription.topicArn,
          subscriptionArn: subscription.arn,
          protocol: subscription.protocol,
          from: `${displayName || 'AWS Notifications'} <no-reply@sns.amazonaws.com>`,
          to: subscription.endpoint,
          subject: notification.subject ?? (displayName || 'AWS Notification Message'),
          body,
        });
        return;
      }
    }
  }

  /**
   * SNS sends to a queue, a function and a subscription's DLQ as sns.amazonaws.com with the topic as aws:SourceArn: the
   * queue policy or the function's permission must allow it
   * (https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html, sns-lambda-as-subscriber.html,
   * sns-dead-letter-queues.html). A denial fails the delivery (and its DLQ send) with AccessDeniedException.
   */
  private callerFor(subscription: Subscription): Caller {
    return { kind: 'service', principal: 'sns.amazonaws.com', sourceArn: subscription.topicArn, sourceAccount: this.cloud.accountId };
  }

  /** A subscription's RedrivePolicy sends what it could not deliver to an SQS queue (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html). */
  private async deadLetter(subscription: Subscription, notification: Notification, error: unknown): Promise<void> {
    const policy = subscription.attributes.RedrivePolicy;
    if (!policy) return;
    const queueArn = redriveTargetOf(policy);
    try {
      const body = subscription.attributes.RawMessageDelivery === 'true' ? notification.message : JSON.stringify(notificationEnvelope(notification, subscription.arn, notification.message));
      await this.cloud.sqs.sendMessage(
        queueArn,
        body,
        {
          ...sqsAttributes(notification.attributes),
          ErrorMessage: { DataType: 'String', StringValue: (error instanceof Error ? error.message : String(error)).slice(0, 1024) || 'delivery failed' },
        },
        { caller: this.callerFor(subscription) },
      );
      this.cloud.record({ service: 'sns', type: 'notification.dead-lettered', topicArn: subscription.topicArn, subscriptionArn: subscription.arn, messageId: notification.messageId, deadLetterQueueArn: queueArn });
    } catch (failure) {
      this.cloud.record({ service: 'sns', type: 'notification.dead-letter-failed', topicArn: subscription.topicArn, subscriptionArn: subscription.arn, messageId: notification.messageId, error: String(failure) });
    }
  }

  // --- finding things ---

  private topicAt(arn: unknown, member = 'TopicArn'): Topic {
    const text = requiredString(member, arn);
    const topic = this.topics.get(text);
    if (!topic) throw notFound('Topic does not exist');
    return topic;
  }

  private subscriptionAt(arn: unknown): Subscription {
    const subscription = this.subscriptions.get(requiredString('SubscriptionArn', arn));
    if (!subscription) throw notFound('Subscription does not exist');
    return subscription;
  }

  private subscriptionsOf(topicArn: string): Subscription[] {
    return [...this.subscriptions.values()].filter((subscription) => subscription.topicArn === topicArn);
  }
}

function requiredString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalidParameter(`Invalid parameter: ${name} is required`);
  return value;
}

function checkEndpoint(protocol: Protocol, endpoint: string): void {
  const service = { sqs: 'sqs', lambda: 'lambda' }[protocol as 'sqs' | 'lambda'];
  if (service && !endpoint.startsWith(`arn:aws:${service}:`)) throw invalidParameter(`Invalid parameter: ${protocol.toUpperCase()} endpoint ARN: an ${service} ARN is required, not ${endpoint}`);
  if ((protocol === 'email' || protocol === 'email-json') && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(endpoint)) throw invalidParameter(`Invalid parameter: Email address: ${endpoint}`);
}

/** A RedrivePolicy's dead-letter queue ARN; a policy naming none is refused. */
function redriveTargetOf(policy: string): string {
  let target: unknown;
  try {
    target = (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
  } catch {
    throw invalidParameter('Invalid parameter: RedrivePolicy: the policy is not valid JSON');
  }
  if (typeof target !== 'string' || !target.startsWith('arn:aws:sqs:')) throw invalidParameter('Invalid parameter: RedrivePolicy: deadLetterTargetArn must be an SQS queue ARN');
  return target;
}

/**
 * A subscription filter policy (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html). SNS and
 * EventBridge match with the same engine (event-ruler) and syntax, so the emulator's EventBridge matcher does it.
 */
function filterOf(attributes: Record<string, string>): EventMatcher | undefined {
  const policy = attributes.FilterPolicy;
  if (policy === undefined || policy === '') return undefined;
  try {
    return compilePattern(policy);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw invalidParameter(`Invalid parameter: FilterPolicy: ${error.reason}`);
    throw error;
  }
}

function matchesFilter(subscription: Subscription, notification: Notification): boolean {
  if (subscription.attributes.FilterPolicyScope === 'MessageBody') {
    try {
      return subscription.filter!(JSON.parse(notification.message));
    } catch {
      return false;
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(notification.attributes)) {
    if (attribute.Type === 'Number') values[name] = Number(attribute.Value);
    else if (attribute.Type === 'String.Array') values[name] = safeJson(attribute.Value);
    else if (attribute.Type === 'String') values[name] = attribute.Value;
  }
  return subscription.filter!(values);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messageAttributesOf(value: unknown, at: string): MessageAttributes {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw invalidParameter(`Invalid parameter: ${at}MessageAttributes must be a map`);
  const entries = Object.entries(value as Record<string, any>);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) throw invalidParameter(`Invalid parameter: ${at}MessageAttributes: at most ${MAX_MESSAGE_ATTRIBUTES} attributes`);
  const attributes: MessageAttributes = {};
  for (const [name, attribute] of entries) {
    const type = attribute?.DataType;
    if (typeof type !== 'string' || !/^(String|Number|Binary|String\.Array)(\..+)?$/.test(type)) {
      throw invalidParameter(`Invalid parameter: ${at}MessageAttributes.${name}: DataType must be String, Number, Binary or String.Array`);
    }
    const binary = type.startsWith('Binary');
    const text = binary ? attribute.BinaryValue : attribute.StringValue;
    if (text === undefined || text === null || text === '') throw invalidParameter(`Invalid parameter: ${at}MessageAttributes.${name} has no ${binary ? 'BinaryValue' : 'StringValue'}`);
    const encoded = binary ? (typeof text === 'string' ? text : Buffer.from(text as Uint8Array).toString('base64')) : String(text);
    if (type.startsWith('Number') && !Number.isFinite(Number(encoded))) throw invalidParameter(`Invalid parameter: ${at}MessageAttributes.${name}: ${encoded} is not a number`);
    attributes[name] = { Type: type, Value: encoded };
  }
  return attributes;
}

function jsonStructureOf(message: string, at: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter(`Invalid parameter: ${at}Message Structure - JSON message body failed to parse`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as Record<string, unknown>).default !== 'string') {
    throw invalidParameter(`Invalid parameter: ${at}Message Structure - No default entry in JSON message body`);
  }
  return parsed as Record<string, string>;
}

function sqsAttributes(attributes: MessageAttributes): Record<string, SqsMessageAttribute> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, attribute]) => [
      name,
      attribute.Type.startsWith('Binary')
        ? { DataType: attribute.Type as 'Binary', BinaryValue: attribute.Value }
        : { DataType: (attribute.Type.startsWith('Number') ? 'Number' : 'String') as 'String' | 'Number', StringValue: attribute.Value },
    ]),
  );
}

function paginate<T>(items: T[], token: unknown): { page: T[]; nextToken?: string } {
  const start = token ? Number(Buffer.from(String(token), 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid parameter: NextToken');
  const page = items.slice(start, start + PAGE_SIZE);
  return { page, ...(start + PAGE_SIZE < items.length ? { nextToken: Buffer.from(String(start + PAGE_SIZE)).toString('base64') } : {}) };
}

function defaultTopicPolicy(topicArn: string, accountId: string) {
  return {
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  };
}
