import { AwsError } from '../errors';
import { compilePattern, InvalidEventPatternError, type EventMatcher } from '../eventbridge/pattern';

/**
 * An event source mapping's FilterCriteria for SQS records
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html, with-sqs-filtering.html). A record
 * goes to the function when it matches any filter; the others are deleted from the queue unprocessed.
 *
 * Lambda uses EventBridge's pattern syntax, so the patterns compile with the emulator's EventBridge matcher. The
 * `body` key is matched by its format: a filter whose `body` is an object matches the body parsed as JSON, one whose
 * `body` is a list of rules matches the body as text, and a body of the other format is dropped. Documented
 * differences the emulator does not reproduce: Lambda's operator table lists a subset of EventBridge's (null, empty,
 * equals, and, or, anything-but, numeric, exists, prefix), and AWS's current SQS page says only `body` is
 * filterable; this matcher takes every EventBridge operator and also matches the record's other fields (messageId,
 * attributes, messageAttributes...), as the first version of the page described.
 */

export interface FilterCriteria {
  Filters?: Array<{ Pattern?: unknown }>;
}

/** A record as Lambda builds it for the function (`body` the message text). */
export type SqsRecord = Record<string, unknown> & { body: string };

export type RecordFilter = (record: SqsRecord) => boolean;

/** "By default, you can define up to five different filters" (a quota AWS can raise to 10); a Pattern has at most 4096 characters (API_Filter). */
const MAX_FILTERS = 5;
const MAX_PATTERN_LENGTH = 4096;

type BodyFormat = 'json' | 'text' | 'any';

/** Compiles the filters once, refusing a bad one as CreateEventSourceMapping does; no filters: every record passes. */
export function compileFilterCriteria(criteria: FilterCriteria | undefined): RecordFilter | undefined {
  const filters = criteria?.Filters ?? [];
  if (!Array.isArray(filters)) throw invalidFilter('FilterCriteria.Filters must be a list of {Pattern} filters');
  if (filters.length === 0) return undefined;
  if (filters.length > MAX_FILTERS) throw invalidFilter(`FilterCriteria.Filters has ${filters.length} filters; a mapping takes at most ${MAX_FILTERS}`);
  const compiled = filters.map((filter, index) => compileFilter(filter?.Pattern, `FilterCriteria.Filters[${index}].Pattern`));
  return (record) => compiled.some((filter) => filter(record));
}

function compileFilter(pattern: unknown, field: string): RecordFilter {
  if (typeof pattern !== 'string') throw invalidFilter(`${field} must be a JSON string`);
  if (pattern.length > MAX_PATTERN_LENGTH) throw invalidFilter(`${field} is longer than ${MAX_PATTERN_LENGTH} characters`);
  let matches: EventMatcher;
  let format: BodyFormat;
  try {
    matches = compilePattern(pattern);
    const body = (JSON.parse(pattern) as Record<string, unknown>).body;
    format = body === undefined ? 'any' : Array.isArray(body) ? 'text' : 'json';
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw invalidFilter(`${field}: ${error.reason}`);
    throw error;
  }
  return (record) => {
    if (format === 'any') return matches(record);
    const json = parseJson(record.body);
    if (format === 'text') return json === undefined && matches(record);
    return json !== undefined && matches({ ...record, body: json });
  };
}

/** The body as JSON, or undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const invalidFilter = (detail: string) => new AwsError('InvalidParameterValueException', `Invalid filter pattern definition. ${detail}`);
