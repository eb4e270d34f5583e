import type { Dimension, MetricIdentity } from './metric-store';

/**
 * Embedded Metric Format: a JSON log line whose `_aws.CloudWatchMetrics` directives name members of the same
 * document as metric values and dimensions. CloudWatch Logs extracts them as metrics; so does the emulator, from a
 * function's output. Every rule below is the specification's:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

export interface EmfMetricValue {
  identity: MetricIdentity;
  /** Epoch ms (`_aws.Timestamp`). */
  timestamp: number;
  values: number[];
  unit: string;
}

export class EmfError extends Error {}

const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_VALUES_PER_METRIC = 100;

/** Whether a log line is meant as an EMF document (a JSON object with an `_aws` member), without validating it. */
export function looksLikeEmf(line: string): boolean {
  const text = line.trim();
  return text.startsWith('{') && text.includes('"_aws"');
}

/** The metric values an EMF document carries; throws EmfError naming what is wrong with an invalid one. */
export function parseEmf(line: string): EmfMetricValue[] {
  let document: unknown;
  try {
    document = JSON.parse(line.trim());
  } catch {
    throw new EmfError('the line is not valid JSON');
  }
  if (!isObject(document)) throw new EmfError('the document must be a JSON object');
  const metadata = document._aws;
  if (!isObject(metadata)) throw new EmfError('_aws must be an object');
  const timestamp = metadata.Timestamp;
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0) throw new EmfError('_aws.Timestamp must be epoch milliseconds (a non-negative integer)');
  if (!Array.isArray(metadata.CloudWatchMetrics)) throw new EmfError('_aws.CloudWatchMetrics must be an array');

  const values: EmfMetricValue[] = [];
  metadata.CloudWatchMetrics.forEach((directive: unknown, index: number) => {
    const at = `_aws.CloudWatchMetrics[${index}]`;
    if (!isObject(directive)) throw new EmfError(`${at} must be an object`);
    const namespace = directive.Namespace;
    if (typeof namespace !== 'string' || namespace.trim() === '' || namespace.length > 1024) throw new EmfError(`${at}.Namespace must be a non-blank string of at most 1024 characters`);
    if (!Array.isArray(directive.Dimensions)) throw new EmfError(`${at}.Dimensions must be an array of dimension sets`);
    if (!Array.isArray(directive.Metrics) || directive.Metrics.length > MAX_METRICS_PER_DIRECTIVE) throw new EmfError(`${at}.Metrics must be an array of at most ${MAX_METRICS_PER_DIRECTIVE} metric definitions`);
    const dimensionSets = directive.Dimensions.map((set: unknown, setIndex: number) => dimensionSet(document, set, `${at}.Dimensions[${setIndex}]`));
    // A directive with no dimension set still gives a metric: one without dimensions.
    if (dimensionSets.length === 0) dimensionSets.push([]);
    directive.Metrics.forEach((definition: unknown, metricIndex: number) => {
      const where = `${at}.Metrics[${metricIndex}]`;
      if (!isObject(definition) || typeof definition.Name !== 'string' || definition.Name === '' || definition.Name.length > 1024) {
        throw new EmfError(`${where}.Name must be a string of 1 to 1024 characters`);
      }
      if (definition.Unit !== undefined && typeof definition.Unit !== 'string') throw new EmfError(`${where}.Unit must be a string`);
      if (definition.StorageResolution !== undefined && definition.StorageResolution !== 1 && definition.StorageResolution !== 60) {
        throw new EmfError(`${where}.StorageResolution must be 1 or 60`);
      }
      const metricValues = valuesOf(document[definition.Name], definition.Name);
      for (const dimensions of dimensionSets) {
        values.push({ identity: { namespace, metricName: definition.Name, dimensions }, timestamp, values: metricValues, unit: definition.Unit ?? 'None' });
      }
    });
  });
  return values;
}

function dimensionSet(document: Record<string, unknown>, set: unknown, at: string): Dimension[] {
  if (!Array.isArray(set) || set.length > MAX_DIMENSIONS_PER_SET) throw new EmfError(`${at} must be an array of at most ${MAX_DIMENSIONS_PER_SET} member names`);
  return set.map((name: unknown) => {
    if (typeof name !== 'string') throw new EmfError(`${at} must hold member names (strings)`);
    const value = document[name];
    if (typeof value !== 'string' || value === '' || value.length > 1024) throw new EmfError(`dimension ${name} must be a member of the document with a string value of 1 to 1024 characters`);
    return { Name: name, Value: value };
  });
}

function valuesOf(member: unknown, name: string): number[] {
  const values = Array.isArray(member) ? member : [member];
  if (values.length === 0 || values.length > MAX_VALUES_PER_METRIC || values.some((value) => typeof value !== 'number' || !Number.isFinite(value))) {
    throw new EmfError(`metric ${name} must be a member of the document holding a number or an array of 1 to ${MAX_VALUES_PER_METRIC} numbers`);
  }
  return values as number[];
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
