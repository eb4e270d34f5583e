import fs from 'node:fs';
import path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SchemasClient } from '@aws-sdk/client-schemas';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { HttpApis } from '../apigateway/http-api';
import type { PolicyStore } from '../iam/policy-store';
import type { FunctionRegistration } from '../lambda/function-config';
import { referencedIds, resolve, TemplateError, type IntrinsicContext } from './intrinsics';
import { provisionerFor, type Clients, type FunctionHost, type Provisioned } from './provisioners';

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[]; Condition?: string }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: unknown }>;
}

/** A service as `sls package` left it in `.serverless/`. */
export interface PackagedService {
  servicePath: string;
  stackName: string;
  template: Template;
  /** Deployed function name → handler in the source tree (serverless-state.json), for in-process invocation. */
  sourceHandlers: Map<string, string>;
}

export interface LoadedStack {
  servicePath: string;
  stackName: string;
  resources: Map<string, Provisioned & { type: string }>;
  outputs: Record<string, unknown>;
}

export interface LoadOptions {
  /** The emulator's endpoint (the loader creates resources through the real AWS APIs). */
  endpoint: string;
  functions: FunctionHost;
  region?: string;
  accountId?: string;
  /** Added to every function's environment (e.g. AWS_ENDPOINT_URL). */
  functionEnvironment?: Record<string, string>;
  /** Routes of AWS::ApiGatewayV2 HTTP APIs go here (LocalCloud.http); without it they have no local effect. */
  httpApis?: HttpApis;
  /** Roles, their policies and Lambda permissions go here (LocalCloud.iam.policies); without it they have no local effect. */
  iam?: PolicyStore;
  log?: (line: string) => void;
}

export function readPackagedService(servicePath: string): PackagedService {
  const dir = path.join(servicePath, '.serverless');
  const templateFile = path.join(dir, 'cloudformation-template-update-stack.json');
  if (!fs.existsSync(templateFile)) throw new TemplateError(`${servicePath} is not packaged: run \`sls package\` there first`);
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as Template;
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'serverless-state.json'), 'utf8'));
  const serviceName = typeof state.service.service === 'string' ? state.service.service : state.service.service.name;
  const sourceHandlers = new Map<string, string>();
  for (const fn of Object.values((state.service.functions ?? {}) as Record<string, { name: string; handler: string }>)) {
    sourceHandlers.set(fn.name, fn.handler);
  }
  return { servicePath, stackName: `${serviceName}-${state.service.provider.stage}`, template, sourceHandlers };
}

function clients(endpoint: string, region: string): Clients {
  const config = { endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return {
    events: new EventBridgeClient(config),
    sqs: new SQSClient(config),
    sfn: new SFNClient(config),
    dynamodb: new DynamoDBClient(config),
    schemas: new SchemasClient(config),
    cloudwatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    scheduler: new SchedulerClient(config),
    cognito: new CognitoIdentityProviderClient(config),
  };
}

/** The stacks' Fn::ImportValue names, to order stacks so that exports exist before they are imported. */
function importsOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) importsOf(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, arg] of Object.entries(value)) {
      if (key === 'Fn::ImportValue' && typeof arg === 'string') into.add(arg);
      else importsOf(arg, into);
    }
  }
  return into;
}

/**
 * Creates what the packaged CloudFormation of each service declares (buses, rules and targets, archives, queues and
 * their policies, tables, state machines, registries and schemas, EventBridge Scheduler schedules, functions with their async config and SQS event
 * source mappings, SNS topics and subscriptions, CloudWatch alarms), resolving the intrinsics and cross-stack imports. A resource the emulator cannot provide stops
 * the load with a message naming it.
 */
export async function loadSystem(services: PackagedService[], options: LoadOptions): Promise<LoadedStack[]> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const api = clients(options.endpoint, region);
  const exports = new Map<string, unknown>();
  const loaded: LoadedStack[] = [];
  let pending = [...services];
  try {
    while (pending.length > 0) {
      const ready = pending.filter((s) => [...importsOf(s.template)].every((name) => exports.has(name)));
      if (ready.length === 0) {
        const missing = pending.map((s) => `${s.stackName} imports ${[...importsOf(s.template)].filter((n) => !exports.has(n)).join(', ')}`);
        throw new TemplateError(`no stack exports what these import: ${missing.join('; ')}`);
      }
      for (const service of ready) {
        const stack = await loadStack(service, { ...options, region, accountId, api, exports });
        loaded.push(stack);
        options.log?.(`loaded ${stack.stackName}: ${stack.resources.size} resources`);
      }
      pending = pending.filter((s) => !ready.includes(s));
    }
  } finally {
    for (const client of Object.values(api)) client.destroy();
  }
  return loaded;
}

async function loadStack(
  service: PackagedService,
  options: LoadOptions & { region: string; accountId: string; api: Clients; exports: Map<string, unknown> },
): Promise<LoadedStack> {
  const { template, stackName } = service;
  const resources = new Map<string, Provisioned & { type: string }>();
  const where = (logicalId: string) => `${path.basename(service.servicePath)} (${stackName}): ${logicalId}`;
  const conditions = new Map<string, boolean>();
  const ctx: IntrinsicContext = {
    stackName,
    region: options.region,
    accountId: options.accountId,
    ref: (id) => {
      const resource = resources.get(id);
      if (resource) return resource.ref;
      if (template.Parameters?.[id]) return template.Parameters[id]!.Default;
      throw new TemplateError(`Ref to ${id}, which is not a created resource or a parameter`);
    },
    getAtt: (id, attribute) => {
      const value = resources.get(id)?.attributes[attribute];
      if (value === undefined) throw new TemplateError(`Fn::GetAtt ${id}.${attribute} is not available locally`);
      return value;
    },
    importValue: (name) => {
      if (!options.exports.has(name)) throw new TemplateError(`Fn::ImportValue ${name}: no loaded stack exports it`);
      return options.exports.get(name);
    },
    condition: (name) => {
      if (!conditions.has(name)) {
        if (!template.Conditions?.[name]) throw new TemplateError(`condition ${name} is not defined`);
        conditions.set(name, resolve(template.Conditions[name], ctx) === true);
      }
      return conditions.get(name)!;
    },
  };
  const provisionContext = {
    stackName,
    region: options.region,
    accountId: options.accountId,
    servicePath: service.servicePath,
    clients: options.api,
    functions: options.functions,
    registrations: new Map<string, FunctionRegistration>(),
    sourceHandlers: service.sourceHandlers,
    functionEnvironment: options.functionEnvironment ?? {},
    httpApis: options.httpApis,
    iam: options.iam,
  };

  for (const logicalId of creationOrder(template, where)) {
    const resource = template.Resources[logicalId]!;
    if (resource.Condition && !ctx.condition(resource.Condition)) continue;
    const provision = provisionerFor(resource.Type);
    if (!provision) throw new TemplateError(`${where(logicalId)} is a ${resource.Type}, which the local emulator cannot provide`);
    try {
      const props = (resolve(resource.Properties ?? {}, ctx) ?? {}) as Record<string, unknown>;
      resources.set(logicalId, { type: resource.Type, ...(await provision(props, { ...provisionContext, logicalId })) });
    } catch (error) {
      if (error instanceof TemplateError && error.message.startsWith(path.basename(service.servicePath))) throw error;
      throw new TemplateError(`${where(logicalId)} (${resource.Type}): ${(error as Error).message}`);
    }
  }

  const outputs: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition && !ctx.condition(output.Condition)) continue;
    outputs[name] = resolve(output.Value, ctx);
    if (output.Export) options.exports.set(String(resolve(output.Export.Name, ctx)), outputs[name]);
  }
  return { servicePath: service.servicePath, stackName, resources, outputs };
}

/** Resources ordered so that each comes after what it refers to (Ref, Fn::GetAtt, Fn::Sub, DependsOn). */
function creationOrder(template: Template, where: (id: string) => string): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, from: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new TemplateError(`${where(id)}: circular reference ${[...from, id].join(' → ')}`);
    state.set(id, 'visiting');
    const resource = template.Resources[id]!;
    const deps = referencedIds(resource.Properties ?? {});
    for (const d of ([] as string[]).concat(resource.DependsOn ?? [])) deps.add(d);
    for (const dep of deps) if (template.Resources[dep]) visit(dep, [...from, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(template.Resources)) visit(id, []);
  return order;
}
