/**
 * What a rule target receives: the event, a constant (Input), a part of the event (InputPath) or an input
 * transformer's rendering (InputTransformer).
 *
 * Sources: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html and API_InputTransformer.html
 * (limits from the service model), and behaviour AWS was observed to have (LocalStack's AWS-validated snapshots):
 * a path that matches nothing renders as an empty string, `<aws.events.event>` is the envelope without `detail`
 * and with `detail-type` spelled `detailType`.
 */
import { JSONPath } from 'jsonpath-plus';
import { validationError } from '../errors';

export interface TargetInputConfig { Input?: string; InputPath?: string; InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string } }
export interface InputContext { ruleArn: string; ruleName: string; ingestionTime: string /* ISO */ }

const MAX_INPUT_LENGTH = 8192;
const MAX_INPUT_PATH_LENGTH = 256;
const MAX_TEMPLATE_LENGTH = 8192;
const MAX_PATHS = 100;
const MAX_PATH_KEY_LENGTH = 256;
const PATH_KEY = /^[A-Za-z0-9_-]+$/;

/** Variables every template may use without defining them; they can't be redefined. */
const RESERVED = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json'];

/** Validates at PutTargets time (AwsError 'ValidationException' with a clear message): at most one of Input/InputPath/InputTransformer, InputPathsMap keys/paths valid, template placeholders defined, limits from the docs. */
export function validateTargetInput(config: TargetInputConfig): void {
  const { Input, InputPath, InputTransformer } = config;
  if ([Input, InputPath, InputTransformer].filter((given) => given !== undefined).length > 1) {
    throw validationError('Only one of Input, InputPath, or InputTransformer must be provided.');
  }
  if (Input !== undefined) {
    maxLength(Input, MAX_INPUT_LENGTH, 'input');
    try {
      JSON.parse(Input);
    } catch {
      throw validationError('Input must be valid JSON text.');
    }
  }
  if (InputPath !== undefined) validatePath(InputPath, 'inputPath', 'InputPath');
  if (InputTransformer !== undefined) validateTransformer(InputTransformer);
}

function validateTransformer({ InputPathsMap = {}, InputTemplate }: NonNullable<TargetInputConfig['InputTransformer']>): void {
  if (typeof InputTemplate !== 'string' || InputTemplate.length === 0) {
    throw validationError("1 validation error detected: Value at 'inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null and must have length greater than or equal to 1");
  }
  maxLength(InputTemplate, MAX_TEMPLATE_LENGTH, 'inputTransformer.inputTemplate');
  const entries = Object.entries(InputPathsMap);
  if (entries.length > MAX_PATHS) {
    throw validationError(`1 validation error detected: Value at 'inputTransformer.inputPathsMap' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PATHS}`);
  }
  for (const [key, path] of entries) {
    if (!PATH_KEY.test(key) || key.length > MAX_PATH_KEY_LENGTH) {
      throw validationError(`1 validation error detected: Value '${key}' at 'inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+, Member must have length less than or equal to ${MAX_PATH_KEY_LENGTH}]`);
    }
    validatePath(path, 'inputTransformer.inputPathsMap', `InputPathsMap value for ${key}`);
  }
  const template = parseTemplate(InputTemplate);
  for (const part of template.parts) {
    if (typeof part === 'string') continue;
    if (!RESERVED.includes(part.name) && !Object.hasOwn(InputPathsMap, part.name)) {
      throw validationError(`InputTemplate contains invalid placeholder ${part.name}.`);
    }
    if (part.objectKey && InputTemplate.trimStart().startsWith('{')) {
      // API_InputTransformer: "If InputTemplate is a JSON object ... The placeholder cannot be used as an object key."
      throw validationError(`InputTemplate uses placeholder ${part.name} as an object key, which is not allowed.`);
    }
  }
}

function validatePath(path: unknown, member: string, what: string): void {
  if (typeof path !== 'string') throw validationError(`${what} must be a string.`);
  maxLength(path, MAX_INPUT_PATH_LENGTH, member);
  let valid = path.startsWith('$');
  if (valid) {
    try {
      JSONPath({ path, json: {}, wrap: true });
    } catch {
      valid = false;
    }
  }
  if (!valid) throw validationError(`${what} is not a valid JSON path: ${path}`);
}

function maxLength(value: string, max: number, member: string): void {
  if (value.length > max) {
    throw validationError(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** The exact string the target receives for this event. */
export function renderTargetInput(event: Record<string, unknown>, config: TargetInputConfig, context: InputContext): string {
  if (config.Input !== undefined) return config.Input;
  if (config.InputPath !== undefined) {
    const value = select(event, config.InputPath);
    // AWS doesn't document a path that selects nothing; the target gets JSON null rather than no input.
    return JSON.stringify(value === MISSING ? null : value);
  }
  if (config.InputTransformer !== undefined) return transform(event, config.InputTransformer, context);
  return JSON.stringify(event);
}

const MISSING = Symbol('missing');

/** A JSONPath's value: the single match, all matches (as an array) for a path that can match several, or MISSING. */
function select(event: unknown, path: string): unknown {
  const matches = JSONPath({ path, json: event as object, wrap: true }) as unknown[];
  if (matches.length === 0) return MISSING;
  return INDEFINITE_PATH.test(path) ? matches : matches[0];
}

/** Wildcards, deep scans, filters, unions and slices can match several values. */
const INDEFINITE_PATH = /\*|\.\.|\?\(|,|\[[^\]]*:[^\]]*\]/;

interface Placeholder {
  readonly name: string;
  /** Inside a string literal of the template: the value goes in unquoted. */
  readonly quoted: boolean;
  /** Used where a JSON object expects a key. */
  readonly objectKey: boolean;
}

interface Template {
  readonly parts: ReadonlyArray<string | Placeholder>;
  /** Whether the template is JSON once its placeholders hold values; otherwise it is plain text. */
  readonly json: boolean;
}

const templates = new Map<string, Template>();

/**
 * Splits a template into text and `<name>` placeholders ("<" and ">" can't be escaped), noting which ones sit
 * inside JSON string literals. Cached: a target renders the same template for every event.
 */
function parseTemplate(text: string): Template {
  let template = templates.get(text);
  if (template) return template;
  const parts: Array<string | Placeholder> = [];
  const placeholder = /<([^<>]+)>/y;
  let quoted = false;
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    placeholder.lastIndex = i;
    const found = char === '<' ? placeholder.exec(text) : null;
    if (found) {
      if (literal) parts.push(literal);
      literal = '';
      const after = text.slice(i + found[0].length).trimStart();
      parts.push({ name: found[1]!, quoted, objectKey: !quoted && after.startsWith(':') });
      i += found[0].length - 1;
      continue;
    }
    if (char === '"' && !escaped(text, i)) quoted = !quoted;
    literal += char;
  }
  if (literal) parts.push(literal);
  // Probe with a stand-in value for each placeholder to learn whether the template is JSON.
  const probe = parts.map((part) => (typeof part === 'string' ? part : part.quoted ? '' : 'null')).join('');
  let json = true;
  try {
    JSON.parse(probe);
  } catch {
    json = false;
  }
  template = { parts, json };
  if (templates.size > 1000) templates.clear();
  templates.set(text, template);
  return template;
}

function escaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function transform(event: Record<string, unknown>, transformer: NonNullable<TargetInputConfig['InputTransformer']>, context: InputContext): string {
  const template = parseTemplate(transformer.InputTemplate);
  const paths = transformer.InputPathsMap ?? {};
  const values = new Map<string, unknown>();
  const valueOf = (name: string): unknown => {
    if (!values.has(name)) values.set(name, Object.hasOwn(paths, name) ? select(event, paths[name]!) : reserved(name, event, context));
    return values.get(name);
  };
  return template.parts
    .map((part) => (typeof part === 'string' ? part : render(valueOf(part.name), part.quoted, template.json)))
    .join('');
}

function reserved(name: string, event: Record<string, unknown>, context: InputContext): unknown {
  switch (name) {
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.rule-name':
      return context.ruleName;
    case 'aws.events.event.ingestion-time':
      return context.ingestionTime;
    case 'aws.events.event.json':
      return event;
    case 'aws.events.event': {
      // The envelope without detail, keys in the order AWS sends them.
      const { detail: _detail, 'detail-type': detailType, id, account, time: _time, source, region, resources, version, ...rest } = event;
      return { id, account, detailType, time: context.ingestionTime, source, region, resources, version, ...rest };
    }
    default:
      return MISSING;
  }
}

/**
 * AWS's quoting rules: in a JSON template, a string placed outside quotes becomes a JSON string; inside quotes
 * any string goes in raw ("EventBridge doesn't escape values extracted by Input Path") and an object or array
 * loses its quotes so the string stays valid. A path that matched nothing renders as an empty string.
 */
function render(value: unknown, quoted: boolean, json: boolean): string {
  const raw = quoted || !json;
  if (value === MISSING) return raw ? '' : '""';
  if (typeof value === 'string') return raw ? value : JSON.stringify(value);
  const text = JSON.stringify(value) ?? 'null';
  return quoted && typeof value === 'object' && value !== null ? text.replace(/"/g, '') : text;
}
