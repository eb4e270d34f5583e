import type { RestRequest, RestResponse } from '../protocol';
import { escapeXml, indexed, queryParameterTree, queryProtocolHandler } from '../aws-query';

/**
 * SQS's legacy AWS query protocol (form-encoded `Action=...` requests, XML answers), which the AWS CLI v2
 * before the JSON protocol (like Debian's 2.9) still speaks. Inputs are turned into the JSON protocol's
 * shapes and outputs back into XML, so one `dispatch` serves both. Member names follow the SQS query model
 * (flattened lists and maps named after their members, e.g. `Attribute.1.Name` / `Attribute.1.Value`).
 */

const XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** Flattened list members: query name → JSON member. */
const LISTS: Record<string, string> = {
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  TagKey: 'TagKeys',
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
};
/** Flattened map members: query name → [JSON member, key name, value name]. */
const MAPS: Record<string, [string, string, string]> = {
  Attribute: ['Attributes', 'Name', 'Value'],
  MessageAttribute: ['MessageAttributes', 'Name', 'Value'],
  MessageSystemAttribute: ['MessageSystemAttributes', 'Name', 'Value'],
  Tag: ['Tags', 'Key', 'Value'],
};
const INTEGERS = new Set(['MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds', 'DelaySeconds', 'MaxResults', 'MaxNumberOfMessagesPerSecond']);

/** Output lists: JSON member → XML element of each item (Successful depends on the action). */
const OUTPUT_LISTS: Record<string, (action: string) => string> = {
  Messages: () => 'Message',
  QueueUrls: () => 'QueueUrl',
  queueUrls: () => 'QueueUrl',
  Successful: (action) => `${action}ResultEntry`,
  Failed: () => 'BatchResultErrorEntry',
  Results: () => 'ListMessageMoveTasksResultEntry',
};
const OUTPUT_MAPS: Record<string, [string, string, string]> = {
  Attributes: ['Attribute', 'Name', 'Value'],
  MessageAttributes: ['MessageAttribute', 'Name', 'Value'],
  Tags: ['Tag', 'Key', 'Value'],
};

export function sqsQueryHandler(
  dispatch: (operation: string, input: any) => Promise<unknown>,
  logError?: (message: string, error: unknown) => void,
): (request: RestRequest) => Promise<RestResponse> {
  return queryProtocolHandler({ xmlNamespace: XML_NAMESPACE, dispatch, input: queryInput, resultMembersXml: membersXml, errorDetail: true, serviceName: 'SQS', logError });
}

/** `A.1.B=x` parameters → `{A: [{B: 'x'}]}` with the JSON protocol's member names. */
export function queryInput(action: string, params: URLSearchParams): Record<string, unknown> {
  const input = toJsonShape(queryParameterTree(params)) as Record<string, unknown>;
  // CreateQueue names its tag map `tags` (lower case) in the JSON protocol.
  if (action === 'CreateQueue' && input.Tags) {
    input.tags = input.Tags;
    delete input.Tags;
  }
  return input;
}

function toJsonShape(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const map = MAPS[key];
    if (map) {
      const [member, keyName, valueName] = map;
      const entries = indexed(value).map((entry) => entry as Record<string, unknown>);
      result[member] = Object.fromEntries(entries.map((entry) => [entry[keyName], toJsonShape(entry[valueName])]));
    } else if (LISTS[key]) {
      result[LISTS[key]] = indexed(value).map(toJsonShape);
    } else if (INTEGERS.has(key) && typeof value === 'string') {
      result[key] = Number(value);
    } else {
      result[key] = toJsonShape(value);
    }
  }
  return result;
}

function membersXml(action: string, members: Record<string, unknown>): string {
  let xml = '';
  for (const [name, value] of Object.entries(members)) {
    if (value === undefined || value === null) continue;
    const listItem = OUTPUT_LISTS[name];
    const map = OUTPUT_MAPS[name];
    if (Array.isArray(value)) {
      const element = listItem ? listItem(action) : name;
      for (const item of value) xml += elementXml(action, element, item);
    } else if (map && typeof value === 'object') {
      const [element, keyName, valueName] = map;
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        xml += `<${element}><${keyName}>${escapeXml(key)}</${keyName}>${elementXml(action, valueName, item)}</${element}>`;
      }
    } else {
      xml += elementXml(action, name, value);
    }
  }
  return xml;
}

function elementXml(action: string, name: string, value: unknown): string {
  const content = typeof value === 'object' && value !== null ? membersXml(action, value as Record<string, unknown>) : escapeXml(String(value));
  return `<${name}>${content}</${name}>`;
}
