import { listServices } from '../../scripts/package-services';
import { packagedResources } from './services';
// The plugin is plain CommonJS: the Serverless Framework requires it as it is.
const { isReferenced, removeUnusedRole, SHARED_ROLE } = require('@shop/serverless-unused-roles/src/unused-role');

describe('roles of the packaged templates', () => {
  it.each(listServices())('%s: every function and state machine runs with a role of its own, and no role is left that nothing uses', (service) => {
    const resources = packagedResources(service);
    const roleOf = (r: { Type: string; Properties: Record<string, any> }) =>
      r.Type === 'AWS::Lambda::Function' ? r.Properties.Role?.['Fn::GetAtt']?.[0] : r.Properties.RoleArn?.['Fn::GetAtt']?.[0];
    const runners = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' || r.Type === 'AWS::StepFunctions::StateMachine')
      .map(([id, r]) => [id, roleOf(r)] as const);
    // The framework's shared role may log to every function's log group and collects every destination's grant.
    const shared = runners.filter(([, role], i) => !role || role === SHARED_ROLE || runners.findIndex(([, other]) => other === role) !== i);
    expect({ service, shared }).toEqual({ service, shared: [] });
    const unused = Object.entries(resources)
      .filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !isReferenced({ Resources: resources }, id))
      .map(([id]) => id);
    expect({ service, unused }).toEqual({ service, unused: [] });
  });
});

describe('@shop/serverless-unused-roles', () => {
  const role = { Type: 'AWS::IAM::Role', Properties: {} };

  it('removes the shared role when nothing refers to it, not mistaking a per-function role for it', () => {
    const template = {
      Resources: {
        [SHARED_ROLE]: role,
        GetPaymentIamRoleLambdaExecution: role,
        GetPaymentLambdaFunction: { Type: 'AWS::Lambda::Function', DependsOn: ['GetPaymentIamRoleLambdaExecution'], Properties: { Role: { 'Fn::GetAtt': ['GetPaymentIamRoleLambdaExecution', 'Arn'] } } },
      },
    };
    expect(removeUnusedRole(template, SHARED_ROLE)).toBe(true);
    expect(Object.keys(template.Resources)).toEqual(['GetPaymentIamRoleLambdaExecution', 'GetPaymentLambdaFunction']);
  });

  it.each([
    ['Fn::GetAtt', { Role: { 'Fn::GetAtt': [SHARED_ROLE, 'Arn'] } }, undefined],
    ['Ref', { Role: { Ref: SHARED_ROLE } }, undefined],
    ['Fn::Sub', { Role: { 'Fn::Sub': `\${${SHARED_ROLE}.Arn}` } }, undefined],
    ['DependsOn', {}, [SHARED_ROLE]],
  ])('keeps it while something refers to it (%s)', (_, properties, dependsOn) => {
    const template = { Resources: { [SHARED_ROLE]: role, FraudReviewLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: properties, ...(dependsOn && { DependsOn: dependsOn }) } } };
    expect(removeUnusedRole(template, SHARED_ROLE)).toBe(false);
    expect(template.Resources[SHARED_ROLE]).toBe(role);
  });

  it('keeps it while an output refers to it', () => {
    const template = { Resources: { [SHARED_ROLE]: role }, Outputs: { RoleArn: { Value: { 'Fn::GetAtt': [SHARED_ROLE, 'Arn'] } } } };
    expect(removeUnusedRole(template, SHARED_ROLE)).toBe(false);
  });
});
