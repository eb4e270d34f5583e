import type { Cloud } from '../cloud';
import { AwsError } from '../errors';
import { canonicalContent, isSchemaType, parseSchemaContent, SCHEMA_TYPES, type SchemaType } from './schema-content';

/**
 * The EventBridge Schemas registry: custom registries holding versioned schemas.
 * API: https://docs.aws.amazon.com/eventbridge/latest/schema-reference/what-is-eventbridge-schemas.html
 * Member names and limits follow the service model the AWS SDK is generated from (PascalCase members,
 * ISO-8601 timestamps; `Tags` travels as `tags`, renamed by the REST binding).
 */

type Tags = Record<string, string>;

interface SchemaVersion {
  version: string;
  type: SchemaType;
  content: string;
  canonical: string;
  created: Date;
}

interface StoredSchema {
  name: string;
  description?: string;
  tags: Tags;
  lastModified: Date;
  versions: SchemaVersion[];
}

interface Registry {
  name: string;
  description?: string;
  tags: Tags;
  schemas: Map<string, StoredSchema>;
}

// Limits of the service model: Content 1..100000 characters, Description 0..256.
const MAX_CONTENT = 100_000;
const MAX_DESCRIPTION = 256;
const DEFAULT_PAGE_SIZE = 100;

const notFound = (message: string) => new AwsError('NotFoundException', message, 404);
const badRequest = (message: string) => new AwsError('BadRequestException', message, 400);
const conflict = (message: string) => new AwsError('ConflictException', message, 409);

function requireName(value: unknown, member: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(`${member} is required.`);
  return value;
}

function checkDescription(description: unknown): string | undefined {
  if (description === undefined) return undefined;
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION) {
    throw badRequest(`Description must be a string of at most ${MAX_DESCRIPTION} characters.`);
  }
  return description;
}

function checkType(type: unknown): SchemaType {
  if (!isSchemaType(type)) throw badRequest(`Type must be one of ${SCHEMA_TYPES.join(', ')}; got ${JSON.stringify(type)}.`);
  return type;
}

function checkContent(type: SchemaType, content: unknown): { content: string; canonical: string } {
  if (typeof content !== 'string' || content.length < 1 || content.length > MAX_CONTENT) {
    throw badRequest(`Content must be a string of 1 to ${MAX_CONTENT} characters.`);
  }
  return { content, canonical: canonicalContent(parseSchemaContent(type, content)) };
}

/** Offset pagination: NextToken is the index of the next item. */
function page<T>(items: T[], limit: unknown, nextToken: unknown): { items: T[]; NextToken?: string } {
  const size = limit === undefined ? DEFAULT_PAGE_SIZE : Number(limit);
  if (!Number.isInteger(size) || size < 1) throw badRequest('Limit must be a positive integer.');
  const start = nextToken === undefined ? 0 : Number.parseInt(Buffer.from(String(nextToken), 'base64url').toString(), 10);
  if (!Number.isInteger(start) || start < 0) throw badRequest('NextToken is not valid.');
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}) };
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

export class SchemasService {
  private readonly registries = new Map<string, Registry>();

  constructor(private readonly cloud: Cloud) {}

  async dispatch(operation: string, input: any): Promise<unknown> {
    switch (operation) {
      case 'CreateRegistry':
        return this.createRegistry(input);
      case 'DescribeRegistry':
        return this.registryOutput(this.registry(input.RegistryName));
      case 'UpdateRegistry':
        return this.updateRegistry(input);
      case 'ListRegistries':
        return this.listRegistries(input);
      case 'DeleteRegistry':
        return this.deleteRegistry(input);
      case 'CreateSchema':
        return this.createSchema(input);
      case 'UpdateSchema':
        return this.updateSchema(input);
      case 'DescribeSchema':
        return this.describeSchema(input);
      case 'ListSchemas':
        return this.listSchemas(input);
      case 'ListSchemaVersions':
        return this.listSchemaVersions(input);
      case 'DeleteSchema':
        return this.deleteSchema(input);
      default:
        throw badRequest(`${operation} is not supported by the local Schemas registry.`);
    }
  }

  private registryArn(registry: string): string {
    return this.cloud.arn('schemas', `registry/${registry}`);
  }

  private schemaArn(registry: string, schema: string): string {
    return this.cloud.arn('schemas', `schema/${registry}/${schema}`);
  }

  private registry(name: unknown): Registry {
    const registry = this.registries.get(requireName(name, 'RegistryName'));
    if (!registry) throw notFound(`Registry with name ${String(name)} does not exist.`);
    return registry;
  }

  private schema(input: any): { registry: Registry; schema: StoredSchema } {
    const registry = this.registry(input.RegistryName);
    const schema = registry.schemas.get(requireName(input.SchemaName, 'SchemaName'));
    if (!schema) throw notFound(`Schema with name ${input.SchemaName} does not exist in registry ${registry.name}.`);
    return { registry, schema };
  }

  private registryOutput(registry: Registry) {
    return {
      Description: registry.description,
      RegistryArn: this.registryArn(registry.name),
      RegistryName: registry.name,
      Tags: registry.tags,
    };
  }

  private schemaOutput(registry: Registry, schema: StoredSchema, version: SchemaVersion) {
    return {
      Description: schema.description,
      LastModified: schema.lastModified.toISOString(),
      SchemaArn: this.schemaArn(registry.name, schema.name),
      SchemaName: schema.name,
      SchemaVersion: version.version,
      Tags: schema.tags,
      Type: version.type,
      VersionCreatedDate: version.created.toISOString(),
    };
  }

  private createRegistry(input: any) {
    const name = requireName(input.RegistryName, 'RegistryName');
    if (this.registries.has(name)) throw conflict(`Registry with name ${name} already exists.`);
    const registry: Registry = { name, description: checkDescription(input.Description), tags: { ...input.Tags }, schemas: new Map() };
    this.registries.set(name, registry);
    this.cloud.record({ service: 'schemas', type: 'registry.created', registryName: name });
    return this.registryOutput(registry);
  }

  private updateRegistry(input: any) {
    const registry = this.registry(input.RegistryName);
    const description = checkDescription(input.Description);
    if (description !== undefined) registry.description = description;
    return this.registryOutput(registry);
  }

  private listRegistries(input: any) {
    // Every registry created here is a custom one (Scope LOCAL); the AWS-owned registries are not emulated.
    const prefix: string = input.RegistryNamePrefix ?? '';
    const matching = input.Scope === 'AWS' ? [] : [...this.registries.values()].filter((r) => r.name.startsWith(prefix));
    const { items, NextToken } = page(matching.sort(byName), input.Limit, input.NextToken);
    return {
      Registries: items.map((r) => ({ RegistryArn: this.registryArn(r.name), RegistryName: r.name, Tags: r.tags })),
      NextToken,
    };
  }

  private deleteRegistry(input: any): undefined {
    const registry = this.registry(input.RegistryName);
    this.registries.delete(registry.name);
    this.cloud.record({ service: 'schemas', type: 'registry.deleted', registryName: registry.name });
    return undefined;
  }

  private createSchema(input: any) {
    const registry = this.registry(input.RegistryName);
    const name = requireName(input.SchemaName, 'SchemaName');
    // The service model lists no ConflictException for CreateSchema, but a second schema of the same name
    // cannot be created: UpdateSchema is the way to add a version.
    if (registry.schemas.has(name)) throw conflict(`Schema with name ${name} already exists in registry ${registry.name}.`);
    const type = checkType(input.Type);
    const { content, canonical } = checkContent(type, input.Content);
    const now = new Date();
    const version: SchemaVersion = { version: '1', type, content, canonical, created: now };
    const schema: StoredSchema = { name, description: checkDescription(input.Description), tags: { ...input.Tags }, lastModified: now, versions: [version] };
    registry.schemas.set(name, schema);
    this.cloud.record({ service: 'schemas', type: 'schema.created', registryName: registry.name, schemaName: name, schemaVersion: '1' });
    return this.schemaOutput(registry, schema, version);
  }

  /** New content (or type) makes a new version '2', '3', ...; the same content only updates the description. */
  private updateSchema(input: any) {
    const { registry, schema } = this.schema(input);
    const latest = schema.versions.at(-1)!;
    const description = checkDescription(input.Description);
    const type = input.Type === undefined ? latest.type : checkType(input.Type);
    const now = new Date();
    let current = latest;
    if (input.Content !== undefined || type !== latest.type) {
      const { content, canonical } = checkContent(type, input.Content ?? latest.content);
      if (canonical !== latest.canonical || type !== latest.type) {
        current = { version: String(Number(latest.version) + 1), type, content, canonical, created: now };
        schema.versions.push(current);
        this.cloud.record({
          service: 'schemas',
          type: 'schema.versioned',
          registryName: registry.name,
          schemaName: schema.name,
          schemaVersion: current.version,
        });
      }
    }
    if (description !== undefined) schema.description = description;
    if (current !== latest || description !== undefined) schema.lastModified = now;
    return this.schemaOutput(registry, schema, current);
  }

  private describeSchema(input: any) {
    const { registry, schema } = this.schema(input);
    const version =
      input.SchemaVersion === undefined ? schema.versions.at(-1)! : schema.versions.find((v) => v.version === String(input.SchemaVersion));
    if (!version) throw notFound(`Schema ${schema.name} has no version ${input.SchemaVersion} in registry ${registry.name}.`);
    return { ...this.schemaOutput(registry, schema, version), Content: version.content };
  }

  private listSchemas(input: any) {
    const registry = this.registry(input.RegistryName);
    const prefix: string = input.SchemaNamePrefix ?? '';
    const matching = [...registry.schemas.values()].filter((s) => s.name.startsWith(prefix)).sort(byName);
    const { items, NextToken } = page(matching, input.Limit, input.NextToken);
    return {
      Schemas: items.map((s) => ({
        LastModified: s.lastModified.toISOString(),
        SchemaArn: this.schemaArn(registry.name, s.name),
        SchemaName: s.name,
        Tags: s.tags,
        VersionCount: s.versions.length,
      })),
      NextToken,
    };
  }

  private listSchemaVersions(input: any) {
    const { registry, schema } = this.schema(input);
    const { items, NextToken } = page(schema.versions, input.Limit, input.NextToken);
    return {
      SchemaVersions: items.map((v) => ({
        SchemaArn: this.schemaArn(registry.name, schema.name),
        SchemaName: schema.name,
        SchemaVersion: v.version,
        Type: v.type,
      })),
      NextToken,
    };
  }

  private deleteSchema(input: any): undefined {
    const { registry, schema } = this.schema(input);
    registry.schemas.delete(schema.name);
    this.cloud.record({ service: 'schemas', type: 'schema.deleted', registryName: registry.name, schemaName: schema.name });
    return undefined;
  }
}
