/**
 * Resolves a packaged template's intrinsic functions to plain values without deploying it: every Ref and Fn::GetAtt
 * answers a placeholder shaped as AWS would answer it (an ARN from the resource type's ARN template in the
 * CloudFormation resource specification, filled from the resource's own name properties), so that a state machine
 * definition becomes plain ASL and a policy's Resource a concrete ARN pattern. Imports are read from the exports of
 * the other templates given, as CloudFormation would.
 */
import { resolve, TemplateError, type IntrinsicContext } from '../../libs/local-cloud/src/cloudformation/intrinsics';
import type { ResourceSpec } from './cloudformation-spec';

export const PLACEHOLDER_ACCOUNT = '123456789012';
export const PLACEHOLDER_REGION = 'us-east-1';

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [attribute: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface StackTemplate {
  stackName: string;
  template: CfnTemplate;
}

/** Fills an ARN template's `${Partition}`, `${Region}`, `${Account}` and `${Name}`s (from the resource's properties). */
function fillArn(arnTemplate: string, logicalId: string, properties: Record<string, unknown>): string {
  return arnTemplate.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'Partition') return 'aws';
    if (name === 'Region') return PLACEHOLDER_REGION;
    if (name === 'Account') return PLACEHOLDER_ACCOUNT;
    const own = properties[name];
    return typeof own === 'string' ? own : logicalId;
  });
}

export class PlaceholderContext implements IntrinsicContext {
  readonly region = PLACEHOLDER_REGION;
  readonly accountId = PLACEHOLDER_ACCOUNT;
  /** Resources whose name properties are being resolved (a name may itself refer to another resource). */
  private readonly resolving = new Set<string>();

  constructor(
    readonly stackName: string,
    private readonly template: CfnTemplate,
    private readonly spec: (type: string) => ResourceSpec | undefined,
    private readonly exports: Map<string, unknown>,
  ) {}

  private resource(logicalId: string) {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new TemplateError(`${this.stackName}: reference to ${logicalId}, which is not a resource of the template`);
    return resource;
  }

  /** The resource's string properties, resolved (names are often Fn::Join or Fn::Sub); a cycle leaves them unresolved. */
  private properties(logicalId: string): Record<string, unknown> {
    const { Properties = {} } = this.resource(logicalId);
    if (this.resolving.has(logicalId)) return {};
    this.resolving.add(logicalId);
    try {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(Properties)) {
        if (key.endsWith('Name') || key === 'Name') out[key] = resolve(value, this);
      }
      return out;
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  private arn(logicalId: string): string {
    const { Type } = this.resource(logicalId);
    const arnTemplate = this.spec(Type)?.arnTemplate;
    if (!arnTemplate) return `arn:aws:placeholder:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:${logicalId}`;
    return fillArn(arnTemplate, logicalId, this.properties(logicalId));
  }

  ref(logicalId: string): unknown {
    const { Type } = this.resource(logicalId);
    const identifier = this.spec(Type)?.refIdentifier;
    if (identifier === 'Arn') return this.arn(logicalId);
    const named = identifier ? this.properties(logicalId)[identifier] : undefined;
    return typeof named === 'string' ? named : `${logicalId}-ref`;
  }

  getAtt(logicalId: string, attribute: string): unknown {
    this.resource(logicalId);
    if (attribute === 'Arn') return this.arn(logicalId);
    const named = this.properties(logicalId)[attribute];
    return typeof named === 'string' ? named : `${logicalId}.${attribute}`;
  }

  importValue(exportName: string): unknown {
    if (!this.exports.has(exportName)) throw new TemplateError(`${this.stackName} imports ${exportName}, which no template exports`);
    return this.exports.get(exportName);
  }

  condition(): boolean {
    throw new TemplateError(`${this.stackName}: conditions are not used by the packaged templates`);
  }
}

/** Every template's resolved exports, by name, then a context per template that can import them. */
export function placeholderContexts(stacks: StackTemplate[], spec: (type: string) => ResourceSpec | undefined): Map<string, PlaceholderContext> {
  const exports = new Map<string, unknown>();
  const contexts = new Map(stacks.map((s) => [s.stackName, new PlaceholderContext(s.stackName, s.template, spec, exports)]));
  for (const { stackName, template } of stacks) {
    const ctx = contexts.get(stackName)!;
    for (const output of Object.values(template.Outputs ?? {})) {
      if (output.Export) exports.set(String(resolve(output.Export.Name, ctx)), resolve(output.Value, ctx));
    }
  }
  return contexts;
}
