import { AwsError } from '../errors';
import type { SignatureFailure } from './sigv4-verifier';

/**
 * How each service refuses a request, by its protocol family (the error is answered in the service's own wire shape
 * by its protocol layer; only the code and status differ):
 * - AWS JSON services (EventBridge, Step Functions, DynamoDB): HTTP 400, `InvalidSignatureException`,
 *   `UnrecognizedClientException`, `AccessDeniedException` (e.g. DynamoDB's answer in boto/boto#1552, the JSON
 *   protocols' common errors: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html);
 * - query services, and the query-compatible JSON of SQS and CloudWatch (the code goes in `x-amzn-query-error`): HTTP
 *   403, `SignatureDoesNotMatch`, `InvalidClientTokenId`; denied: SQS and CloudWatch `AccessDenied`, SNS
 *   `AuthorizationError`, STS `AccessDenied` (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html,
 *   https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html);
 * - REST-JSON services (Lambda, SES v2, Scheduler, Schemas): HTTP 403, `InvalidSignatureException`,
 *   `UnrecognizedClientException`, `AccessDeniedException` (Schemas `ForbiddenException`)
 *   (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).
 */

type Dialect = 'json' | 'query' | 'rest';

const DIALECTS: Record<string, Dialect> = {
  events: 'json',
  states: 'json',
  dynamodb: 'json',
  sqs: 'query',
  monitoring: 'query',
  sns: 'query',
  sts: 'query',
  lambda: 'rest',
  ses: 'rest',
  scheduler: 'rest',
  schemas: 'rest',
};

// The JSON and REST services name the failures alike; the query services (no Exception suffix) their own way.
const JSON_SIGNATURE_CODES: Record<SignatureFailure['reason'], string> = {
  missing: 'MissingAuthenticationTokenException',
  incomplete: 'IncompleteSignatureException',
  unknownKey: 'UnrecognizedClientException',
  expiredToken: 'ExpiredTokenException',
  signatureExpired: 'InvalidSignatureException',
  mismatch: 'InvalidSignatureException',
};

const SIGNATURE_CODES: Record<Dialect, Record<SignatureFailure['reason'], string>> = {
  json: JSON_SIGNATURE_CODES,
  query: {
    missing: 'MissingAuthenticationToken',
    incomplete: 'IncompleteSignature',
    unknownKey: 'InvalidClientTokenId',
    expiredToken: 'ExpiredToken',
    signatureExpired: 'SignatureDoesNotMatch',
    mismatch: 'SignatureDoesNotMatch',
  },
  rest: JSON_SIGNATURE_CODES,
};

const ACCESS_DENIED_CODES: Record<string, string> = { sqs: 'AccessDenied', monitoring: 'AccessDenied', sts: 'AccessDenied', sns: 'AuthorizationError', schemas: 'ForbiddenException' };

const dialectOf = (service: string): Dialect => DIALECTS[service] ?? 'json';
const statusOf = (dialect: Dialect, reason?: SignatureFailure['reason']) => (dialect === 'json' || reason === 'incomplete' ? 400 : 403);

export function signatureError(service: string, failure: SignatureFailure): AwsError {
  const dialect = dialectOf(service);
  const code = SIGNATURE_CODES[dialect][failure.reason];
  return new AwsError(code, failure.message, statusOf(dialect, failure.reason), dialect === 'query' ? code : undefined);
}

export function accessDeniedError(service: string, message: string): AwsError {
  const dialect = dialectOf(service);
  const code = ACCESS_DENIED_CODES[service] ?? 'AccessDeniedException';
  return new AwsError(code, message, statusOf(dialect), dialect === 'query' ? code : undefined);
}
