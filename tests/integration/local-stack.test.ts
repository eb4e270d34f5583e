import { DescribeArchiveCommand, EventBridgeClient, ListEventBusesCommand, ListRulesCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { ListSchemasCommand, SchemasClient, UpdateSchemaCommand } from '@aws-sdk/client-schemas';
import { catalog, createEvent, EventPublisher } from '@shop/events';
import { loadSystem, readPackagedService, type LoadedStack } from '../../libs/local-cloud/src/cloudformation/loader';
import { startLocalCloud, type LocalCloud } from '../../libs/local-cloud/src';
import { main as checkContracts } from '../../scripts/check-contracts';
import { listServices, SERVICES_DIR } from '../../scripts/package-services';
import path from 'node:path';
import { contracts, resourcesOfType } from '../contracts/services';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let local: LocalCloud;
let stacks: LoadedStack[];
let events: EventBridgeClient;

beforeAll(async () => {
  local = await startLocalCloud({ port: 0, timeScale: 0.001 });
  stacks = await loadSystem(
    listServices().map((s) => readPackagedService(path.join(SERVICES_DIR, s))),
    { endpoint: local.url, functions: local.lambda, region: local.cloud.region, accountId: local.cloud.accountId, iam: local.iam.policies },
  );
  events = new EventBridgeClient({ endpoint: local.url, region: 'us-east-1', credentials });
});
afterAll(async () => {
  events.destroy();
  await local.stop();
});

describe('the packaged system loaded into the local emulator', () => {
  it('loads the bus and identity stacks first, then the services that import their exports', () => {
    expect(stacks.slice(0, 2).map((s) => s.stackName)).toEqual(['shop-event-bus-dev', 'shop-identity-dev']);
    expect(stacks.map((s) => s.stackName).sort()).toEqual(['shop-event-bus-dev', 'shop-identity-dev', 'shop-inventory-dev', 'shop-notifications-dev', 'shop-orders-dev', 'shop-payments-dev']);
    expect(stacks[0]!.outputs).toMatchObject({ EventBusName: 'shop-dev', EventBusArn: `arn:aws:events:us-east-1:${local.cloud.accountId}:event-bus/shop-dev` });
  });

  it('serves the identity stack\'s user pool, its client and the admins group, with the issuer it exports', async () => {
    const { UserPoolId, UserPoolClientId, IssuerUrl } = stacks[1]!.outputs as Record<string, string>;
    expect(IssuerUrl).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${UserPoolId}`);
    expect(await local.cognito.dispatch('ListUserPoolClients', { UserPoolId })).toEqual({ UserPoolClients: [{ ClientId: UserPoolClientId, UserPoolId, ClientName: 'shop-dev-clients' }] });
    expect(await local.cognito.dispatch('ListGroups', { UserPoolId })).toMatchObject({ Groups: [{ GroupName: 'admins' }] });
    expect(await local.cognito.dispatch('DescribeUserPool', { UserPoolId })).toMatchObject({ UserPool: { Name: 'shop-dev', AliasAttributes: ['email'], Policies: { PasswordPolicy: { MinimumLength: 12 } } } });
  });

  it('creates the shared bus, every service rule on it, and the archive', async () => {
    const buses = await events.send(new ListEventBusesCommand({}));
    expect(buses.EventBuses?.map((b) => b.Name)).toContain('shop-dev');
    // Every rule the domain services' packaged templates declare, and nothing else: the subscriptions on the shared
    // bus, and the FailedSagasRule on the default bus (where Step Functions sends status changes) of each service with
    // Standard sagas (inventory's and notifications' are Express, which send none).
    const declared = contracts.flatMap((c) => resourcesOfType(c.service, 'AWS::Events::Rule').map(([, rule]) => rule.Properties));
    const names = (onDefaultBus: boolean) => declared.filter((rule) => (rule.EventBusName === undefined) === onDefaultBus).map((rule) => String(rule.Name)).sort();
    expect(names(false).length).toBeGreaterThanOrEqual(6);
    const listed = async (EventBusName: string) => ((await events.send(new ListRulesCommand({ EventBusName }))).Rules ?? []).map((r) => r.Name).sort();
    expect(await listed('shop-dev')).toEqual(names(false));
    expect(await listed('default')).toEqual(names(true));
    expect(names(true)).toEqual(['shop-orders-dev-failed-sagas', 'shop-payments-dev-failed-sagas']);
    const archive = await events.send(new DescribeArchiveCommand({ ArchiveName: 'shop-dev-all' }));
    expect(archive.EventSourceArn).toBe(stacks[0]!.outputs.EventBusArn);
  });

  it('answers TestEventPattern with the packaged patterns as AWS would', async () => {
    const rules = await events.send(new ListRulesCommand({ EventBusName: 'shop-dev' }));
    const inventory = rules.Rules!.find((r) => r.Name === 'shop-inventory-dev-order-placed')!;
    const event = (detailType: 'OrderPlaced.v1' | 'OrderPlaced.v2') => JSON.stringify({
      id: '1', account: '000000000000', region: 'us-east-1', time: '2026-11-23T12:00:00Z', resources: [],
      source: 'shop.orders', 'detail-type': detailType, detail: catalog[detailType].examples[0],
    });
    expect((await events.send(new TestEventPatternCommand({ EventPattern: inventory.EventPattern, Event: event('OrderPlaced.v1') }))).Result).toBe(true);
    expect((await events.send(new TestEventPatternCommand({ EventPattern: inventory.EventPattern, Event: event('OrderPlaced.v2') }))).Result).toBe(false);
  });

  it('fills the schema registry with one schema per file', async () => {
    const schemas = new SchemasClient({ endpoint: local.url, region: 'us-east-1', credentials });
    const listed = await schemas.send(new ListSchemasCommand({ RegistryName: 'shop-dev' }));
    schemas.destroy();
    expect(listed.Schemas?.map((s) => s.SchemaName).sort()).toEqual(
      Object.values(catalog).map((s) => `${s['x-amazon-events-source']}@${s['x-amazon-events-detail-type']}`).sort(),
    );
  });

  it('takes events from the real publisher, through the real SDK', async () => {
    const publisher = new EventPublisher({ eventBusName: 'shop-dev', client: events });
    const event = createEvent('PaymentCompleted.v1', structuredClone((catalog['PaymentCompleted.v1'].examples[0] as any).data), { service: 'payments' });
    await expect(publisher.publish([event])).resolves.toEqual({ published: [event.detail.metadata.id] });
  });
});

describe('check:contracts against the registry', () => {
  const registryArgs = () => ['--registry-endpoint', local.url, '--registry-name', 'shop-dev'];
  const quiet = <T>(fn: () => Promise<T>) => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    return fn().finally(() => { log.mockRestore(); err.mockRestore(); });
  };

  it('passes when the registry holds the same schemas', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
    expect(await quiet(() => checkContracts(registryArgs()))).toBe(0);
  });

  it('fails, naming event and field, when the working tree drops a field the registry\'s latest version has', async () => {
    const schemas = new SchemasClient({ endpoint: local.url, region: 'us-east-1', credentials });
    const latest = structuredClone(catalog['InventoryReleased.v1']) as any;
    latest.properties.data.properties.warehouse = { type: 'string' };
    await schemas.send(new UpdateSchemaCommand({ RegistryName: 'shop-dev', SchemaName: 'shop.inventory@InventoryReleased.v1', Type: 'JSONSchemaDraft4', Content: JSON.stringify(latest) }));
    schemas.destroy();
    const errors: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      expect(await checkContracts(registryArgs())).toBe(1);
    } finally {
      err.mockRestore();
    }
    expect(errors.join('\n')).toContain('InventoryReleased.v1: data.warehouse: removed property');
  });
});
