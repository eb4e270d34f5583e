import { AwsError } from './errors';
import { faultOf, newRequestId, toAwsError, type RestRequest, type RestResponse } from './protocol';

/**
 * The AWS query protocol as CloudWatch and SNS speak it (form-encoded `Action=…` requests, XML answers): what the
 * Debian AWS CLI 2.9 sends to both, and what the SDK's SNS client sends. Unlike SQS's flattened members
 * (sqs/query-protocol.ts), lists are `Name.member.N` and maps `Name.entry.N.key` / `.value` (SNS's MessageAttributes:
 * `.Name` / `.Value`), and answers wrap list items in `<member>` and map entries in `<entry>`.
 * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 *
 * Inputs come out as the JSON protocol's shapes, but every scalar a string: the services coerce numbers, booleans
 * and timestamps themselves (cloudwatch/input.ts), so one `dispatch` serves the JSON and the query protocols alike.
 */

export interface QueryServiceOptions {
  /** The XML namespace of the service's answers, e.g. `http://monitoring.amazonaws.com/doc/2010-08-01/`. */
  xmlNamespace: string;
  dispatch(operation: string, input: Record<string, unknown>): Promise<unknown>;
  /** Output members that are maps (written as `<entry><key>…</key><value>…</value></entry>`). */
  outputMaps?: ReadonlySet<string>;
  /** The request's input from its parameters, for a service whose members are not `member`/`entry` shaped (SQS). */
  input?: (action: string, params: URLSearchParams) => Record<string, unknown>;
  /** The members of `<ActionResult>`, for a service whose output is not `member`/`entry` shaped (SQS). */
  resultMembersXml?: (action: string, output: Record<string, unknown>) => string;
  /** SQS's errors carry an empty `<Detail/>`. */
  errorDetail?: boolean;
  /** Named in the log of an unexpected failure. */
  serviceName?: string;
  logError?: (message: string, error: unknown) => void;
}

export function queryProtocolHandler(options: QueryServiceOptions): (request: RestRequest) => Promise<RestResponse> {
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const input = options.input ?? ((_action, params) => parseQueryParameters(params));
  const resultMembersXml = options.resultMembersXml ?? ((_action, output) => membersXml(output, options.outputMaps));
  const failed = options.serviceName ? `${options.serviceName} ` : '';
  return async (request) => {
    const requestId = newRequestId();
    const params = queryRequestParameters(request);
    const action = params.get('Action') ?? '';
    try {
      if (!action) throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
      const output = await options.dispatch(action, input(action, params));
      const result = output === undefined || output === null ? '' : `<${action}Result>${resultMembersXml(action, output as Record<string, unknown>)}</${action}Result>`;
      const body = `<${action}Response xmlns="${options.xmlNamespace}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
      return xmlResponse(200, requestId, body);
    } catch (thrown) {
      if (!(thrown instanceof AwsError)) logError(`local-cloud: ${failed}${action} failed`, thrown);
      const error = toAwsError(thrown);
      const body =
        `<ErrorResponse xmlns="${options.xmlNamespace}"><Error><Type>${faultOf(error)}</Type><Code>${escapeXml(error.queryErrorCode ?? error.code)}</Code>` +
        `<Message>${escapeXml(error.message)}</Message>${options.errorDetail ? '<Detail/>' : ''}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return xmlResponse(error.statusCode, requestId, body);
    }
  };
}

/** A query-protocol request's parameters: the URL's, then the form-encoded body's. */
export function queryRequestParameters(request: RestRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) params.append(name, value);
  return params;
}

/** The query protocol's dotted parameters as a tree (`A.1.B=x` → `{A: {1: {B: 'x'}}}`), Action and Version left out. */
export function queryParameterTree(params: URLSearchParams): Record<string, any> {
  const tree: Record<string, any> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.');
    let node = tree;
    path.forEach((segment, index) => {
      if (index === path.length - 1) node[segment] = value;
      else node = node[segment] ??= {};
    });
  }
  return tree;
}

/** `A.member.1.B=x&M.entry.1.key=k&M.entry.1.value=v` → `{A: [{B: 'x'}], M: {k: 'v'}}`. */
export function parseQueryParameters(params: URLSearchParams): Record<string, unknown> {
  return shape(queryParameterTree(params)) as Record<string, unknown>;
}

function shape(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const members = node as Record<string, unknown>;
  if ('member' in members && Object.keys(members).length === 1) return indexed(members.member).map(shape);
  if ('entry' in members && Object.keys(members).length === 1) {
    return Object.fromEntries(
      indexed(members.entry).map((entry) => {
        const { key, value, Name, Value } = (entry ?? {}) as Record<string, unknown>;
        return [String(key ?? Name), shape(value ?? Value)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(members).map(([name, value]) => [name, shape(value)]));
}

/** `{ '2': b, '1': a }` → `[a, b]` (the query protocol numbers items from 1). */
export function indexed(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, item]) => item);
}

function membersXml(members: Record<string, unknown>, maps: ReadonlySet<string> | undefined): string {
  let xml = '';
  for (const [name, value] of Object.entries(members)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      xml += `<${name}>${value.map((item) => `<member>${valueXml(item, maps)}</member>`).join('')}</${name}>`;
    } else if (maps?.has(name) && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `<entry><key>${escapeXml(key)}</key><value>${valueXml(item, maps)}</value></entry>`);
      xml += `<${name}>${entries.join('')}</${name}>`;
    } else {
      xml += `<${name}>${valueXml(value, maps)}</${name}>`;
    }
  }
  return xml;
}

function valueXml(value: unknown, maps: ReadonlySet<string> | undefined): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return membersXml(value as Record<string, unknown>, maps);
  return escapeXml(String(value));
}

function xmlResponse(status: number, requestId: string, body: string): RestResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: `<?xml version="1.0"?>${body}` };
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (character) => `&#${character.charCodeAt(0)};`);
}
