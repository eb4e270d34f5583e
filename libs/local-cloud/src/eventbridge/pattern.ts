/**
 * EventBridge event patterns: validation (as PutRule does it) and matching.
 *
 * Semantics follow the AWS docs (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * eb-create-pattern-operators.html, eb-event-patterns-arrays.html, eb-event-patterns-null-values.html) and, where
 * they are silent, aws/event-ruler, the open-source Java matcher EventBridge runs (JsonRuleCompiler, ByteMachine,
 * ACFinder, CIDR, ComparableNumber, WildcardParser). Error reasons are event-ruler's words, which AWS returns
 * verbatim as "Event pattern is not valid. Reason: ...".
 *
 * Model (event-ruler's): a pattern is a set of dotted leaf paths ("detail.state"), each with a list of
 * alternatives; `$or` forks it into several such sets (sub-rules). An event is flattened the same way into
 * (path, value) fields, where each value remembers which element of which event array it came from. A sub-rule
 * matches when every path has a matching field and all chosen fields are "array consistent" (never from two
 * different elements of the same array).
 */
import ipaddr from 'ipaddr.js';
import { AwsError } from '../errors';
import { NUMERIC_MATCH_LIMIT } from '@shop/aws-limits';

export class InvalidEventPatternError extends AwsError {
  constructor(readonly reason: string) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`, 400);
  }
}

export type EventMatcher = (event: unknown) => boolean;

type Scalar = string | number | boolean | null;

/** One leaf value of a flattened event. `membership` lists (arrayId, index) pairs, flat. */
interface Field {
  readonly value: Scalar;
  readonly membership: readonly number[];
  /** Parsed IP address bytes, computed on first use (null: not an IP literal). */
  ip?: readonly number[] | null;
}

type FlatEvent = ReadonlyMap<string, readonly Field[]>;

/** The alternatives at one leaf path: matches a field, and/or the absence of the path. */
interface Leaf {
  matches(field: Field): boolean;
  readonly acceptsAbsence: boolean;
}

interface SubRule {
  /** Sorted, as event-ruler walks them: absence is judged against the array elements chosen so far. */
  readonly paths: readonly string[];
  readonly leaves: readonly Leaf[];
}

/** Parses and validates once (throws InvalidEventPatternError with a message naming the problem, as AWS does), returns a fast matcher. */
export function compilePattern(pattern: string | Record<string, unknown>): EventMatcher {
  const root = typeof pattern === 'string' ? parseJson(pattern) : pattern;
  if (!isObject(root)) fail('Filter is not an object');
  const rules: RuleDraft[] = [];
  const wildcards = new Map<string, Set<string>>();
  compileObject(root, '', rules, false, wildcards);
  for (const texts of wildcards.values()) {
    if (wildcardComplexity([...texts]) > MAX_WILDCARD_COMPLEXITY) {
      fail('Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character');
    }
  }
  const subRules: SubRule[] = rules.map((rule) => {
    const paths = [...rule.keys()].sort();
    paths.forEach(usePath);
    return { paths, leaves: paths.map((path) => rule.get(path)!) };
  });
  return (event) => {
    if (!isObject(event)) return false;
    const flat = flatten(event);
    for (const rule of subRules) if (matchFrom(rule, flat, 0, NO_MEMBERSHIP)) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Pattern structure ($or, nesting, leaves)

type RuleDraft = Map<string, Leaf>;

/** Keys event-ruler refuses inside `$or` (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

function compileObject(
  object: Record<string, unknown>,
  prefix: string,
  rules: RuleDraft[],
  insideOr: boolean,
  wildcards: Map<string, Set<string>>,
): void {
  const keys = Object.keys(object);
  if (keys.length === 0) fail('Empty objects are not allowed');
  for (const key of keys) {
    const value = object[key];
    if (key === '$or') {
      compileOr(value, prefix, rules, wildcards);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    // Paths join with "." as in event-ruler, so {"a.b": [..]} and {"a": {"b": [..]}} are the same path (documented).
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) {
      const leaf = compileLeaf(value, path, wildcards);
      if (rules.length === 0) rules.push(new Map());
      // A path given twice in one sub-rule keeps the last (event-ruler's default "withOverriding").
      for (const rule of rules) rule.set(path, leaf);
    } else if (isObject(value)) {
      compileObject(value, path, rules, insideOr, wildcards);
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
}

/** Forks every sub-rule built so far into one per `$or` alternative (event-ruler's parseIntoOrRelationship). */
function compileOr(value: unknown, prefix: string, rules: RuleDraft[], wildcards: Map<string, Set<string>>): void {
  if (!Array.isArray(value)) fail('It must be an Array followed with $or.');
  const before = rules.splice(0, rules.length);
  for (const alternative of value) {
    if (!isObject(alternative)) fail('Only JSON object is allowed in array of $or relationship.');
    const forked = before.length === 0 ? [new Map<string, Leaf>()] : before.map((rule) => new Map(rule));
    compileObject(alternative, prefix, forked, true, wildcards);
    rules.push(...forked);
  }
  if (value.length < 2) fail('There must have at least 2 Objects in $or relationship.');
}

// ---------------------------------------------------------------------------------------------------------------
// Leaves: exact values and match expressions

type Predicate = (field: Field) => boolean;

function compileLeaf(values: unknown[], path: string, wildcards: Map<string, Set<string>>): Leaf {
  if (values.length === 0) fail('Empty arrays are not allowed');
  const strings = new Set<string>();
  const numbers = new Set<number>(); // comparable (see comparable()) values
  const literalNumbers = new Set<number>(); // outside the comparable range: literal equality only
  const literals = new Set<boolean | null>();
  const predicates: Predicate[] = [];
  let existsTrue = false;
  let acceptsAbsence = false;

  for (const value of values) {
    if (typeof value === 'string') {
      // event-ruler compares an IP literal as an address, so different spellings of one IPv6 address match.
      const ip = ipLiteralBytes(value);
      if (ip) predicates.push((field) => field.value === value || sameBytes(fieldIp(field), ip));
      else strings.add(value);
    } else if (typeof value === 'number') {
      const number = comparable(value);
      if (number === undefined) literalNumbers.add(value);
      else numbers.add(number);
    } else if (typeof value === 'boolean' || value === null) {
      literals.add(value);
    } else if (isObject(value)) {
      const expression = compileExpression(value, path, wildcards);
      if (expression === EXISTS) existsTrue = true;
      else if (expression === ABSENT) acceptsAbsence = true;
      else predicates.push(expression);
    } else {
      fail('Match value must be String, number, true, false, or null');
    }
  }

  return {
    acceptsAbsence,
    matches(field) {
      if (existsTrue) return true;
      const value = field.value;
      if (typeof value === 'string') {
        if (strings.has(value)) return true;
      } else if (typeof value === 'number') {
        const number = comparable(value);
        if (number === undefined ? literalNumbers.has(value) : numbers.has(number)) return true;
      } else if (literals.has(value)) {
        return true;
      }
      for (const predicate of predicates) if (predicate(field)) return true;
      return false;
    },
  };
}

const EXISTS = Symbol('exists');
const ABSENT = Symbol('absent');

function compileExpression(
  expression: Record<string, unknown>,
  path: string,
  wildcards: Map<string, Set<string>>,
): Predicate | typeof EXISTS | typeof ABSENT {
  const [operator, ...extra] = Object.keys(expression);
  if (operator === undefined) fail('Match expression name not found');
  const operand = expression[operator];
  const single = <T>(result: T, message = 'Only one key allowed in match expression'): T => {
    if (extra.length > 0) fail(message);
    return result;
  };
  switch (operator) {
    case 'exactly': {
      const text = requireString(operand, 'exact match pattern must be a string');
      return single((field) => field.value === text);
    }
    case 'prefix':
    case 'suffix':
      return single(compileAffix(operator, operand));
    case 'equals-ignore-case': {
      const lower = requireString(operand, 'equals-ignore-case match pattern must be a string').toLowerCase();
      return single((field) => typeof field.value === 'string' && field.value.toLowerCase() === lower);
    }
    case 'wildcard': {
      const text = requireString(operand, 'wildcard match pattern must be a string');
      const regex = wildcardRegex(text);
      let texts = wildcards.get(path);
      if (!texts) wildcards.set(path, (texts = new Set()));
      texts.add(text);
      return single((field) => typeof field.value === 'string' && regex.test(field.value));
    }
    case 'anything-but':
      return single(compileAnythingBut(operand), 'Too many elements in numeric expression');
    case 'numeric':
      if (!Array.isArray(operand)) fail('Value of numeric must be an array.');
      return single(compileNumeric(operand), 'Too many elements in numeric expression');
    case 'exists':
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false.');
      return single(operand ? EXISTS : ABSENT);
    case 'cidr':
      // event-ruler's message for a non-string cidr really does say "prefix".
      return single(compileCidr(requireString(operand, 'prefix match pattern must be a string')));
    default:
      fail(`Unrecognized match type ${operator}`);
  }
}

/** `prefix` / `suffix`, with a string or `{"equals-ignore-case": string}`. */
function compileAffix(operator: 'prefix' | 'suffix', operand: unknown): Predicate {
  const ends = operator === 'prefix'
    ? (value: string, affix: string) => value.startsWith(affix)
    : (value: string, affix: string) => value.endsWith(affix);
  if (isObject(operand)) {
    const [inner, ...extra] = Object.keys(operand);
    const Name = operator === 'prefix' ? 'Prefix' : 'Suffix';
    if (inner === undefined) fail(`${Name} expression name not found`);
    if (inner !== 'equals-ignore-case') fail(`Unsupported ${operator} pattern: ${inner}`);
    const lower = requireString(operand[inner], 'equals-ignore-case match pattern must be a string').toLowerCase();
    if (extra.length > 0) fail('Only one key allowed in match expression');
    return (field) => typeof field.value === 'string' && ends(field.value.toLowerCase(), lower);
  }
  const affix = requireString(operand, `${operator} match pattern must be a string`);
  return (field) => typeof field.value === 'string' && ends(field.value, affix);
}

/**
 * `anything-but`: a string, a number, a list of only strings or only numbers, or an object naming
 * prefix / suffix / equals-ignore-case / wildcard with a string or a list of strings. As in event-ruler, a value
 * of another type than the excluded ones always matches (anything-but "x" matches 5, null, true), and an
 * anything-but never matches an absent field.
 */
function compileAnythingBut(operand: unknown): Predicate {
  if (isObject(operand)) {
    const [kind, ...extra] = Object.keys(operand);
    if (kind === undefined) fail('Anything-But expression name not found');
    if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(kind)) fail(`Unsupported anything-but pattern: ${kind}`);
    const texts = anythingButStrings(kind, operand[kind]);
    if (extra.length > 0) fail('Too many elements in numeric expression');
    const excluded = anythingButStringTest(kind, texts);
    return (field) => typeof field.value !== 'string' || !excluded(field.value);
  }
  if (Array.isArray(operand)) {
    let strings = 0;
    let numbers = 0;
    for (const item of operand) {
      if (typeof item === 'string') strings++;
      else if (typeof item === 'number') numbers++;
      else fail('Inside anything but list, start|null|boolean is not supported.');
    }
    if ((strings > 0) === (numbers > 0)) {
      fail('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return strings > 0 ? excludeStrings(operand as string[]) : excludeNumbers(operand as number[]);
  }
  if (typeof operand === 'string') return excludeStrings([operand]);
  if (typeof operand === 'number') return excludeNumbers([operand]);
  fail('Value of anything-but must be an array or single string/number value.');
}

function anythingButStrings(kind: string, operand: unknown): string[] {
  const typeError = kind === 'equals-ignore-case'
    ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
    : kind === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string';
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number') {
    fail('Value of anything-but must be an array or single string/number value.');
  }
  const texts = Array.isArray(operand) ? operand : [operand];
  for (const text of texts) {
    if (typeof text !== 'string') fail(typeError);
    if (text === '' && (kind === 'prefix' || kind === 'suffix')) fail('Null prefix/suffix not allowed');
  }
  return texts as string[];
}

function anythingButStringTest(kind: string, texts: string[]): (value: string) => boolean {
  switch (kind) {
    case 'prefix':
      return (value) => texts.some((text) => value.startsWith(text));
    case 'suffix':
      return (value) => texts.some((text) => value.endsWith(text));
    case 'wildcard': {
      const regexes = texts.map(wildcardRegex);
      return (value) => regexes.some((regex) => regex.test(value));
    }
    default: {
      const lowered = new Set(texts.map((text) => text.toLowerCase()));
      return (value) => lowered.has(value.toLowerCase());
    }
  }
}

function excludeStrings(texts: string[]): Predicate {
  const excluded = new Set(texts);
  return (field) => typeof field.value !== 'string' || !excluded.has(field.value);
}

function excludeNumbers(values: number[]): Predicate {
  const excluded = new Set(values.map(requireComparable));
  return (field) => {
    const number = typeof field.value === 'number' ? comparable(field.value) : undefined;
    return number === undefined || !excluded.has(number);
  };
}

/** `numeric`: ["=", n] | [">"|">=", n] | ["<"|"<=", n] | [">"|">=", n, "<"|"<=", m], parsed as event-ruler does. */
function compileNumeric(terms: unknown[]): Predicate {
  const [operator, value, upperOperator, upperValue, ...extra] = terms;
  if (typeof operator !== 'string') fail(`Invalid member in numeric match: ${tokenText(operator)}`);
  const operand = (term: unknown, op: string): number => {
    if (typeof term !== 'number') fail(`Value of ${op === '=' ? 'equals' : op} must be numeric`);
    return requireComparable(term);
  };
  const onlyOne = () => {
    if (terms.length > 2) fail('Too many elements in numeric expression');
  };
  const test = (check: (n: number) => boolean): Predicate => (field) => {
    const number = typeof field.value === 'number' ? comparable(field.value) : undefined;
    return number !== undefined && check(number);
  };
  switch (operator) {
    case '=': {
      const n = operand(value, operator);
      onlyOne();
      return test((x) => x === n);
    }
    case '<':
    case '<=': {
      const top = operand(value, operator);
      onlyOne();
      return operator === '<' ? test((x) => x < top) : test((x) => x <= top);
    }
    case '>':
    case '>=': {
      const bottom = operand(value, operator);
      const above = operator === '>' ? (x: number) => x > bottom : (x: number) => x >= bottom;
      if (terms.length === 2) return test(above);
      if (typeof upperOperator !== 'string') fail(`Bad value in numeric range: ${tokenText(upperOperator)}`);
      if (upperOperator !== '<' && upperOperator !== '<=') fail(`Bad numeric range operator: ${upperOperator}`);
      const top = operand(upperValue, upperOperator);
      if (extra.length > 0) fail('Too many terms in numeric range expression');
      if (bottom >= top) fail('Bottom must be less than top');
      return upperOperator === '<' ? test((x) => above(x) && x < top) : test((x) => above(x) && x <= top);
    }
    default:
      fail(`Unrecognized numeric range operator: ${operator}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers: event-ruler compares numbers in [-5e9, 5e9] (NUMERIC_MATCH_LIMIT) at 6 decimal places ("15 digits of
// precision, or six digits to the right of the decimal point", eb-create-pattern-operators); other numbers only
// equal themselves.

function comparable(value: number): number | undefined {
  return value >= -NUMERIC_MATCH_LIMIT && value <= NUMERIC_MATCH_LIMIT ? Math.round(value * 1e6) : undefined;
}

function requireComparable(value: number): number {
  const number = comparable(value);
  if (number === undefined) fail('Value must be between -5.0E9 and 5.0E9, inclusive');
  return number;
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses (event-ruler CIDR.java): what looks like an IPv4/IPv6 literal is compared as address bytes.

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

function ipLiteralBytes(text: string): number[] | null {
  if (IPV4_SHAPE.test(text)) return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text).toByteArray() : null;
  if (!IPV6_SHAPE.test(text) || !ipaddr.IPv6.isValid(text)) return null;
  const address = ipaddr.IPv6.parse(text);
  // Java's InetAddress (used by event-ruler) reads IPv4-mapped IPv6 addresses as IPv4.
  return (address.isIPv4MappedAddress() ? address.toIPv4Address() : address).toByteArray();
}

function fieldIp(field: Field): readonly number[] | null {
  if (field.ip === undefined) field.ip = typeof field.value === 'string' ? ipLiteralBytes(field.value) : null;
  return field.ip;
}

function sameBytes(a: readonly number[] | null, b: readonly number[]): boolean {
  return a !== null && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * `cidr`: IPv4 or IPv6. Like event-ruler, the range runs from the address as written to its last host
 * address, and masks of /32 (IPv4) or /128 (IPv6) are refused (a single address is written as a plain value).
 */
function compileCidr(cidr: string): Predicate {
  const parts = cidr.split('/');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // Java's String.split drops these
  if (parts.length !== 2) fail("Malformed CIDR, one '/' required");
  const [address, maskText] = parts as [string, string];
  if (!/^[+-]?\d+$/.test(maskText)) fail('Malformed CIDR, mask bits must be an integer');
  const maskBits = Number(maskText);
  if (maskBits < 0) fail('Malformed CIDR, mask bits must not be negative');
  if (!IPV4_SHAPE.test(address) && !IPV6_SHAPE.test(address)) fail(`Nonstandard IP address: ${address}`);
  const bottom = ipLiteralBytes(address);
  if (!bottom) fail(`Invalid IP address: ${address}`);
  if (bottom.length === 4 && maskBits > 31) fail('IPv4 mask bits must be < 32');
  if (bottom.length === 16 && maskBits > 127) fail('IPv6 mask bits must be < 128');
  const top = bottom.map((byte, i) => {
    const hostBits = Math.min(8, Math.max(0, bottom.length * 8 - maskBits - (bottom.length - 1 - i) * 8));
    return byte | ((1 << hostBits) - 1);
  });
  return (field) => {
    const ip = fieldIp(field);
    return ip !== null && ip.length === bottom.length && compareBytes(ip, bottom) >= 0 && compareBytes(ip, top) <= 0;
  };
}

function compareBytes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Wildcards: "*" matches any run of characters; "\*" and "\\" are the literal characters; any other escape and
// consecutive "*" are refused (event-ruler WildcardParser; positions are its UTF-8 byte offsets in "\"value\"").

function wildcardRegex(text: string): RegExp {
  const chars = [...text]; // code points, so byte offsets count characters outside the BMP right
  let source = '';
  let byteOffset = 1;
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '*') {
      if (chars[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${byteOffset}`);
      source += '[\\s\\S]*';
    } else if (char === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${byteOffset}`);
      source += `\\${next}`;
      i++;
      byteOffset++;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    byteOffset += Buffer.byteLength(char, 'utf8');
  }
  return new RegExp(`^${source}$`);
}

/**
 * AWS refuses wildcard patterns that keep too many partial matches alive at once ("Rule is too complex",
 * eb-create-pattern-operators.html#eb-filtering-wildcard-matching-complexity) without publishing the limit.
 * We count, per field, the most wildcard-pattern NFA states one input can keep alive (event-ruler's
 * MachineComplexityEvaluator idea) and refuse more than 10: this refuses the patterns AWS is known to refuse
 * ("*:*:*:*:*:event-bus/*"; "*.bif","*.tiff","*.tif","*.svs" on one field) and accepts those it accepts
 * ("/Users/*\/dir/dir/dir/dir/dir/doc.txt"; "*\/datasync/*.bif","*\/datasync/*.tif").
 */
const MAX_WILDCARD_COMPLEXITY = 10;

function wildcardComplexity(texts: string[]): number {
  const WILD = -1;
  const patterns = texts.map((text) => {
    const tokens: number[] = [34]; // event-ruler matches strings with their quotes
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '*') tokens.push(WILD);
      else tokens.push(text.charCodeAt(text[i] === '\\' ? ++i : i));
    }
    tokens.push(34);
    return tokens;
  });
  const offsets = patterns.map((_, p) => patterns.slice(0, p).reduce((sum, tokens) => sum + tokens.length + 1, 0));
  const decode = (state: number): [number[], number] => {
    let p = 0;
    while (p + 1 < patterns.length && offsets[p + 1]! <= state) p++;
    return [patterns[p]!, state - offsets[p]!];
  };
  const close = (states: Set<number>): Set<number> => {
    for (const state of states) {
      const [tokens, position] = decode(state);
      if (tokens[position] === WILD) states.add(state + 1); // a wildcard may match nothing
    }
    return states;
  };
  const alphabet = [...new Set(patterns.flat().filter((token) => token !== WILD)), 0];
  const start = close(new Set(offsets));
  const seen = new Set<string>();
  const queue = [start];
  let worst = 0;
  while (queue.length > 0) {
    const states = queue.pop()!;
    const key = [...states].sort((a, b) => a - b).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const alive = [...states].filter((state) => {
      const [tokens, position] = decode(state);
      return position < tokens.length;
    }).length;
    worst = Math.max(worst, alive);
    if (worst > MAX_WILDCARD_COMPLEXITY) return worst;
    for (const char of alphabet) {
      const next = new Set<number>();
      for (const state of states) {
        const [tokens, position] = decode(state);
        if (tokens[position] === WILD) next.add(state);
        else if (tokens[position] === char) next.add(state + 1);
      }
      if (next.size > 0) queue.push(close(next));
    }
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------------------------
// Events: flattening and array-consistent matching

const NO_MEMBERSHIP: readonly number[] = [];
const NO_FIELDS: readonly Field[] = [];

/**
 * The tree of every path some compiled pattern uses ("detail" > "state"): flattening visits only these, as
 * event-ruler does, and reuses their path strings. Grows as patterns compile; `pathsVersion` tells the cache
 * below when it did.
 */
interface PathNode {
  readonly path: string;
  readonly children: Map<string, PathNode>;
}

const usedPaths: PathNode = { path: '', children: new Map() };
let pathsVersion = 0;

function usePath(path: string): void {
  let node = usedPaths;
  for (const segment of path.split('.')) {
    let child = node.children.get(segment);
    if (!child) {
      child = { path: node.path === '' ? segment : `${node.path}.${segment}`, children: new Map() };
      node.children.set(segment, child);
      pathsVersion++;
    }
    node = child;
  }
}

/** The node of an event key, which may itself contain dots ({"state.status": ..} is state > status). */
function childNode(node: PathNode, key: string): PathNode | undefined {
  const child = node.children.get(key);
  if (child || !key.includes('.')) return child;
  let descendant: PathNode | undefined = node;
  for (const segment of key.split('.')) descendant = descendant?.children.get(segment);
  return descendant;
}

/**
 * The last event flattened: a bus matches one event against all its rules in a row, so they share one
 * flattening (a WeakMap cache costs more in garbage collection than it saves). Events are treated as immutable
 * while they are matched.
 */
let lastEvent: object | undefined;
let lastVersion = -1;
let lastFlat: FlatEvent = new Map();

function flatten(event: Record<string, unknown>): FlatEvent {
  if (event !== lastEvent || lastVersion !== pathsVersion) {
    const fields = new Map<string, Field[]>();
    addFields(fields, event, usedPaths, NO_MEMBERSHIP, { arrays: 0 });
    lastEvent = event;
    lastVersion = pathsVersion;
    lastFlat = fields;
  }
  return lastFlat;
}

function addFields(fields: Map<string, Field[]>, value: unknown, node: PathNode, membership: readonly number[], counter: { arrays: number }): void {
  if (Array.isArray(value)) {
    const id = counter.arrays++;
    for (let index = 0; index < value.length; index++) addFields(fields, value[index], node, [...membership, id, index], counter);
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      const child = childNode(node, key);
      if (child) addFields(fields, value[key], child, membership, counter);
    }
  } else if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const list = fields.get(node.path);
    if (list) list.push({ value, membership });
    else fields.set(node.path, [{ value, membership }]);
  }
}

/** Tries paths in order, backtracking over fields, keeping the chosen fields array consistent. */
function matchFrom(rule: SubRule, flat: FlatEvent, index: number, membership: readonly number[]): boolean {
  if (index === rule.paths.length) return true;
  const leaf = rule.leaves[index]!;
  let present = false;
  const fields = flat.get(rule.paths[index]!) ?? NO_FIELDS;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const merged = mergeMembership(membership, field.membership);
    if (merged === null) continue;
    present = true;
    if (leaf.matches(field) && matchFrom(rule, flat, index + 1, merged)) return true;
  }
  // exists:false holds when no field of the path sits in the array elements chosen so far (event-ruler ACFinder).
  return !present && leaf.acceptsAbsence && matchFrom(rule, flat, index + 1, membership);
}

/** Combined membership, or null if the two pick different elements of the same array. */
function mergeMembership(current: readonly number[], added: readonly number[]): readonly number[] | null {
  if (added.length === 0) return current;
  if (current.length === 0) return added;
  const merged = [...current];
  for (let i = 0; i < added.length; i += 2) {
    const at = indexOfArray(current, added[i]!);
    if (at < 0) merged.push(added[i]!, added[i + 1]!);
    else if (current[at + 1] !== added[i + 1]) return null;
  }
  return merged;
}

function indexOfArray(membership: readonly number[], arrayId: number): number {
  for (let i = 0; i < membership.length; i += 2) if (membership[i] === arrayId) return i;
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    fail((error as Error).message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, message: string): string {
  if (typeof value !== 'string') fail(message);
  return value;
}

/** How event-ruler's JSON parser shows the token it choked on ("]" when the array ended). */
function tokenText(value: unknown): string {
  return value === undefined ? ']' : typeof value === 'string' ? value : JSON.stringify(value);
}

function fail(reason: string): never {
  throw new InvalidEventPatternError(reason);
}
