import { DescribeEventBusCommand, PutPermissionCommand } from '@aws-sdk/client-eventbridge';
import type { Provisioner, ProvisionContext } from '../cloudformation/provisioners';
import { functionNameOf } from '../lambda/function-config';
import { policyDocument, type PolicyStatement } from './policy-document';

/**
 * The IAM side of a template, put in the policy model (ctx.iam): roles, their policies, Lambda permissions; bus
 * policies go through EventBridge's own PutPermission, which keeps the model's copy. Without ctx.iam (a loader given
 * no model) they only answer Ref and Fn::GetAtt.
 */

type Props = Record<string, any>;

const iamArn = (ctx: ProvisionContext, resource: string) => `arn:aws:iam::${ctx.accountId}:${resource}`;
/** CloudFormation names a role it names itself `<stack>-<logicalId>-<random>` (at most 64 characters); locally without the suffix. */
const generatedName = (ctx: ProvisionContext, max: number) => `${ctx.stackName}-${ctx.logicalId}`.slice(0, max);

/** AWS::IAM::Role: Ref is the name, GetAtt Arn and RoleId (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html). */
export const role: Provisioner = async (props, ctx) => {
  const name = (props.RoleName as string | undefined) ?? generatedName(ctx, 64);
  const arn = iamArn(ctx, `role/${name}`);
  ctx.iam?.putRole({
    arn,
    trustPolicy: policyDocument(props.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument'),
    inlinePolicies: ((props.Policies ?? []) as Props[]).map((p, i) => ({
      name: String(p.PolicyName),
      policy: policyDocument(p.PolicyDocument, `Policies[${i}].PolicyDocument`),
    })),
    managedPolicyArns: props.ManagedPolicyArns ?? [],
  });
  return { ref: name, attributes: { Arn: arn, RoleId: name } };
};

/** AWS::IAM::Policy: an inline policy of each role in Roles (role names). Users and groups do not exist locally. */
export const inlinePolicy: Provisioner = async (props, ctx) => {
  const name = String(props.PolicyName);
  const document = policyDocument(props.PolicyDocument, 'PolicyDocument');
  for (const roleName of (props.Roles ?? []) as string[]) ctx.iam?.putRolePolicy(iamArn(ctx, `role/${roleName}`), name, document);
  return { ref: generatedName(ctx, 128), attributes: { Id: generatedName(ctx, 128) } };
};

/** AWS::IAM::ManagedPolicy: Ref is its ARN; attached to each role in Roles. */
export const managedPolicy: Provisioner = async (props, ctx) => {
  const name = (props.ManagedPolicyName as string | undefined) ?? generatedName(ctx, 128);
  const arn = iamArn(ctx, `policy${props.Path ?? '/'}${name}`);
  ctx.iam?.putManagedPolicy(arn, { name, policy: policyDocument(props.PolicyDocument, 'PolicyDocument') });
  for (const roleName of (props.Roles ?? []) as string[]) ctx.iam?.attachRolePolicy(iamArn(ctx, `role/${roleName}`), arn);
  return { ref: arn, attributes: { PolicyArn: arn } };
};

/**
 * AWS::Lambda::Permission: a statement of the function's resource policy, in the shape Lambda's GetPolicy answers
 * (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html): a service principal stays a
 * service, an account id becomes its root, SourceArn an ArnLike and SourceAccount a StringEquals condition.
 */
export const lambdaPermission: Provisioner = async (props, ctx) => {
  const functionName = String(props.FunctionName);
  const functionArn = `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${functionNameOf(functionName).name}`;
  const sid = generatedName(ctx, 100);
  const condition: Record<string, Record<string, string>> = {};
  if (props.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': String(props.SourceArn) };
  if (props.SourceAccount !== undefined) condition.StringEquals = { 'AWS:SourceAccount': String(props.SourceAccount) };
  const statement: PolicyStatement = {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(String(props.Principal)),
    Action: String(props.Action),
    Resource: functionArn,
    ...(Object.keys(condition).length > 0 && { Condition: condition }),
  };
  ctx.iam?.addPermission(functionArn, statement);
  return { ref: sid, attributes: {} };
};

function principalOf(principal: string): PolicyStatement['Principal'] {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

/**
 * AWS::Events::EventBusPolicy: one statement (Sid = StatementId) of the bus's policy, put as CloudFormation does, with
 * PutPermission: the whole policy with this statement added or replaced. The older Action / Principal / Condition
 * form is PutPermission's own parameters.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbuspolicy.html
 */
export const eventBusPolicy: Provisioner = async (props, ctx) => {
  const busName = (props.EventBusName as string | undefined) ?? 'default';
  const sid = String(props.StatementId);
  if (props.Statement === undefined) {
    await ctx.clients.events.send(new PutPermissionCommand({ EventBusName: busName, StatementId: sid, Action: props.Action, Principal: props.Principal, Condition: props.Condition }));
  } else {
    const statement = { ...policyDocument({ Statement: props.Statement }, 'Statement').Statement[0]!, Sid: sid };
    const { Policy } = await ctx.clients.events.send(new DescribeEventBusCommand({ Name: busName }));
    const current = Policy ? policyDocument(Policy, `the policy of event bus ${busName}`) : { Version: '2012-10-17', Statement: [] };
    const policy = { ...current, Statement: [...current.Statement.filter((s) => s.Sid !== sid), statement] };
    await ctx.clients.events.send(new PutPermissionCommand({ EventBusName: busName, Policy: JSON.stringify(policy) }));
  }
  return { ref: sid, attributes: {} };
};
