import { InvalidPolicyError, policyDocument, type PolicyDocument } from '../iam/policy-document';
import { invalidAttributeName, invalidAttributeValue } from './errors';
import { MAX_MESSAGE_SIZE_BYTES } from './model';

/**
 * Queue attributes: which exist, which a caller may set, their valid values and defaults, as listed in
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * and API_GetQueueAttributes.html. Values are kept as the strings the API carries.
 */

const NUMERIC_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, MAX_MESSAGE_SIZE_BYTES],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
const BOOLEANS = new Set(['SqsManagedSseEnabled', 'FifoQueue', 'ContentBasedDeduplication']);
const ENUMS: Record<string, string[]> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};
/** Free text or JSON documents; an empty string removes the attribute. */
const DOCUMENTS = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

/** Computed by SQS; returned by GetQueueAttributes, refused by Create/SetQueueAttributes. */
export const COMPUTED_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];
const SETTABLE = new Set([...Object.keys(NUMERIC_RANGES), ...BOOLEANS, ...Object.keys(ENUMS), ...DOCUMENTS]);
export const ALL_ATTRIBUTE_NAMES = new Set([...SETTABLE, ...COMPUTED_ATTRIBUTES]);

export function defaultAttributes(fifo: boolean): Record<string, string> {
  const defaults: Record<string, string> = {
    DelaySeconds: '0',
    MaximumMessageSize: String(MAX_MESSAGE_SIZE_BYTES),
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    VisibilityTimeout: '30',
    SqsManagedSseEnabled: 'true',
  };
  if (fifo) Object.assign(defaults, { FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' });
  return defaults;
}

/** Checks names and values a caller sends; returns them as strings (RedrivePolicy normalised). */
export function validateAttributes(input: Record<string, unknown> | undefined, fifo: boolean): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input ?? {})) {
    if (!SETTABLE.has(name)) throw invalidAttributeName(name);
    const value = String(raw);
    if (FIFO_ONLY.has(name) && !fifo) throw invalidAttributeName(name);
    const range = NUMERIC_RANGES[name];
    if (range && !(/^\d+$/.test(value) && Number(value) >= range[0] && Number(value) <= range[1])) {
      throw invalidAttributeValue(name, `Must be an integer from ${range[0]} to ${range[1]}.`);
    }
    if (BOOLEANS.has(name) && value !== 'true' && value !== 'false') throw invalidAttributeValue(name, 'Must be true or false.');
    const allowed = ENUMS[name];
    if (allowed && !allowed.includes(value)) throw invalidAttributeValue(name, `Must be one of ${allowed.join(', ')}.`);
    attributes[name] = name === 'RedrivePolicy' && value !== '' ? JSON.stringify(parseRedrivePolicy(value)) : value;
    if (name === 'RedriveAllowPolicy' && value !== '') parseRedriveAllowPolicy(value);
    if (name === 'Policy' && value !== '') parseQueuePolicy(value);
  }
  return attributes;
}

/** The queue's access policy, which IAM evaluates with the caller's identity policies. */
export function parseQueuePolicy(value: string): PolicyDocument {
  try {
    return policyDocument(value, 'Policy');
  } catch (error) {
    if (error instanceof InvalidPolicyError) throw invalidAttributeValue('Policy', error.message);
    throw error;
  }
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** `{"deadLetterTargetArn": ARN, "maxReceiveCount": 1..1000}`; templates often give the count as a string. */
export function parseRedrivePolicy(value: string): RedrivePolicy {
  const policy = parseJson('RedrivePolicy', value);
  const maxReceiveCount = Number(policy.maxReceiveCount);
  if (typeof policy.deadLetterTargetArn !== 'string' || !policy.deadLetterTargetArn.startsWith('arn:')) {
    throw invalidAttributeValue('RedrivePolicy', 'Invalid value for deadLetterTargetArn.');
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw invalidAttributeValue('RedrivePolicy', 'Value for maxReceiveCount must be an integer from 1 to 1000.');
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount };
}

export interface RedriveAllowPolicy {
  redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  sourceQueueArns?: string[];
}

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (RedriveAllowPolicy). */
export function parseRedriveAllowPolicy(value: string): RedriveAllowPolicy {
  const policy = parseJson('RedriveAllowPolicy', value);
  const permission = policy.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw invalidAttributeValue('RedriveAllowPolicy', 'redrivePermission must be allowAll, denyAll or byQueue.');
  }
  const sources = policy.sourceQueueArns;
  if (permission === 'byQueue') {
    if (!Array.isArray(sources) || sources.length < 1 || sources.length > 10) {
      throw invalidAttributeValue('RedriveAllowPolicy', 'byQueue needs sourceQueueArns with 1 to 10 queue ARNs.');
    }
    return { redrivePermission: permission, sourceQueueArns: sources.map(String) };
  }
  if (sources !== undefined) throw invalidAttributeValue('RedriveAllowPolicy', `sourceQueueArns can only be given with byQueue.`);
  return { redrivePermission: permission };
}

function parseJson(name: string, value: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw invalidAttributeValue(name, 'Must be a JSON object.');
}
