/**
 * PutEvents limits, from the AWS docs.
 *
 * Entries per call: 10 (PutEvents API reference, "Array Members: Minimum number of 1 item. Maximum number of 10 items").
 * Entry size: 1 MB since 2026-01-29, when AWS raised EventBridge, SQS and asynchronous Lambda payloads from 256 KB
 * ("More room to build: serverless services now support payloads up to 1 MB", AWS Compute Blog). Step Functions
 * state payloads are still capped at 256 KB: an event a saga passes along must stay within that.
 */
export const MAX_ENTRIES_PER_PUT_EVENTS = 10;
export const MAX_PUT_EVENTS_ENTRY_BYTES = 1024 * 1024;
export const MAX_STEP_FUNCTIONS_PAYLOAD_BYTES = 256 * 1024;

export interface SizedEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: unknown;
}

/**
 * Entry size as EventBridge computes it ("Calculating Amazon EventBridge PutEvents event entry size"):
 * Time counts 14 bytes; Source, DetailType, Detail and each Resources entry count their UTF-8 bytes.
 */
export function putEventsEntrySize(entry: SizedEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}
