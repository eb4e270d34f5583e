/**
 * The packaged templates checked against references AWS maintains, not against the local emulator: the CloudFormation
 * resource specification, the Amazon States Language validators, and the IAM Service Authorization Reference.
 * `npm run check:templates` prints the figures; tests/contracts/aws-references.test.ts fails on any error.
 */
import { CloudFormationSpec } from './cloudformation-spec';
import { checkIamPolicies } from './iam';
import { placeholderContexts, type StackTemplate } from './placeholders';
import { checkStateMachines } from './state-machines';

export type { StackTemplate } from './placeholders';

export interface ReferenceFigures {
  templates: number;
  resources: number;
  properties: number;
  getAtts: number;
  stateMachines: number;
  policies: number;
  actions: number;
  conditionKeys: number;
  arns: number;
}

export interface ReferenceReport {
  errors: string[];
  figures: ReferenceFigures;
}

let spec: CloudFormationSpec | undefined;
/** The specification database takes seconds to load: once per process. */
const cloudFormationSpec = () => (spec ??= new CloudFormationSpec());

/** Checks the templates together (one may import another's exports); every error names its stack and resource. */
export async function checkTemplates(stacks: StackTemplate[]): Promise<ReferenceReport> {
  const cfn = cloudFormationSpec();
  const contexts = placeholderContexts(stacks, (type) => cfn.resourceSpec(type));
  const errors: string[] = [];
  const figures: ReferenceFigures = { templates: 0, resources: 0, properties: 0, getAtts: 0, stateMachines: 0, policies: 0, actions: 0, conditionKeys: 0, arns: 0 };
  for (const { stackName, template } of stacks) {
    const ctx = contexts.get(stackName)!;
    figures.templates++;
    const resources = cfn.checkTemplate(stackName, template, errors);
    figures.resources += resources.resources;
    figures.properties += resources.properties;
    figures.getAtts += resources.getAtts;
    figures.stateMachines += await checkStateMachines(stackName, template, ctx, errors);
    const iam = await checkIamPolicies(stackName, template, ctx, errors);
    figures.policies += iam.policies;
    figures.actions += iam.actions;
    figures.conditionKeys += iam.conditionKeys;
    figures.arns += iam.arns;
  }
  return { errors, figures };
}
