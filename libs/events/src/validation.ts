import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { catalog, isDetailType, type DetailOf, type DetailType } from './catalog';

/** One violated rule, with the JSON path of the offending field inside `detail`. */
export interface SchemaViolation {
  path: string;
  message: string;
}

export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly detailType: string,
    readonly violations: SchemaViolation[],
  ) {
    super(`${detailType} violates its schema: ${violations.map((v) => `${v.path} ${v.message}`).join('; ')}`);
  }
}

/** Annotation keywords our schemas carry that draft-04 does not define. */
const ANNOTATIONS = ['examples', 'x-amazon-events-source', 'x-amazon-events-detail-type'];

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv, ['date-time', 'email', 'uri', 'uuid']);
  for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword, schemaType: ['array', 'string'] });
  return ajv;
}

let ajv: Ajv | undefined;
const validators = new Map<DetailType, ValidateFunction>();

/** Compiled once per detail-type per process (a Lambda container), never per invocation. */
function validatorFor(detailType: DetailType): ValidateFunction {
  let validate = validators.get(detailType);
  if (!validate) {
    ajv ??= createAjv();
    validate = ajv.compile(catalog[detailType]);
    validators.set(detailType, validate);
  }
  return validate;
}

export function describeErrors(errors: ErrorObject[] | null | undefined): SchemaViolation[] {
  return (errors ?? []).map((error) => {
    const base = `detail${error.instancePath.replace(/\/([^/]+)/g, (_, segment: string) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))}`;
    if (error.keyword === 'required') {
      return { path: `${base}.${(error.params as { missingProperty: string }).missingProperty}`, message: 'is required' };
    }
    if (error.keyword === 'additionalProperties') {
      return { path: `${base}.${(error.params as { additionalProperty: string }).additionalProperty}`, message: 'is not allowed' };
    }
    if (error.keyword === 'enum') {
      return { path: base, message: `must be one of ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}` };
    }
    return { path: base, message: error.message ?? error.keyword };
  });
}

/** Returns the violations of `detail` against the schema of `detailType` (empty when valid). */
export function checkDetail(detailType: string, detail: unknown): SchemaViolation[] {
  if (!isDetailType(detailType)) return [{ path: 'detail-type', message: `"${detailType}" is not in the event catalogue` }];
  const validate = validatorFor(detailType);
  return validate(detail) ? [] : describeErrors(validate.errors);
}

/** Throws EventValidationError naming every offending field. */
export function assertValidDetail<T extends DetailType>(detailType: T, detail: unknown): asserts detail is DetailOf<T> {
  const violations = checkDetail(detailType, detail);
  if (violations.length > 0) throw new EventValidationError(detailType, violations);
}
