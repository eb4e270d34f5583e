import path from 'node:path';
import { SERVICES_DIR } from '../../../../scripts/package-services';
import { loadSystem, readPackagedService } from '../cloudformation/loader';
import { startLocalCloud, type LocalCloud } from '../index';
import { policyDocument } from './policy-document';

/**
 * The policy model built from the templates `sls package` produced (the bus stack and payments), decided by the
 * evaluator as AWS would decide the same requests.
 */

let local: LocalCloud;
const account = () => local.cloud.accountId;
const busArn = () => `arn:aws:events:us-east-1:${account()}:event-bus/shop-dev`;
const paymentsPublisher = () => `arn:aws:iam::${account()}:role/shop-payments-dev-publish-us-east-1-lambdaRole`;
const putEvents = (roleArn: string, source: string) =>
  local.iam.authorize({ caller: { kind: 'role', roleArn, sessionName: 'shop-payments-dev-publish' }, action: 'events:PutEvents', resource: busArn(), context: { 'events:source': source } });

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  await loadSystem(
    ['event-bus', 'identity', 'payments'].map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: account(), iam: local.iam.policies },
  );
});
afterAll(() => local.stop());

describe('the packaged templates as IAM evaluates them', () => {
  it("lets the payments publisher put shop.payments events on the bus, not shop.orders: its role's condition alone denies them", () => {
    expect(putEvents(paymentsPublisher(), 'shop.payments')).toEqual({ allowed: true });
    const busPolicy = local.iam.policies.resourcePolicyOf(busArn());
    expect(busPolicy?.Statement.map((s) => s.Sid)).toContain('shop-dev-only-orders-puts-its-source');
    local.iam.policies.setResourcePolicy(busArn(), undefined);
    try {
      expect(putEvents(paymentsPublisher(), 'shop.orders')).toMatchObject({ allowed: false, explicitDeny: false, message: expect.stringMatching(/because no identity-based policy allows the events:PutEvents action$/) });
    } finally {
      local.iam.policies.setResourcePolicy(busArn(), busPolicy);
    }
    expect(putEvents(paymentsPublisher(), 'shop.orders')).toMatchObject({ allowed: false, explicitDeny: true });
  });

  it('denies shop.orders from a payments role by the bus policy, even with an administrator-like identity policy', () => {
    const role = paymentsPublisher();
    local.iam.policies.putRolePolicy(role, 'everything', policyDocument({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, 'everything'));
    expect(putEvents(role, 'shop.payments')).toEqual({ allowed: true });
    expect(putEvents(role, 'shop.orders')).toEqual({
      allowed: false,
      explicitDeny: true,
      message: `User: arn:aws:sts::${account()}:assumed-role/shop-payments-dev-publish-us-east-1-lambdaRole/shop-payments-dev-publish is not authorized to perform: events:PutEvents on resource: ${busArn()} with an explicit deny in a resource-based policy`,
    });
  });

  it('lets EventBridge invoke a consumer only for its own rule (its Lambda permission), and send to the DLQ for it (the queue policy)', () => {
    const ruleArn = `arn:aws:events:us-east-1:${account()}:rule/shop-dev/shop-payments-dev-order-placed`;
    const otherRule = `arn:aws:events:us-east-1:${account()}:rule/shop-dev/shop-payments-dev-order-cancelled`;
    const events = (sourceArn: string, action: string, resource: string) =>
      local.iam.authorize({ caller: { kind: 'service', principal: 'events.amazonaws.com', sourceArn, sourceAccount: account() }, action, resource });
    const consumer = `arn:aws:lambda:us-east-1:${account()}:function:shop-payments-dev-onOrderPlaced`;
    expect(events(ruleArn, 'lambda:InvokeFunction', consumer)).toEqual({ allowed: true });
    expect(events(otherRule, 'lambda:InvokeFunction', consumer)).toMatchObject({ allowed: false, explicitDeny: false });
    const dlq = `arn:aws:sqs:us-east-1:${account()}:shop-payments-dev-event-delivery-dlq`;
    expect(events(ruleArn, 'sqs:SendMessage', dlq)).toEqual({ allowed: true });
    expect(events(`arn:aws:events:us-east-1:${account()}:rule/shop-dev/someone-else`, 'sqs:SendMessage', dlq)).toMatchObject({ allowed: false });
  });

  it("gives the payment saga's role the functions of its states and nothing else", () => {
    const saga = { kind: 'role' as const, roleArn: `arn:aws:iam::${account()}:role/shop-payments-dev-PaymentSagaRole`, sessionName: 'execution' };
    const invoke = (fn: string) => local.iam.authorize({ caller: saga, action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:us-east-1:${account()}:function:${fn}` });
    expect(invoke('shop-payments-dev-authorize')).toEqual({ allowed: true });
    expect(invoke('shop-payments-dev-getPayment')).toMatchObject({ allowed: false, explicitDeny: false });
  });
});
