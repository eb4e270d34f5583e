/** SQS's data as its API names it (JSON protocol shapes), and the emulator's stored form of a message. */

/**
 * Largest message (body + attribute names, types and values) a queue accepts, and the default of its
 * MaximumMessageSize attribute: 1 MiB since AWS raised it from 256 KiB
 * (https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb ;
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html: "An integer from
 * 1,024 bytes (1 KiB) to 1,048,576 bytes (1 MiB). Default: 1,048,576 bytes (1 MiB)").
 */
export const MAX_MESSAGE_SIZE_BYTES = 1_048_576;

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as the JSON and query protocols carry blobs. */
  BinaryValue?: string;
  StringListValues?: string[];
  BinaryListValues?: string[];
}

export type MessageAttributes = Record<string, MessageAttributeValue>;

export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: MessageAttributes;
  md5OfMessageAttributes?: string;
  /** Message system attributes a sender may set (AWSTraceHeader). */
  systemAttributes: MessageAttributes;
  md5OfSystemAttributes?: string;
  senderId: string;
  /** Epoch ms of the enqueue: kept when a standard queue's message is dead-lettered, so retention counts from it. */
  sentTimestamp: number;
  /** Epoch ms before which the message cannot be received (delay, or visibility timeout while in flight). */
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Handle of the latest receive; set while the message is (or was last) in flight. */
  receiptHandle?: string;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sequenceNumber?: string;
  /** Set on a message SQS moved to a dead-letter queue: the queue it came from. */
  deadLetterQueueSourceArn?: string;
}

export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributes;
  MessageSystemAttributes?: MessageAttributes;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

export interface SendMessageOutput {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: MessageAttributes;
}

export interface ReceiveMessageInput {
  QueueUrl: string;
  AttributeNames?: string[];
  MessageSystemAttributeNames?: string[];
  MessageAttributeNames?: string[];
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  ReceiveRequestAttemptId?: string;
}

export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message?: string;
}
