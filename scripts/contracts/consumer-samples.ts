/**
 * A schema change as a consumer that still validates against the old schema sees it: events valid under the new
 * schema, validated with the old one (the project's draft-04 validators). Any event the old schema rejects is a
 * breaking change inside the version, whatever the rules of schema-diff.ts say: a value added to an enum, a property
 * added inside an object closed with `additionalProperties: false`, or anything else the rules do not model.
 *
 * The samples are json-schema-faker's, seeded, so the check gives the same answer on every run: RANDOM_SAMPLES of
 * them, plus targeted ones that random sampling could miss: one per value of every enum, one per property that the
 * old schema does not declare at its place, and one per object the old schema closes and the new one opens, each
 * holding what it is for (all found through `properties` and `items`, the keywords the event schemas nest with).
 */
import { JSONSchemaFaker } from 'json-schema-faker';
import { createAjv, describeErrors } from '@shop/events';
import type { BreakingChange } from './schema-diff';

type Schema = Record<string, unknown>;

export const RANDOM_SAMPLES = 100;
const SEED = 4217;
/** Generation attempts for a targeted sample before the check gives up on vouching for it. */
const TARGETED_ATTEMPTS = 5;

/** Park–Miller minimal standard generator: a seeded stand-in for Math.random. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
}

/** A step down a schema: into a property, or into the items of an array. */
type Step = { property: string } | { items: true };

interface Target {
  /** What the sample is for, e.g. `data.reason = "CUSTOMER_REQUEST"`. */
  why: string;
  path: Step[];
  /** Narrows the schema at the end of the path (an enum to one value); absent: the path being present is the point. */
  pin?: (node: Schema) => void;
  enumValue?: true;
}

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const fieldOf = (path: Step[]) => path.map((s) => ('property' in s ? `.${s.property}` : '[]')).join('').replace(/^\./, '') || '(detail)';

/** What an object that stopped being closed may now hold: a property it does not declare. */
function withUndeclaredProperty(node: Schema): void {
  const properties = isSchema(node.properties) ? node.properties : {};
  let name = 'undeclared';
  while (name in properties) name += '_';
  node.properties = { ...properties, [name]: isSchema(node.additionalProperties) ? node.additionalProperties : { type: 'string' } };
  node.required = [...((node.required as string[] | undefined) ?? []), name];
}

/**
 * Every property of `after` that `before` lacks at the same place, every object `before` closes and `after` does not,
 * and every enum value of `after`; in that order, so that each problem is first met in the sample made for it.
 */
function targetsOf(after: Schema, before: Schema): Target[] {
  const targets = walkTargets(after, before);
  return [...targets.filter((t) => !t.enumValue), ...targets.filter((t) => t.enumValue)];
}

function walkTargets(after: Schema, before: Schema | undefined, path: Step[] = [], out: Target[] = []): Target[] {
  if (Array.isArray(after.enum)) {
    for (const value of after.enum) out.push({ why: `${fieldOf(path)} = ${JSON.stringify(value)}`, path, pin: (node) => void (node.enum = [value]), enumValue: true });
  }
  if (before?.additionalProperties === false && after.additionalProperties !== false) {
    out.push({ why: `a property ${fieldOf(path)} does not declare`, path, pin: withUndeclaredProperty });
  }
  const oldProperties = isSchema(before?.properties) ? before.properties : {};
  for (const [name, schema] of Object.entries(isSchema(after.properties) ? after.properties : {})) {
    if (!isSchema(schema)) continue;
    const at = [...path, { property: name }];
    if (!(name in oldProperties)) out.push({ why: `${fieldOf(at)} present`, path: at });
    walkTargets(schema, isSchema(oldProperties[name]) ? oldProperties[name] : undefined, at, out);
  }
  if (isSchema(after.items)) walkTargets(after.items, isSchema(before?.items) ? before.items : undefined, [...path, { items: true }], out);
  return out;
}

/** `after`, narrowed so that every sample of it reaches the target: each step required (arrays not empty), then pinned. */
function pinned(after: Schema, target: Target): Schema {
  const root = structuredClone(after);
  let node = root;
  for (const step of target.path) {
    if ('property' in step) {
      const required = (node.required as string[] | undefined) ?? [];
      if (!required.includes(step.property)) node.required = [...required, step.property];
      node = (node.properties as Record<string, Schema>)[step.property]!;
    } else {
      node.minItems = Math.max((node.minItems as number | undefined) ?? 0, 1);
      node = node.items as Schema;
    }
  }
  target.pin?.(node);
  return root;
}

/** A fresh seeded generator for each comparison, so that a result never depends on what was generated before it. */
function generator(seed: number): (schema: Schema) => unknown {
  JSONSchemaFaker.option({ ...JSONSchemaFaker.option.getDefaults(), random: seededRandom(seed), optionalsProbability: 0.5, maxItems: 3 });
  return (schema) => JSONSchemaFaker.generate(schema as never);
}

type Validate = ReturnType<ReturnType<typeof createAjv>['compile']>;

/**
 * The schema compiled as producers and consumers compile it (libs/events), or why it cannot be. One Ajv instance
 * each: the two versions share their schema id, which one instance would refuse to hold twice.
 */
function validatorOf(schema: Schema): Validate | string {
  try {
    return createAjv().compile(schema);
  } catch (error) {
    return (error as Error).message;
  }
}

/** `data.items[].sku` from a violation's `detail.data.items[0].sku`, in the field style of schema-diff. */
const fieldOfViolation = (path: string) => path.replace(/^detail\.?/, '').replace(/\[\d+\]/g, '[]') || '(detail)';

/**
 * The breaking changes a consumer of `before` meets among events valid under `after`: one per field and reason,
 * with the sample that showed it.
 */
export function rejectedByOldSchema(before: Schema, after: Schema): BreakingChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const validOld = validatorOf(before);
  const validNew = validatorOf(after);
  if (typeof validOld === 'string' || typeof validNew === 'string') {
    const detail = [typeof validOld === 'string' && `the old one: ${validOld}`, typeof validNew === 'string' && `the new one: ${validNew}`].filter(Boolean).join('; ');
    return [{ field: '(schema)', kind: 'invalid schema', detail: `the project's validators (draft-04, strict) cannot compile ${detail}` }];
  }
  const generate = generator(SEED);
  const samples: Array<{ why: string; detail: unknown }> = [];

  // Targeted samples first: where a random one shows the same problem, the report names what the targeted one holds.
  for (const target of targetsOf(after, before)) {
    const schema = pinned(after, target);
    let detail: unknown;
    for (let attempt = 0; attempt < TARGETED_ATTEMPTS && detail === undefined; attempt++) {
      const candidate = generate(schema);
      if (validNew(candidate)) detail = candidate;
    }
    if (detail === undefined) throw new Error(`no sample with ${target.why} is valid under the new schema: the check cannot vouch for it`);
    samples.push({ why: `a sample with ${target.why}`, detail });
  }
  for (let i = 0; i < RANDOM_SAMPLES; i++) {
    const detail = generate(after);
    if (validNew(detail)) samples.push({ why: `random sample ${i + 1} of ${RANDOM_SAMPLES}`, detail });
  }

  const changes = new Map<string, BreakingChange>();
  for (const { why, detail } of samples) {
    if (validOld(detail)) continue;
    for (const violation of describeErrors(validOld.errors)) {
      const field = fieldOfViolation(violation.path);
      const key = `${field}\0${violation.message}`;
      if (!changes.has(key)) changes.set(key, { field, kind: 'rejected by the old schema', detail: `${violation.message}, in ${why}` });
    }
  }
  return [...changes.values()];
}
