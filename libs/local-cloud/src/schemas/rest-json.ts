import { AwsError } from '../errors';
import type { RestRequest, RestResponse } from '../protocol';

/**
 * A small REST-JSON (Smithy restJson1) binding shared by the REST services of the emulator (Schemas, SES v2):
 * routes an HTTP request to an API operation, builds the operation input from the path labels, query
 * string and JSON body, and writes the output or the AwsError back the way the AWS SDK v3 reads it.
 * (The shared server adds the `x-amzn-requestid` header.)
 */

export interface RestRoute {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Smithy URI template, e.g. `/v1/registries/name/{RegistryName}`. */
  path: string;
  /** Status code of a successful answer (the operation's `@http(code)`). */
  status: number;
  /** Query-string parameter name → input member (`@httpQuery`). */
  query?: Record<string, string>;
  /** Input members that are integers on the wire (parsed from the query string). */
  integers?: string[];
}

export interface RestJsonServiceOptions {
  routes: RestRoute[];
  dispatch(operation: string, input: any): Promise<unknown>;
  /** The error body the service's SDK expects, e.g. `{Code, Message}` (Schemas) or `{message}` (SES v2). */
  errorBody(error: AwsError): Record<string, string>;
  /** Top-level members serialized under another JSON name (`@jsonName`), member → wire name. */
  jsonNames?: Record<string, string>;
}

interface CompiledRoute extends RestRoute {
  pattern: RegExp;
  labels: string[];
}

function compile(route: RestRoute): CompiledRoute {
  const labels: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const label = /^\{(\w+)\}$/.exec(segment);
      if (!label) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labels.push(label[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}/?$`), labels };
}

function renameKeys(object: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [names[key] ?? key, value]));
}

function invert(names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).map(([member, wire]) => [wire, member]));
}

function errorResponse(error: AwsError, errorBody: RestJsonServiceOptions['errorBody']): RestResponse {
  return {
    status: error.statusCode,
    // restJson1 clients read the error code from this header first.
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: JSON.stringify(errorBody(error)),
  };
}

export function jsonResponse(status: number, body: unknown): RestResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Builds the `handle(request)` of a REST-JSON service from its route table. */
export function restJsonService(options: RestJsonServiceOptions): (request: RestRequest) => Promise<RestResponse> {
  const routes = options.routes.map(compile);
  const toMembers = invert(options.jsonNames ?? {});
  const toWire = options.jsonNames ?? {};

  return async (request) => {
    try {
      const path = request.path;
      const method = request.method.toUpperCase();
      let match: { route: CompiledRoute; values: string[] } | undefined;
      for (const route of routes) {
        const found = route.method === method ? route.pattern.exec(path) : null;
        if (found) {
          match = { route, values: found.slice(1) };
          break;
        }
      }
      if (!match) throw new AwsError('UnknownOperationException', `No operation matches ${method} ${path}`, 404);
      const { route, values } = match;

      let input: Record<string, unknown> = {};
      if (request.body.length > 0) {
        try {
          input = renameKeys(JSON.parse(request.body.toString('utf8')), toMembers);
        } catch {
          throw new AwsError('BadRequestException', 'The request body is not valid JSON.');
        }
      }
      const params = request.query;
      for (const [name, member] of Object.entries(route.query ?? {})) {
        const value = params.get(name);
        if (value === null) continue;
        input[member] = route.integers?.includes(member) ? Number(value) : value;
      }
      route.labels.forEach((label, index) => {
        input[label] = decodeURIComponent(values[index]!);
      });

      const output = await options.dispatch(route.operation, input);
      if (output === undefined) return { status: route.status };
      return jsonResponse(route.status, renameKeys(output as Record<string, unknown>, toWire));
    } catch (error) {
      // Anything else is a bug: the server logs it and answers 500.
      if (error instanceof AwsError) return errorResponse(error, options.errorBody);
      throw error;
    }
  };
}
