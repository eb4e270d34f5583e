/** What every dashboard API route shares: JSON answers, and bad input answered 4xx with a message, never a 500. */
import type { LocalRoute } from '../../libs/local-cloud/src/server';
import type { RestRequest, RestResponse } from '../../libs/local-cloud/src/protocol';
import { AwsError } from '../../libs/local-cloud/src/errors';

export const BASE_PATH = '/_local/dashboard';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);

export function json(status: number, body: unknown): RestResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

/** The emulator's "no such thing" errors, which a dashboard request can cause with a stale or made-up id. */
const NOT_FOUND_CODES = new Set(['ExecutionDoesNotExist', 'StateMachineDoesNotExist', 'QueueDoesNotExist', 'ResourceNotFoundException']);

/** A JSON API route under /_local/dashboard/api/. */
export function apiRoute(method: LocalRoute['method'], name: string, handle: (request: RestRequest) => Promise<unknown>): LocalRoute {
  return {
    method,
    path: `${BASE_PATH}/api/${name}`,
    async handle(request) {
      try {
        return json(200, await handle(request));
      } catch (error) {
        if (error instanceof HttpError) return json(error.status, { message: error.message });
        if (error instanceof AwsError) return json(NOT_FOUND_CODES.has(error.code) ? 404 : 400, { message: error.message, code: error.code });
        throw error;
      }
    },
  };
}

export function requiredParam(request: RestRequest, name: string): string {
  const value = request.query.get(name);
  if (!value) throw badRequest(`the query parameter ${name} is required`);
  return value;
}

export function jsonBody(request: RestRequest): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(request.body.toString('utf8') || 'null');
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('the body must be a JSON object');
  return value as Record<string, unknown>;
}
