import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError } from './json-body';

/** An HTTP API answer with a JSON body. */
export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** 400 naming every bad field, in the shape every route answers: `{ message, errors: [{ field, message }] }`. */
export const badRequest = (errors: FieldError[]) => json(400, { message: `invalid request: ${errors.map((e) => e.field).join(', ')}`, errors });
