import Ajv04 from 'ajv-draft-04';
import { AwsError } from '../errors';

/** The schema formats the registry accepts (CreateSchema `Type`). */
export const SCHEMA_TYPES = ['OpenApi3', 'JSONSchemaDraft4'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

// Unknown keywords (e.g. `x-amazon-events-source`) are legal in a draft-04 schema: strict mode off.
const draft04 = new Ajv04({ strict: false, allErrors: true });

const badContent = (message: string) => new AwsError('BadRequestException', `Invalid schema content: ${message}`);

export function isSchemaType(type: unknown): type is SchemaType {
  return SCHEMA_TYPES.includes(type as SchemaType);
}

/**
 * Checks that `content` is a document of the given type, as the registry does before storing it:
 * a JSON object, and for JSONSchemaDraft4 a schema valid against the draft-04 meta-schema, for
 * OpenApi3 a document with an `openapi: 3.x` version and an `info` object.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema-create.html
 * Returns the parsed document.
 */
export function parseSchemaContent(type: SchemaType, content: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    throw badContent(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw badContent('the document must be a JSON object');
  }
  const schema = document as Record<string, unknown>;
  if (type === 'JSONSchemaDraft4') {
    if (!draft04.validateSchema(schema)) {
      throw badContent(`not a JSON Schema draft-04 document: ${draft04.errorsText(draft04.errors)}`);
    }
  } else {
    if (typeof schema.openapi !== 'string' || !/^3\.\d+\.\d+$/.test(schema.openapi)) {
      throw badContent('an OpenApi3 document needs an "openapi" version "3.x.y"');
    }
    if (typeof schema.info !== 'object' || schema.info === null) {
      throw badContent('an OpenApi3 document needs an "info" object');
    }
  }
  return schema;
}

/** Same document, whatever its formatting: decides whether UpdateSchema makes a new version. */
export function canonicalContent(document: unknown): string {
  return JSON.stringify(document);
}
