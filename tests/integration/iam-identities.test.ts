import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startSystem, type System } from '../support/system';

/**
 * IAM enforced on the whole system: every function runs with a session of its own role (as the packaged templates
 * define it), and the emulator decides each of its calls with the role's policies and the resource policies.
 */
let system: System;

beforeAll(async () => {
  system = await startSystem({ timeScale: 0.001 });
}, 120_000);
afterAll(() => system?.stop());

/** A client signed with the session the emulator hands a function (its AWS_ACCESS_KEY_ID...). */
function asFunction<T>(functionName: string, Client: new (config: object) => T): T {
  const credentials = system.local.functionCredentials.of(system.local.lambda.getFunction(functionName))!;
  return new Client({
    endpoint: system.local.url,
    region: system.local.cloud.region,
    maxAttempts: 1,
    credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken },
  });
}

const putEvent = (source: string) =>
  new PutEventsCommand({ Entries: [{ EventBusName: 'shop-dev', Source: source, DetailType: 'OrderConfirmed.v1', Detail: JSON.stringify({ metadata: {}, data: {} }) }] });

async function refusal(work: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected AccessDenied, but the call succeeded');
}

describe("the payments publisher putting an event with the orders' source", () => {
  const publisher = 'shop-payments-dev-publish';

  it('puts its own source', async () => {
    const events = asFunction(publisher, EventBridgeClient);
    const answer = await events.send(putEvent('shop.payments'));
    expect(answer.FailedEntryCount).toBe(0);
    events.destroy();
  });

  it("is denied by its role's condition (events:source) and by the bus policy's explicit deny", async () => {
    const events = asFunction(publisher, EventBridgeClient);
    const denied = await refusal(events.send(putEvent('shop.orders')));
    expect(denied.name).toBe('AccessDeniedException');
    // The bus policy's Deny decides first (an explicit deny wins over everything).
    expect(denied.message).toMatch(/is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus\/shop-dev with an explicit deny in a resource-based policy/);

    const roleArn = system.local.lambda.getFunction(publisher).roleArn!;
    const policies = system.local.iam.policies;
    const busArn = system.local.cloud.arn('events', 'event-bus/shop-dev');
    const busPolicy = policies.resourcePolicyOf(busArn);
    const rolePolicies = policies.identityPoliciesOf(roleArn)!;
    try {
      // Without the bus policy, the role's own condition still denies it: no identity policy allows shop.orders.
      policies.setResourcePolicy(busArn, undefined);
      const byRole = await refusal(events.send(putEvent('shop.orders')));
      expect(byRole).toMatchObject({ name: 'AccessDeniedException', message: expect.stringMatching(/because no identity-based policy allows the events:PutEvents action/) });

      // A role allowed every source is still denied by the bus policy alone.
      policies.setResourcePolicy(busArn, busPolicy);
      policies.putRolePolicy(roleArn, 'any-source', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }] });
      const byBus = await refusal(events.send(putEvent('shop.orders')));
      expect(byBus.message).toMatch(/with an explicit deny in a resource-based policy/);
    } finally {
      policies.setResourcePolicy(busArn, busPolicy);
      policies.putRole({ arn: roleArn, trustPolicy: policies.resourcePolicyOf(roleArn)!, inlinePolicies: rolePolicies });
      events.destroy();
    }
  });
});

describe('a function whose role lacks one permission', () => {
  it("gets AccessDenied, and its saga step fails (settleOrder without dynamodb:UpdateItem: the order saga's Confirm)", async () => {
    const settleOrder = system.local.lambda.getFunction('shop-orders-dev-settleOrder');
    const policies = system.local.iam.policies;
    const original = policies.identityPoliciesOf(settleOrder.roleArn!)!;
    const withoutUpdate = original.map(({ name, policy }) => ({
      name,
      policy: {
        ...policy,
        Statement: policy.Statement.map((statement) =>
          Array.isArray(statement.Action) ? { ...statement, Action: statement.Action.filter((action) => action !== 'dynamodb:UpdateItem') } : statement,
        ),
      },
    }));
    policies.putRole({ arn: settleOrder.roleArn!, trustPolicy: policies.resourcePolicyOf(settleOrder.roleArn!)!, inlinePolicies: withoutUpdate });
    const sfn = new SFNClient(system.aws);
    try {
      expect((await system.http('PUT', '/inventory/SKU-IAM-DENIED', { available: 5 }, system.admin.headers)).status).toBe(200);
      const placed = await system.http('POST', '/orders', {
        customerEmail: 'iam-denied@example.com',
        currency: 'EUR',
        items: [{ sku: 'SKU-IAM-DENIED', quantity: 1, unitPrice: 1299 }],
        paymentToken: 'tok_visa',
      });
      expect(placed.status).toBe(202);
      const executionArn = system.local.cloud.arn('states', `execution:shop-orders-dev-order:${placed.body.orderId}`);
      const failures = await system.waitFor(async () => {
        const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
        const failed = events.filter((event) => event.type === 'LambdaFunctionFailed').map((event) => event.lambdaFunctionFailedEventDetails);
        return failed.length > 0 && failed;
      }, 'a failed step of the order saga');
      expect(failures[0]).toMatchObject({ error: 'AccessDeniedException', cause: expect.stringContaining('is not authorized to perform: dynamodb:UpdateItem') });
      expect((await system.http('GET', `/orders/${placed.body.orderId}`)).body.status).not.toBe('CONFIRMED');
    } finally {
      policies.putRole({ arn: settleOrder.roleArn!, trustPolicy: policies.resourcePolicyOf(settleOrder.roleArn!)!, inlinePolicies: original });
      sfn.destroy();
    }
  });
});
