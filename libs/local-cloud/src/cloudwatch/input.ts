import { AwsError } from '../errors';

/**
 * CloudWatch's errors (each with the query error code its awsQueryCompatible JSON protocol sends in
 * `x-amzn-query-error`), and the coercion of request members: the JSON protocol sends numbers, booleans and epoch-second
 * timestamps, the query protocol sends every one of them as a string (aws-query.ts), so each member is read here.
 */

export const invalidParameterValue = (message: string) => new AwsError('InvalidParameterValueException', message, 400, 'InvalidParameterValue');
export const missingParameter = (name: string) =>
  new AwsError('MissingRequiredParameterException', `The parameter ${name} is required.`, 400, 'MissingParameter');
export const invalidParameterCombination = (message: string) =>
  new AwsError('InvalidParameterCombinationException', message, 400, 'InvalidParameterCombination');
export const resourceNotFound = (message: string) => new AwsError('ResourceNotFound', message, 404, 'ResourceNotFound');
export const invalidNextToken = () => new AwsError('InvalidNextToken', 'The value of the NextToken parameter is not valid.', 400, 'InvalidNextToken');
/** A feature of CloudWatch the emulator does not provide: answered as a clear 400 rather than a wrong result. */
export const notEmulated = (what: string) => invalidParameterValue(`${what} is not supported by the local CloudWatch.`);

export function requiredString(name: string, value: unknown, maxLength = 255): string {
  if (value === undefined || value === null || value === '') throw missingParameter(name);
  return checkedString(name, value, maxLength);
}

export function optionalString(name: string, value: unknown, maxLength = 1024): string | undefined {
  return value === undefined || value === null ? undefined : checkedString(name, value, maxLength);
}

function checkedString(name: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') throw invalidParameterValue(`The parameter ${name} must be a string.`);
  if (value.length > maxLength) throw invalidParameterValue(`The parameter ${name} must be at most ${maxLength} characters long.`);
  return value;
}

export function optionalNumber(name: string, value: unknown, bounds: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || (bounds.integer && !Number.isInteger(number))) {
    throw invalidParameterValue(`The parameter ${name} must be ${bounds.integer ? 'an integer' : 'a number'}, not ${JSON.stringify(value)}.`);
  }
  if ((bounds.min !== undefined && number < bounds.min) || (bounds.max !== undefined && number > bounds.max)) {
    throw invalidParameterValue(`The parameter ${name} must be from ${bounds.min ?? '-∞'} to ${bounds.max ?? '∞'}, not ${number}.`);
  }
  return number;
}

export function requiredNumber(name: string, value: unknown, bounds: { min?: number; max?: number; integer?: boolean } = {}): number {
  const number = optionalNumber(name, value, bounds);
  if (number === undefined) throw missingParameter(name);
  return number;
}

export function optionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidParameterValue(`The parameter ${name} must be true or false, not ${JSON.stringify(value)}.`);
}

/** A timestamp: epoch seconds (JSON protocol), an ISO-8601 string (query protocol) or a Date. Answers epoch ms. */
export function optionalTime(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalidParameterValue(`The parameter ${name} must be a timestamp, not ${JSON.stringify(value)}.`);
  return ms;
}

export function requiredTime(name: string, value: unknown): number {
  const ms = optionalTime(name, value);
  if (ms === undefined) throw missingParameter(name);
  return ms;
}

export function optionalList(name: string, value: unknown, maxItems = Number.MAX_SAFE_INTEGER): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) throw invalidParameterValue(`The parameter ${name} must be a list.`);
  if (value.length > maxItems) throw invalidParameterValue(`The parameter ${name} must have at most ${maxItems} items.`);
  return value;
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!allowed.includes(value as T)) throw invalidParameterValue(`The parameter ${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}.`);
  return value as T;
}
