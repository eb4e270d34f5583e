/**
 * The fault plan: which of AWS's documented failures the local cloud produces, how often, and where. Opt-in (the
 * default plan injects nothing), seeded, and set three ways with the same keys: the `LOCAL_CLOUD_FAULTS` string
 * (`seed=7,duplicate=0.3,delay=0-500ms,lambda.after=0.05@shop-payments-*`), a JSON object
 * (`{"seed": 7, "duplicate": 0.3, "delay": "0-500ms", "lambda.after": {"rate": 0.05, "scope": "shop-payments-*"}}`),
 * or `PUT /_local/faults` with that JSON.
 */

/** The faults that happen with a probability (`delay` is a time range instead). */
export const RATE_FAULTS = [
  'duplicate',
  'lambda.before',
  'lambda.after',
  'putEvents',
  'dynamodb.throttle',
  'dynamodb.lostResponse',
  'ses',
  'http',
] as const;

export type RateFault = (typeof RATE_FAULTS)[number];
export type FaultKind = RateFault | 'delay';
export const FAULT_KINDS: readonly FaultKind[] = [...RATE_FAULTS, 'delay'];

export interface FaultRule {
  /** Probability from 0 to 1 that one opportunity (a delivery, an invocation, a request) is faulted. */
  rate: number;
  /** Globs over the names of what is hit (function, queue, table, rule, state machine...); absent = everything. */
  scope?: string[];
}

export interface DelayRule extends FaultRule {
  minMs: number;
  maxMs: number;
}

export interface FaultPlan {
  seed: number;
  rules: Partial<Record<RateFault, FaultRule>>;
  delay?: DelayRule;
}

/** A plan the local cloud refuses: the message names the key and what is wrong with its value. */
export class FaultPlanError extends Error {
  constructor(message: string) {
    super(`fault plan: ${message}`);
    this.name = 'FaultPlanError';
  }
}

export type FaultPlanInput = string | Record<string, unknown> | undefined | null;

export const EMPTY_PLAN: FaultPlan = { seed: 1, rules: {} };

/** Parses and checks a plan in either form; throws FaultPlanError naming the first bad key or value. */
export function parseFaultPlan(input: FaultPlanInput): FaultPlan {
  if (input === undefined || input === null) return EMPTY_PLAN;
  if (typeof input === 'string') return parseFaultPlan(objectFromString(input));
  if (typeof input !== 'object' || Array.isArray(input)) throw new FaultPlanError('expected an object of fault keys, e.g. {"duplicate": 0.3}');
  const plan: FaultPlan = { seed: 1, rules: {} };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'seed') {
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw new FaultPlanError(`seed must be a non-negative integer, not ${JSON.stringify(value)}`);
      plan.seed = value as number;
    } else if (key === 'delay') {
      plan.delay = delayRule(value);
    } else if ((RATE_FAULTS as readonly string[]).includes(key)) {
      plan.rules[key as RateFault] = rateRule(key, value);
    } else {
      throw new FaultPlanError(`unknown key "${key}"; the keys are seed, ${FAULT_KINDS.join(', ')}`);
    }
  }
  return plan;
}

/** The plan as the JSON form that parses back to it (what `GET /_local/faults` shows). */
export function planToJson(plan: FaultPlan): Record<string, unknown> {
  const json: Record<string, unknown> = { seed: plan.seed };
  for (const [kind, rule] of Object.entries(plan.rules)) json[kind] = rule.scope ? { rate: rule.rate, scope: rule.scope } : rule.rate;
  if (plan.delay) {
    const range = `${plan.delay.minMs}-${plan.delay.maxMs}ms`;
    json.delay = plan.delay.scope || plan.delay.rate !== 1 ? { range, rate: plan.delay.rate, ...(plan.delay.scope ? { scope: plan.delay.scope } : {}) } : range;
  }
  return json;
}

/** `k=v,k=v@glob|glob` → the JSON form: `{k: v}` or `{k: {rate|range: v, scope: [globs]}}`. */
function objectFromString(text: string): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const part of text.split(',').map((piece) => piece.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1) throw new FaultPlanError(`"${part}" is not key=value`);
    const key = part.slice(0, eq).trim();
    const [value = '', scope] = part.slice(eq + 1).trim().split('@');
    if (key in object) throw new FaultPlanError(`key "${key}" is given twice`);
    const number = Number(value);
    const parsed = key === 'delay' ? value : value !== '' && Number.isFinite(number) ? number : value;
    object[key] = scope === undefined ? parsed : { [key === 'delay' ? 'range' : 'rate']: parsed, scope: scope.split('|') };
  }
  return object;
}

function rateRule(key: string, value: unknown): FaultRule {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { rate: value };
  for (const member of Object.keys(object)) {
    if (member !== 'rate' && member !== 'scope') throw new FaultPlanError(`${key}: unknown member "${member}" (rate, scope)`);
  }
  const rate = object.rate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new FaultPlanError(`${key} must be a probability from 0 to 1, not ${JSON.stringify(rate)}`);
  return { rate, ...scopeOf(key, object.scope) };
}

function delayRule(value: unknown): DelayRule {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { range: value };
  for (const member of Object.keys(object)) {
    if (!['range', 'rate', 'scope'].includes(member)) throw new FaultPlanError(`delay: unknown member "${member}" (range, rate, scope)`);
  }
  const range = typeof object.range === 'string' ? /^(\d+)(?:-(\d+))?(ms|s)$/.exec(object.range.trim()) : null;
  if (!range) throw new FaultPlanError(`delay must be a range like 0-500ms or 1-2s, not ${JSON.stringify(object.range)}`);
  const unit = range[3] === 's' ? 1000 : 1;
  const minMs = Number(range[1]) * unit;
  const maxMs = Number(range[2] ?? range[1]) * unit;
  if (maxMs < minMs) throw new FaultPlanError(`delay range ${object.range} ends before it starts`);
  const rate = object.rate ?? 1;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new FaultPlanError(`delay rate must be a probability from 0 to 1, not ${JSON.stringify(rate)}`);
  return { minMs, maxMs, rate, ...scopeOf('delay', object.scope) };
}

function scopeOf(key: string, scope: unknown): { scope?: string[] } {
  if (scope === undefined) return {};
  const globs = typeof scope === 'string' ? [scope] : scope;
  if (!Array.isArray(globs) || globs.length === 0 || globs.some((glob) => typeof glob !== 'string' || glob === '')) {
    throw new FaultPlanError(`${key}: scope must be a glob or a list of globs, not ${JSON.stringify(scope)}`);
  }
  return { scope: globs as string[] };
}
