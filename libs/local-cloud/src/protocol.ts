import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { AwsError } from './errors';

/**
 * Wire helpers shared by the endpoint and the services it hosts: reading a request, naming the AWS
 * service a request is for, and writing answers and errors the way the AWS SDK v3 and CLI read them.
 */

/** A request handed to a REST service (REST-JSON, or SQS's legacy query protocol). */
export interface RestRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RestResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export const newRequestId = (): string => randomUUID();

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The service named in a SigV4 credential scope (`Credential=AKID/20261123/us-east-1/<service>/aws4_request`),
 * from the Authorization header or, for a presigned URL, the `X-Amz-Credential` query parameter.
 */
export function signingServiceOf(headers: http.IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const authorization = headers.authorization ?? '';
  const scope = /Credential=([^,\s]+)/.exec(authorization)?.[1] ?? query.get('X-Amz-Credential') ?? '';
  const parts = scope.split('/');
  return parts.length >= 5 && parts[parts.length - 1] === 'aws4_request' ? parts[parts.length - 2] : undefined;
}

/** Any thrown value as the AwsError to answer: an AwsError as it is, anything else a 500 InternalFailure. */
export function toAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError('InternalFailure', message, 500);
}

/** Serialises a JSON-protocol body; a Date anywhere becomes epoch seconds, as the AWS JSON protocols send timestamps. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key, replaced) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : replaced;
  });
}

export function writeResponse(res: http.ServerResponse, answer: RestResponse): void {
  const body = answer.body ?? '';
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * An AwsError in the AWS JSON protocols (awsJson1_0 / awsJson1_1): `{"__type", "message"}`, plus the
 * `x-amzn-query-error: <code>;Sender|Receiver` header that query-compatible services (SQS) use to map errors.
 */
export function jsonErrorResponse(error: AwsError, contentType: string, requestId: string): RestResponse {
  const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': requestId };
  if (error.queryErrorCode) headers['x-amzn-query-error'] = `${error.queryErrorCode};${faultOf(error)}`;
  return { status: error.statusCode, headers, body: JSON.stringify({ __type: error.code, message: error.message }) };
}

/** An AwsError in the REST-JSON protocol (Lambda): the code in `x-amzn-ErrorType`, a `Type`/`message` body. */
export function restJsonErrorResponse(error: AwsError, requestId: string): RestResponse {
  return {
    status: error.statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
    body: JSON.stringify({ Type: faultOf(error) === 'Sender' ? 'User' : 'Service', message: error.message }),
  };
}

export const faultOf = (error: AwsError): 'Sender' | 'Receiver' => (error.statusCode < 500 ? 'Sender' : 'Receiver');
