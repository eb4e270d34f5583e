import { PolicyAuthorizer, type AuthorizationRequest } from './authorize';
import { policyDocument } from './policy-document';
import { PolicyStore } from './policy-store';

const ACCOUNT = '111122223333';
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/shop-dev`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/shop-payments-dev-publish`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`;
const RULE = `arn:aws:events:us-east-1:${ACCOUNT}:rule/shop-dev/r1`;
const lambdaTrust = policyDocument({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'trust');

function model(): PolicyStore {
  const policies = new PolicyStore();
  policies.putRole({
    arn: ROLE,
    trustPolicy: lambdaTrust,
    inlinePolicies: [{ name: 'publish', policy: policyDocument({ Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS }] }, 'p') }],
  });
  policies.setResourcePolicy(
    BUS,
    policyDocument(
      {
        Statement: [
          {
            Sid: 'only-orders-puts-its-source',
            Effect: 'Deny',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: BUS,
            Condition: { StringEquals: { 'events:source': 'shop.orders' }, ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/shop-orders-*` } },
          },
        ],
      },
      'bus',
    ),
  );
  policies.setResourcePolicy(
    QUEUE,
    policyDocument(
      { Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: QUEUE, Condition: { ArnEquals: { 'aws:SourceArn': RULE } } }] },
      'queue',
    ),
  );
  return policies;
}

const asRole = (action: string, resource: string, context?: Record<string, string>): AuthorizationRequest => ({
  caller: { kind: 'role', roleArn: ROLE, sessionName: 'shop-payments-dev-publish' },
  action,
  resource,
  context,
});

describe('PolicyAuthorizer', () => {
  it('evaluates a role once for every session of it (a session per execution or invocation), and names each session when it denies', () => {
    const policies = model();
    const iam = new PolicyAuthorizer(policies, ACCOUNT);
    const evaluations = jest.spyOn(policies, 'identityPoliciesOf');
    const session = (sessionName: string): AuthorizationRequest => ({ ...asRole('sqs:SendMessage', QUEUE), caller: { kind: 'role', roleArn: ROLE, sessionName } });
    const [first, second] = [iam.authorize(session('execution-1')), iam.authorize(session('execution-2'))];
    expect(evaluations).toHaveBeenCalledTimes(1);
    expect(first).toMatchObject({ allowed: false, message: expect.stringContaining('assumed-role/shop-payments-dev-publish/execution-1 is not authorized') });
    expect(second).toMatchObject({ allowed: false, message: expect.stringContaining('assumed-role/shop-payments-dev-publish/execution-2 is not authorized') });
  });

  it('allows what an identity policy allows and no policy denies', () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT);
    expect(iam.authorize(asRole('events:PutEvents', BUS, { 'events:source': 'shop.payments' }))).toEqual({ allowed: true });
  });

  it('denies what no identity policy allows, in AWS words, naming the session', () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT);
    expect(iam.authorize(asRole('sqs:SendMessage', QUEUE))).toEqual({
      allowed: false,
      explicitDeny: false,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/shop-payments-dev-publish/shop-payments-dev-publish is not authorized to perform: sqs:SendMessage on resource: ${QUEUE} because no identity-based policy allows the sqs:SendMessage action`,
    });
  });

  it("reads aws:PrincipalArn as the role's ARN: the bus policy's explicit deny wins over the identity policy", () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT);
    expect(iam.authorize(asRole('events:PutEvents', BUS, { 'events:source': 'shop.orders' }))).toEqual({
      allowed: false,
      explicitDeny: true,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/shop-payments-dev-publish/shop-payments-dev-publish is not authorized to perform: events:PutEvents on resource: ${BUS} with an explicit deny in a resource-based policy`,
    });
  });

  it('names an explicit deny of an identity policy as such', () => {
    const policies = model();
    policies.putRolePolicy(ROLE, 'no-sqs', policyDocument({ Statement: [{ Effect: 'Deny', Action: 'sqs:*', Resource: '*' }] }, 'p'));
    const decision = new PolicyAuthorizer(policies, ACCOUNT).authorize(asRole('sqs:SendMessage', QUEUE));
    expect(decision).toMatchObject({ allowed: false, explicitDeny: true });
    expect(decision.allowed || decision.message).toMatch(/with an explicit deny in an identity-based policy$/);
  });

  it('lets a service send only where the resource policy names it, with its source ARN', () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT);
    const send = (sourceArn: string) => iam.authorize({ caller: { kind: 'service', principal: 'events.amazonaws.com', sourceArn, sourceAccount: ACCOUNT }, action: 'sqs:SendMessage', resource: QUEUE });
    expect(send(RULE)).toEqual({ allowed: true });
    expect(send(`${RULE}-other`)).toEqual({
      allowed: false,
      explicitDeny: false,
      message: `User: events.amazonaws.com is not authorized to perform: sqs:SendMessage on resource: ${QUEUE} because no resource-based policy allows the sqs:SendMessage action`,
    });
  });

  it('gives the administrator everything that no resource policy denies', () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT);
    const admin = (source: string) => iam.authorize({ caller: { kind: 'administrator' }, action: 'events:PutEvents', resource: BUS, context: { 'events:source': source } });
    expect(admin('shop.payments')).toEqual({ allowed: true });
    expect(iam.authorize({ caller: { kind: 'administrator' }, action: 'dynamodb:DeleteTable', resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t` })).toEqual({ allowed: true });
    expect(admin('shop.orders')).toMatchObject({ allowed: false, explicitDeny: true, message: expect.stringMatching(/^User: arn:aws:iam::111122223333:root is not authorized/) });
  });

  it('denies everything to a role the stacks do not define', () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT);
    const decision = iam.authorize({ caller: { kind: 'role', roleArn: `arn:aws:iam::${ACCOUNT}:role/gone`, sessionName: 's' }, action: 'events:PutEvents', resource: BUS, context: { 'events:source': 'shop.payments' } });
    expect(decision).toMatchObject({ allowed: false, explicitDeny: false });
  });

  it('decides again once a policy changes (the cache follows the model)', () => {
    const policies = model();
    const iam = new PolicyAuthorizer(policies, ACCOUNT);
    expect(iam.authorize(asRole('sqs:SendMessage', QUEUE)).allowed).toBe(false);
    policies.putRolePolicy(ROLE, 'dlq', policyDocument({ Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE }] }, 'p'));
    expect(iam.authorize(asRole('sqs:SendMessage', QUEUE)).allowed).toBe(true);
  });

  it('allows everything when switched off', () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT, false);
    expect(iam.authorize(asRole('sqs:SendMessage', QUEUE))).toEqual({ allowed: true });
  });

  it('decides a repeated request from its cache in microseconds', () => {
    const iam = new PolicyAuthorizer(model(), ACCOUNT);
    const request = asRole('events:PutEvents', BUS, { 'events:source': 'shop.payments' });
    const first = process.hrtime.bigint();
    iam.authorize(request);
    const evaluated = Number(process.hrtime.bigint() - first) / 1000;
    const calls = 10_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) iam.authorize(request);
    const cached = Number(process.hrtime.bigint() - start) / 1000 / calls;
    console.log(`IAM decision: ${evaluated.toFixed(0)} µs evaluated, ${cached.toFixed(2)} µs cached`);
    expect(cached).toBeLessThan(50);
  });
});
