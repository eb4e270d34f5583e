/**
 * Resolves the CloudFormation intrinsic functions that `sls package` templates use: Ref, Fn::GetAtt, Fn::Sub,
 * Fn::Join, Fn::Select, Fn::Split, Fn::ImportValue, Fn::GetAZs, Fn::If / Fn::Equals / Fn::Not / Fn::And / Fn::Or /
 * Condition, and the pseudo parameters. (Intrinsic function reference, AWS CloudFormation User Guide.)
 */

/** Marks a value removed by `Ref: AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue');

export interface IntrinsicContext {
  stackName: string;
  region: string;
  accountId: string;
  /** Ref of a resource or parameter, by logical id. */
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  importValue(exportName: string): unknown;
  condition(name: string): boolean;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

function pseudo(name: string, ctx: IntrinsicContext): unknown {
  switch (name) {
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/local`;
    case 'AWS::NotificationARNs':
      return [];
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

function refValue(name: string, ctx: IntrinsicContext): unknown {
  return name.startsWith('AWS::') ? pseudo(name, ctx) : ctx.ref(name);
}

function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${where} expects a string, got ${JSON.stringify(value)}`);
}

/** `${Name}`, `${Resource.Attr}`, `${!Literal}` (Fn::Sub syntax). */
function substitute(template: string, variables: Record<string, unknown>, ctx: IntrinsicContext): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return asString(variables[name], `Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return asString(ctx.getAtt(name.slice(0, dot), name.slice(dot + 1)), `Fn::Sub \${${name}}`);
    return asString(refValue(name, ctx), `Fn::Sub \${${name}}`);
  });
}

export function resolve(value: unknown, ctx: IntrinsicContext): unknown {
  const out = resolveNode(value, ctx);
  return out === NO_VALUE ? undefined : out;
}

function resolveNode(value: unknown, ctx: IntrinsicContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveNode(v, ctx)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    const fn = INTRINSICS[key];
    if (fn) return fn(arg, ctx);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const resolved = resolveNode(v, ctx);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

const INTRINSICS: Record<string, (arg: unknown, ctx: IntrinsicContext) => unknown> = {
  Ref: (arg, ctx) => refValue(asString(arg, 'Ref'), ctx),
  'Fn::GetAtt': (arg, ctx) => {
    const [logicalId, ...attribute] = Array.isArray(arg) ? (arg as unknown[]).map((a) => asString(resolveNode(a, ctx), 'Fn::GetAtt')) : asString(arg, 'Fn::GetAtt').split('.');
    return ctx.getAtt(logicalId!, attribute.join('.'));
  },
  'Fn::Sub': (arg, ctx) => {
    if (typeof arg === 'string') return substitute(arg, {}, ctx);
    const [template, variables] = arg as [string, Record<string, unknown>];
    return substitute(template, resolveNode(variables ?? {}, ctx) as Record<string, unknown>, ctx);
  },
  'Fn::Join': (arg, ctx) => {
    const [delimiter, list] = arg as [string, unknown];
    return (resolveNode(list, ctx) as unknown[]).map((v) => asString(v, 'Fn::Join')).join(delimiter);
  },
  'Fn::Select': (arg, ctx) => {
    const [index, list] = arg as [unknown, unknown];
    const items = resolveNode(list, ctx) as unknown[];
    const i = Number(resolveNode(index, ctx));
    if (!Array.isArray(items) || i < 0 || i >= items.length) throw new TemplateError(`Fn::Select index ${i} is out of range`);
    return items[i];
  },
  'Fn::Split': (arg, ctx) => {
    const [delimiter, source] = arg as [string, unknown];
    return asString(resolveNode(source, ctx), 'Fn::Split').split(delimiter);
  },
  'Fn::ImportValue': (arg, ctx) => ctx.importValue(asString(resolveNode(arg, ctx), 'Fn::ImportValue')),
  'Fn::GetAZs': (arg, ctx) => {
    const region = asString(resolveNode(arg, ctx), 'Fn::GetAZs') || ctx.region;
    return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
  },
  'Fn::If': (arg, ctx) => {
    const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
    return resolveNode(ctx.condition(condition) ? whenTrue : whenFalse, ctx);
  },
  'Fn::Equals': (arg, ctx) => {
    const [a, b] = (arg as unknown[]).map((v) => resolveNode(v, ctx));
    return JSON.stringify(a) === JSON.stringify(b);
  },
  'Fn::Not': (arg, ctx) => !(resolveNode((arg as unknown[])[0], ctx) as boolean),
  'Fn::And': (arg, ctx) => (arg as unknown[]).every((v) => resolveNode(v, ctx) === true),
  'Fn::Or': (arg, ctx) => (arg as unknown[]).some((v) => resolveNode(v, ctx) === true),
  Condition: (arg, ctx) => ctx.condition(asString(arg, 'Condition')),
};

/** The logical ids a value refers to (Ref, Fn::GetAtt, Fn::Sub), for ordering resource creation. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, arg] of Object.entries(value)) {
      if (key === 'Ref' && typeof arg === 'string' && !arg.startsWith('AWS::')) into.add(arg);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const template = typeof arg === 'string' ? arg : (arg as [string, Record<string, unknown>])[0];
        const variables = typeof arg === 'string' ? {} : ((arg as [string, Record<string, unknown>])[1] ?? {});
        for (const [, name] of template.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const id = name!.split('.')[0]!;
          if (!id.startsWith('AWS::') && !(name! in variables)) into.add(id);
        }
        referencedIds(variables, into);
      } else referencedIds(arg, into);
    }
  }
  return into;
}
