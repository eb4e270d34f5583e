import path from 'node:path';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { loadSystem, readPackagedService, type PackagedService } from '../../libs/local-cloud/src/cloudformation/loader';
import { policyDocument } from '../../libs/local-cloud/src/iam/policy-document';
import { startLocalCloud, type LocalCloud } from '../../libs/local-cloud/src';
import { SERVICES_DIR } from '../../scripts/package-services';
import { orderConfirmedEvent } from '../../services/orders/src/domain/events';
import type { Order } from '../../services/orders/src/domain/order';
import { notificationRequestOf } from '../../services/notifications/src/domain/notification-request';

/**
 * IAM enforced between services on a real template: the notification saga as packaged, its role with one permission
 * removed (lambda:InvokeFunction on the Claim step's function), fails that step with AWS's AccessDenied, as it would on
 * AWS.
 */

let local: LocalCloud;
let sfn: SFNClient;
const CLAIM_FUNCTION = 'shop-notifications-dev-claim';

/** The packaged notifications template with the Claim function taken out of the saga role's lambda:InvokeFunction. */
function withoutClaimPermission(service: PackagedService): PackagedService {
  const template = structuredClone(service.template);
  const role = template.Resources.NotificationSagaRole!.Properties as { Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown[] }> } }> };
  const invoke = role.Policies[0]!.PolicyDocument.Statement.find((s) => s.Action.includes('lambda:InvokeFunction'))!;
  const before = invoke.Resource.length;
  invoke.Resource = invoke.Resource.filter((resource) => !JSON.stringify(resource).includes('"ClaimLambdaFunction"'));
  expect(before - invoke.Resource.length).toBe(2); // the function and its versions
  return { ...service, template };
}

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  const [bus, identity, notifications] = ['event-bus', 'identity', 'notifications'].map((s) => readPackagedService(path.join(SERVICES_DIR, s)));
  await loadSystem([bus!, identity!, withoutClaimPermission(notifications!)], { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, iam: local.iam.policies });
  // StartSyncExecution's host prefix (sync-) would leave the local endpoint.
  sfn = new SFNClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, disableHostPrefix: true });
});
afterAll(async () => {
  sfn.destroy();
  await local.stop();
});

let orders = 0;
async function notify(): Promise<{ status?: string; error?: string; cause?: string }> {
  const n = String(++orders).padStart(12, '0');
  const at = '2026-11-23T12:00:00.000Z';
  const order: Order = {
    orderId: `3f1d2c3b-4a59-4687-9a0b-${n}`, customerId: `cust-${n}`, customerEmail: `customer-${n}@example.com`, currency: 'EUR',
    items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 1299 }], total: 1299, paymentToken: 'tok_visa', status: 'CONFIRMED', createdAt: at, updatedAt: at,
  };
  const input = notificationRequestOf({ ...orderConfirmedEvent(order, new Date(at)), id: `envelope-${n}` } as never);
  const stateMachineArn = local.cloud.arn('states', 'stateMachine:shop-notifications-dev-notification');
  // Express: run to its end, as its consumer runs it.
  return sfn.send(new StartSyncExecutionCommand({ stateMachineArn, name: `iam-${n}`, input: JSON.stringify(input) }));
}

describe('a saga whose role lacks one permission', () => {
  it('fails the step that needs it with AccessDenied, which its Retry sees as Lambda.AWSLambdaException', async () => {
    const execution = await notify();
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Lambda.AWSLambdaException' });
    expect(execution.cause).toContain(`User: arn:aws:sts::${local.cloud.accountId}:assumed-role/shop-notifications-dev-NotificationSagaRole/`);
    expect(execution.cause).toContain(
      `is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:${local.cloud.accountId}:function:${CLAIM_FUNCTION} because no identity-based policy allows the lambda:InvokeFunction action`,
    );
    expect(execution.cause).toContain('Status Code: 403; Error Code: AccessDeniedException');
  });

  it('goes past that step once the role has the permission again', async () => {
    const roleArn = `arn:aws:iam::${local.cloud.accountId}:role/shop-notifications-dev-NotificationSagaRole`;
    const claim = `arn:aws:lambda:us-east-1:${local.cloud.accountId}:function:${CLAIM_FUNCTION}`;
    local.iam.policies.putRolePolicy(roleArn, 'claim', policyDocument({ Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: claim }] }, 'claim'));
    const execution = await notify();
    expect(execution.status).toBe('SUCCEEDED');
  });
});
