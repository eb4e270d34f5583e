import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError } from '../../domain/place-order-request';

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** 400 naming each bad field once (a field can break two rules, e.g. maxLength and pattern), every violation listed. */
export const badRequest = (errors: FieldError[]) => json(400, { message: `invalid request: ${[...new Set(errors.map((e) => e.field))].join(', ')}`, errors });
