import { invalidBatchEntryId, batchEntryIdsNotDistinct, emptyBatchRequest, invalidMessageContents, invalidParameterValue, missingParameter, tooManyEntriesInBatchRequest } from './errors';
import type { MessageAttributes } from './model';

/**
 * What SQS accepts in a message and a batch request:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html and
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */

const MAX_MESSAGE_ATTRIBUTES = 10;
const MAX_BATCH_ENTRIES = 10;
// XML 1.0 characters, the only ones a message may contain.
const FORBIDDEN_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\..{1,250})?$/;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function validateBody(body: unknown): string {
  if (typeof body !== 'string' || body.length === 0) throw missingParameter('MessageBody');
  const forbidden = FORBIDDEN_CHARACTER.exec(body);
  if (forbidden) {
    const code = forbidden[0].codePointAt(0)!.toString(16).toUpperCase();
    throw invalidMessageContents(
      `Invalid binary character '#x${code}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
    );
  }
  return body;
}

/** Message attributes (kind 'user') or message system attributes (kind 'system', only AWSTraceHeader). */
export function validateMessageAttributes(attributes: unknown, kind: 'user' | 'system'): MessageAttributes {
  if (attributes === undefined || attributes === null) return {};
  if (typeof attributes !== 'object') throw invalidParameterValue(`Message ${kind} attributes must be a map.`);
  const entries = Object.entries(attributes as Record<string, any>);
  if (entries.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  }
  const valid: MessageAttributes = {};
  for (const [name, value] of entries) {
    if (kind === 'system' && name !== 'AWSTraceHeader') throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameterValue(`Message (${kind}) attribute name '${name}' is invalid.`);
    }
    const dataType = value?.DataType;
    if (typeof dataType !== 'string' || !DATA_TYPE.test(dataType)) {
      throw invalidParameterValue(`The message (${kind}) attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const binary = dataType.startsWith('Binary');
    const content = binary ? value.BinaryValue : value.StringValue;
    if (typeof content !== 'string' || content.length === 0) {
      throw invalidParameterValue(`Message (${kind}) attribute '${name}' must contain a non-empty value of type '${binary ? 'Binary' : 'String'}'.`);
    }
    if (dataType.startsWith('Number') && !Number.isFinite(Number(content))) {
      throw invalidParameterValue(`Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
    }
    valid[name] = binary ? { DataType: dataType, BinaryValue: content } : { DataType: dataType, StringValue: content };
  }
  return valid;
}

/** The size SQS limits: the body plus each attribute's name, type and value. */
export function messageSize(body: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size += value.BinaryValue !== undefined ? Buffer.from(value.BinaryValue, 'base64').length : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

/** 1 to 10 entries with distinct, well-formed ids (the checks every *Batch action makes). */
export function validateBatchEntries<T extends { Id?: unknown }>(entries: unknown): T[] {
  if (!Array.isArray(entries) || entries.length === 0) throw emptyBatchRequest();
  if (entries.length > MAX_BATCH_ENTRIES) throw tooManyEntriesInBatchRequest(entries.length);
  const seen = new Set<string>();
  for (const entry of entries as T[]) {
    if (typeof entry?.Id !== 'string' || !BATCH_ENTRY_ID.test(entry.Id)) throw invalidBatchEntryId();
    if (seen.has(entry.Id)) throw batchEntryIdsNotDistinct(entry.Id);
    seen.add(entry.Id);
  }
  return entries as T[];
}

/** An optional integer parameter within [min, max], with the message SQS gives for a bad one. */
export function integerParameter(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`);
  }
  return number;
}
