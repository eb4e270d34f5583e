/**
 * Checks resources against the CloudFormation resource specification as AWS publishes it, read from
 * @aws-cdk/aws-service-spec (the database the AWS CDK generates its L1 constructs from): each resource type exists,
 * each property exists and has a compatible type, required properties are present, and each Fn::GetAtt (or
 * `${Resource.Attribute}` of an Fn::Sub) names an attribute of its resource's type.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, Resource, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';
import type { CfnTemplate } from './placeholders';

/** What the other checks need of a resource type. */
export interface ResourceSpec {
  arnTemplate?: string;
  /** What Ref answers: a property or attribute name (`Arn`, `QueueUrl`, `FunctionName`...). */
  refIdentifier?: string;
}

export interface SpecFigures {
  resources: number;
  properties: number;
  getAtts: number;
}

/** The resource attributes CloudFormation accepts beside Type and Properties (template anatomy, Resources section). */
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy', 'Metadata']);

const isIntrinsic = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && /^(Ref|Fn::.+|Condition)$/.test(Object.keys(value)[0]!);

export class CloudFormationSpec {
  private readonly db: SpecDatabase;

  constructor() {
    this.db = loadAwsServiceSpecSync();
  }

  private resourceType(type: string): Resource | undefined {
    return this.db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
  }

  resourceSpec(type: string): ResourceSpec | undefined {
    const resource = this.resourceType(type);
    if (!resource) return undefined;
    const identifiers = resource.cfnRefIdentifier ?? resource.primaryIdentifier ?? [];
    return { arnTemplate: resource.arnTemplate, refIdentifier: identifiers[identifiers.length - 1] };
  }

  /** Checks every resource of the template; each error names the stack, the resource and the property path. */
  checkTemplate(stackName: string, template: CfnTemplate, errors: string[]): SpecFigures {
    const figures: SpecFigures = { resources: 0, properties: 0, getAtts: 0 };
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const where = `${stackName} ${logicalId}`;
      figures.resources++;
      for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.has(key)) errors.push(`${where}: ${key} is not a resource attribute CloudFormation knows`);
      const spec = this.resourceType(resource.Type);
      if (!spec) {
        errors.push(`${where}: ${resource.Type} is not a CloudFormation resource type`);
        continue;
      }
      figures.properties += this.checkProperties(`${where} (${resource.Type})`, spec.properties, resource.Properties ?? {}, errors);
    }
    figures.getAtts = this.checkGetAtts(stackName, template, errors);
    return figures;
  }

  /** Checks an object's properties against their specification; answers how many properties it checked. */
  private checkProperties(where: string, spec: Record<string, Property>, value: Record<string, unknown>, errors: string[]): number {
    let checked = 0;
    for (const [name, property] of Object.entries(spec)) {
      if (property.required && !(name in value)) errors.push(`${where}: required property ${name} is missing`);
    }
    for (const [name, propertyValue] of Object.entries(value)) {
      const property = spec[name];
      checked++;
      if (!property) {
        errors.push(`${where}: ${name} is not a property of this type`);
        continue;
      }
      checked += this.checkValue(`${where}.${name}`, property.type, propertyValue, errors);
    }
    return checked;
  }

  /** A value whose shape CloudFormation would accept for the type; an intrinsic function is resolved at deploy time. */
  private checkValue(where: string, type: PropertyType, value: unknown, errors: string[]): number {
    if (isIntrinsic(value)) return 0;
    const mismatch = () => {
      errors.push(`${where}: expected ${describe(type)}, got ${JSON.stringify(value)?.slice(0, 80)}`);
      return 0;
    };
    switch (type.type) {
      case 'json':
        return 0;
      case 'string':
        // CloudFormation takes numbers and booleans for strings (it passes their text).
        if (!['string', 'number', 'boolean'].includes(typeof value)) return mismatch();
        if (type.allowedValues && !type.allowedValues.includes(String(value))) {
          errors.push(`${where}: ${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`);
        }
        return 0;
      case 'number':
      case 'integer':
        // CloudFormation converts numeric strings (YAML often quotes them).
        if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) {
          if (type.type === 'integer' && !Number.isInteger(Number(value))) return mismatch();
          return 0;
        }
        return mismatch();
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false' ? 0 : mismatch();
      case 'date-time':
        return typeof value === 'string' ? 0 : mismatch();
      case 'null':
        return value === null ? 0 : mismatch();
      case 'tag':
        return value !== null && typeof value === 'object' && 'Key' in value && 'Value' in value ? 0 : mismatch();
      case 'array':
        if (!Array.isArray(value)) return mismatch();
        return value.reduce((n: number, item, i) => n + this.checkValue(`${where}[${i}]`, type.element, item, errors), 0);
      case 'map':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return mismatch();
        return Object.entries(value).reduce((n, [key, item]) => n + this.checkValue(`${where}.${key}`, type.element, item, errors), 0);
      case 'ref': {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return mismatch();
        const definition = this.db.get('typeDefinition', type.reference.$ref) as TypeDefinition;
        return this.checkProperties(`${where} (${definition.name})`, definition.properties, value as Record<string, unknown>, errors);
      }
      case 'union': {
        // The specification widens many properties with `json` for compatibility with its older types: a value is held
        // to the typed members of its own shape (a list to the list member), and taken as JSON only when none has it.
        const typed = type.types.filter((member) => member.type !== 'json' && shapeOf(member) === shapeOfValue(value));
        if (typed.length === 0 && type.types.some((member) => member.type === 'json')) return 0;
        let best: string[] | undefined;
        for (const member of typed.length > 0 ? typed : type.types) {
          const memberErrors: string[] = [];
          const checked = this.checkValue(where, member, value, memberErrors);
          if (memberErrors.length === 0) return checked;
          if (!best || memberErrors.length < best.length) best = memberErrors;
        }
        errors.push(...best!);
        return 0;
      }
    }
  }

  /** Every Fn::GetAtt and Fn::Sub `${Id.Attribute}` of the template names a resource and an attribute of its type. */
  private checkGetAtts(stackName: string, template: CfnTemplate, errors: string[]): number {
    let checked = 0;
    const check = (where: string, logicalId: string, attribute: string) => {
      checked++;
      const target = template.Resources[logicalId];
      if (!target) {
        errors.push(`${where}: Fn::GetAtt of ${logicalId}, which is not a resource of the template`);
        return;
      }
      const spec = this.resourceType(target.Type);
      if (spec && !(attribute in spec.attributes)) {
        errors.push(`${where}: Fn::GetAtt ${logicalId}.${attribute}: ${target.Type} has no attribute ${attribute} (it has ${Object.keys(spec.attributes).join(', ') || 'none'})`);
      }
    };
    const walk = (where: string, value: unknown) => {
      if (Array.isArray(value)) return value.forEach((v) => walk(where, v));
      if (value === null || typeof value !== 'object') return;
      for (const [key, arg] of Object.entries(value)) {
        if (key === 'Fn::GetAtt') {
          const [logicalId, ...attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
          check(where, logicalId!, attribute.join('.'));
        } else if (key === 'Fn::Sub') {
          const [text, variables = {}] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
          for (const [, name] of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
            const dot = name!.indexOf('.');
            if (dot > 0 && !name!.startsWith('AWS::') && !(name! in variables)) check(where, name!.slice(0, dot), name!.slice(dot + 1));
          }
          walk(where, variables);
        } else walk(where, arg);
      }
    };
    for (const [logicalId, resource] of Object.entries(template.Resources)) walk(`${stackName} ${logicalId}`, resource);
    for (const [name, output] of Object.entries(template.Outputs ?? {})) walk(`${stackName} output ${name}`, output);
    return checked;
  }
}

type Shape = 'list' | 'object' | 'scalar' | 'null' | 'any';

function shapeOf(type: PropertyType): Shape {
  switch (type.type) {
    case 'array':
      return 'list';
    case 'map':
    case 'ref':
    case 'tag':
      return 'object';
    case 'null':
      return 'null';
    case 'json':
    case 'union':
      return 'any';
    default:
      return 'scalar';
  }
}

const shapeOfValue = (value: unknown): Shape => (value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value === 'object' ? 'object' : 'scalar');

function describe(type: PropertyType): string {
  switch (type.type) {
    case 'array':
      return `a list of ${describe(type.element)}`;
    case 'map':
      return `a map of ${describe(type.element)}`;
    case 'union':
      return type.types.map(describe).join(' or ');
    case 'ref':
      return 'an object';
    default:
      return `a ${type.type}`;
  }
}
