import path from 'node:path';
import { readPackagedService } from '../../libs/local-cloud/src/cloudformation/loader';
import { checkTemplates, type ReferenceReport } from '../../scripts/aws-references';
import { listServices, SERVICES_DIR } from '../../scripts/package-services';

/** Every packaged template (tests/global-setup.ts packages stale services first), checked together as deployed. */
const stacks = listServices().map((service) => readPackagedService(path.join(SERVICES_DIR, service)));
let report: ReferenceReport;

beforeAll(async () => {
  report = await checkTemplates(stacks);
}, 30_000);

describe("the packaged templates, against AWS's own references", () => {
  it('hold nothing the CloudFormation specification, the ASL validators or the Service Authorization Reference reject', () => {
    expect(report.errors).toEqual([]);
  });

  it('were all checked: every template, resource, state machine and policy', () => {
    const count = (type: string) => stacks.reduce((n, s) => n + Object.values(s.template.Resources).filter((r) => r.Type === type).length, 0);
    expect(report.figures).toMatchObject({
      templates: stacks.length,
      resources: stacks.reduce((n, s) => n + Object.keys(s.template.Resources).length, 0),
      stateMachines: count('AWS::StepFunctions::StateMachine'),
    });
    expect(report.figures.stateMachines).toBeGreaterThanOrEqual(6);
    // Each role holds a trust policy and at least one inline policy; the bus, queue and bucket policies come on top.
    expect(report.figures.policies).toBeGreaterThan(2 * count('AWS::IAM::Role'));
    for (const figure of ['properties', 'getAtts', 'actions', 'conditionKeys', 'arns'] as const) expect({ figure, checked: report.figures[figure] > 0 }).toEqual({ figure, checked: true });
  });
});
