import path from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { loadSystem, readPackagedService, type PackagedService } from '../../libs/local-cloud/src/cloudformation/loader';
import { policyDocument } from '../../libs/local-cloud/src/iam/policy-document';
import { startLocalCloud, type LocalCloud } from '../../libs/local-cloud/src';
import { SERVICES_DIR } from '../../scripts/package-services';
import { orderConfirmedEvent } from '../../services/orders/src/domain/events';
import type { Order } from '../../services/orders/src/domain/order';
import { notificationRequestOf } from '../../services/notifications/src/domain/notification-request';

/**
 * IAM enforced between services on a real template: the notification saga as packaged, its role with one permission
 * removed (dynamodb:PutItem, which its Claim step needs), fails that step with AWS's AccessDenied, as it would on AWS.
 */

let local: LocalCloud;
let sfn: SFNClient;
const TABLE = 'shop-notifications-dev-notifications';

/** The packaged notifications template with dynamodb:PutItem taken out of the saga role's policy. */
function withoutClaimPermission(service: PackagedService): PackagedService {
  const template = structuredClone(service.template);
  const role = template.Resources.NotificationSagaRole!.Properties as { Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string[] }> } }> };
  const statements = role.Policies[0]!.PolicyDocument.Statement;
  const claim = statements.find((s) => s.Action.includes('dynamodb:PutItem'))!;
  claim.Action = claim.Action.filter((action) => action !== 'dynamodb:PutItem');
  return { ...service, template };
}

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  const [bus, notifications] = ['event-bus', 'notifications'].map((s) => readPackagedService(path.join(SERVICES_DIR, s)));
  await loadSystem([bus!, withoutClaimPermission(notifications!)], { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, iam: local.iam.policies });
  sfn = new SFNClient({ endpoint: local.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  sfn.destroy();
  await local.stop();
});

let orders = 0;
async function notify(): Promise<{ status?: string; error?: string; cause?: string; executionArn: string }> {
  const n = String(++orders).padStart(12, '0');
  const at = '2026-11-23T12:00:00.000Z';
  const order: Order = {
    orderId: `3f1d2c3b-4a59-4687-9a0b-${n}`, customerId: `cust-${n}`, customerEmail: `customer-${n}@example.com`, currency: 'EUR',
    items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 1299 }], total: 1299, paymentToken: 'tok_visa', status: 'CONFIRMED', createdAt: at, updatedAt: at,
  };
  const input = notificationRequestOf({ ...orderConfirmedEvent(order, new Date(at)), id: `envelope-${n}` } as never);
  const stateMachineArn = local.cloud.arn('states', 'stateMachine:shop-notifications-dev-notification');
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `iam-${n}`, input: JSON.stringify(input) }));
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return { ...execution, executionArn: executionArn! };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a saga whose role lacks one permission', () => {
  it('fails the step that needs it with AccessDenied, which its Retry sees as DynamoDB.AmazonDynamoDBException', async () => {
    const execution = await notify();
    expect(execution).toMatchObject({ status: 'FAILED', error: 'DynamoDB.AmazonDynamoDBException' });
    expect(execution.cause).toContain(
      `assumed-role/shop-notifications-dev-NotificationSagaRole/iam-000000000001 is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:${local.cloud.accountId}:table/${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(execution.cause).toContain('Status Code: 400; Error Code: AccessDeniedException');
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn }));
    const failedSteps = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.resource);
    // Claim's Retry (States.ALL, 5 attempts) ran: six denied calls, then the execution failed at Claim.
    expect(failedSteps).toEqual(Array(6).fill('putItem'));
  });

  it('goes past that step once the role has the permission again', async () => {
    const roleArn = `arn:aws:iam::${local.cloud.accountId}:role/shop-notifications-dev-NotificationSagaRole`;
    const table = `arn:aws:dynamodb:us-east-1:${local.cloud.accountId}:table/${TABLE}`;
    local.iam.policies.putRolePolicy(roleArn, 'claim', policyDocument({ Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table }] }, 'claim'));
    const execution = await notify();
    expect(execution.status).toBe('SUCCEEDED');
  });
});
