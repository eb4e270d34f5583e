import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError } from '../../domain/place-order-request';

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const badRequest = (errors: FieldError[]) => json(400, { message: `invalid request: ${errors.map((e) => e.field).join(', ')}`, errors });
