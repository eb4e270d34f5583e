/**
 * Breaking changes between two versions of one event schema (draft-04), named by event and field.
 *
 * Written here rather than taken from a library: the kept JSON-Schema differs answer other questions.
 * json-schema-diff-validator treats dropping a `required` entry as compatible and flags doc-only edits;
 * json-schema-diff compares the sets of valid documents, so it cannot see a removed optional property or a
 * field that stopped being guaranteed. An event contract within one version must neither take away what
 * consumers rely on nor reject what producers (or the archive, on replay) already send.
 */
export type BreakingKind =
  | 'removed property'
  | 'no longer required'
  | 'newly required'
  | 'changed type'
  | 'narrowed enum'
  | 'narrowed format'
  | 'narrowed constraint'
  | 'additionalProperties tightened'
  /** Found by consumer-samples.ts: an event valid under the new schema that the old one rejects. */
  | 'rejected by the old schema'
  /** The project's validators cannot compile the schema, so no producer or consumer could use it. */
  | 'invalid schema';

export interface BreakingChange {
  /** Field path inside the event detail, e.g. `data.items[].unitPrice`; `(detail)` for the root. */
  field: string;
  kind: BreakingKind;
  detail: string;
}

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const typesOf = (schema: Schema): string[] => (schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]).sort());
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const show = (value: unknown) => JSON.stringify(value);

/** Lower bounds that a larger new value narrows, upper bounds that a smaller one narrows. */
const LOWER_BOUNDS = ['minimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'maxLength', 'maxItems', 'maxProperties'];

export function diffSchemas(before: Schema, after: Schema): BreakingChange[] {
  const changes: BreakingChange[] = [];
  walk(before, after, '', changes);
  return changes;
}

function walk(before: Schema, after: Schema, path: string, out: BreakingChange[]): void {
  const field = path || '(detail)';
  const report = (kind: BreakingKind, detail: string, at = field) => out.push({ field: at, kind, detail });

  const oldTypes = typesOf(before);
  const newTypes = typesOf(after);
  if (show(oldTypes) !== show(newTypes)) report('changed type', `type ${show(before.type ?? 'any')} → ${show(after.type ?? 'any')}`);

  if (Array.isArray(after.enum)) {
    const removed = Array.isArray(before.enum) ? before.enum.filter((v) => !(after.enum as unknown[]).some((w) => show(w) === show(v))) : undefined;
    if (removed === undefined) report('narrowed enum', `now limited to ${show(after.enum)}`);
    else if (removed.length > 0) report('narrowed enum', `no longer allows ${removed.map(show).join(', ')}`);
  }
  if (after.format !== undefined && after.format !== before.format) {
    report('narrowed format', `format ${show(before.format ?? 'none')} → ${show(after.format)}`);
  }
  if (after.pattern !== undefined && after.pattern !== before.pattern) {
    report('narrowed constraint', `pattern ${show(before.pattern ?? 'none')} → ${show(after.pattern)}`);
  }
  for (const key of LOWER_BOUNDS) {
    if (typeof after[key] === 'number' && (typeof before[key] !== 'number' || (after[key] as number) > (before[key] as number))) {
      report('narrowed constraint', `${key} ${show(before[key] ?? 'none')} → ${show(after[key])}`);
    }
  }
  for (const key of UPPER_BOUNDS) {
    if (typeof after[key] === 'number' && (typeof before[key] !== 'number' || (after[key] as number) < (before[key] as number))) {
      report('narrowed constraint', `${key} ${show(before[key] ?? 'none')} → ${show(after[key])}`);
    }
  }

  const oldOpen = before.additionalProperties === undefined || before.additionalProperties === true;
  if (oldOpen && after.additionalProperties !== undefined && after.additionalProperties !== true) {
    report('additionalProperties tightened', `additionalProperties ${show(before.additionalProperties ?? true)} → ${show(after.additionalProperties)}`);
  }

  const oldRequired = new Set((before.required as string[] | undefined) ?? []);
  const newRequired = new Set((after.required as string[] | undefined) ?? []);
  const oldProps = isSchema(before.properties) ? before.properties : {};
  const newProps = isSchema(after.properties) ? after.properties : {};
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) {
      report('removed property', `removed${oldRequired.has(name) ? ' (was required)' : ''}: consumers may rely on it`, join(path, name));
    } else if (oldRequired.has(name) && !newRequired.has(name)) {
      report('no longer required', 'was required: consumers may rely on it being present', join(path, name));
    }
  }
  for (const name of newRequired) {
    if (!oldRequired.has(name)) report('newly required', 'events sent before the change lack it', join(path, name));
  }
  for (const [name, schema] of Object.entries(newProps)) {
    const old = oldProps[name];
    if (isSchema(old) && isSchema(schema)) walk(old, schema, join(path, name), out);
  }
  if (isSchema(before.items) && isSchema(after.items)) walk(before.items, after.items, `${path}[]`, out);
}

export function formatChanges(event: string, changes: BreakingChange[]): string[] {
  return changes.map((c) => `${event}: ${c.field}: ${c.kind} (${c.detail})`);
}
