import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from './model';

/**
 * The MD5 digests SQS returns with a message, computed as SQS does so that SDKs that verify them accept them:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */

export const md5Hex = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

/**
 * Attributes sorted by name; each encoded as name, data type (both 4-byte big-endian length + UTF-8 bytes),
 * one transport byte (1 = string/number, 2 = binary), then the value (length + bytes; binary values decoded).
 * Also used for the message *system* attributes (AWSTraceHeader). Undefined for no attributes, as SQS omits it.
 */
export function md5OfAttributes(attributes: Record<string, MessageAttributeValue> | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes![name]!;
    parts.push(lengthPrefixed(Buffer.from(name, 'utf8')), lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')));
    if (attribute.BinaryValue !== undefined) parts.push(Buffer.from([2]), lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64')));
    else parts.push(Buffer.from([1]), lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
  }
  return md5Hex(Buffer.concat(parts));
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
