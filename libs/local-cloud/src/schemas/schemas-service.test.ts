import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  BadRequestException,
  ConflictException,
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteRegistryCommand,
  DeleteSchemaCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
  ListRegistriesCommand,
  ListSchemasCommand,
  ListSchemaVersionsCommand,
  NotFoundException,
  paginateListSchemas,
  SchemasClient,
  UpdateSchemaCommand,
} from '@aws-sdk/client-schemas';
import { Cloud, type CloudActivity } from '../cloud';
import { localClientConfig, serveRestForTest } from './rest-test-server';
import { createSchemasRestService } from './schemas-rest';

const draft04 = (properties: Record<string, unknown>) =>
  JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties });

const openApi = JSON.stringify({
  openapi: '3.0.0',
  info: { version: '1.0.0', title: 'Event' },
  paths: {},
  components: { schemas: { Event: { type: 'object', properties: { name: { type: 'string' } } } } },
});

describe('Schemas registry through @aws-sdk/client-schemas', () => {
  const cloud = new Cloud({ accountId: '123456789012', region: 'eu-west-1' });
  const activity: CloudActivity[] = [];
  cloud.monitor.on('activity', (a: CloudActivity) => activity.push(a));
  let server: Awaited<ReturnType<typeof serveRestForTest>>;
  let client: SchemasClient;

  beforeAll(async () => {
    server = await serveRestForTest(createSchemasRestService(cloud).handle);
    client = new SchemasClient(localClientConfig(server.endpoint));
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('creates, describes and lists registries, and refuses a duplicate with ConflictException', async () => {
    const created = await client.send(new CreateRegistryCommand({ RegistryName: 'shop', Description: 'Shop events', Tags: { team: 'core' } }));
    expect(created).toMatchObject({
      RegistryName: 'shop',
      RegistryArn: 'arn:aws:schemas:eu-west-1:123456789012:registry/shop',
      Description: 'Shop events',
      Tags: { team: 'core' },
    });
    await client.send(new CreateRegistryCommand({ RegistryName: 'other' }));

    const described = await client.send(new DescribeRegistryCommand({ RegistryName: 'shop' }));
    expect(described).toMatchObject({ RegistryName: 'shop', Tags: { team: 'core' } });

    const listed = await client.send(new ListRegistriesCommand({ RegistryNamePrefix: 'sh' }));
    expect(listed.Registries?.map((r) => r.RegistryName)).toEqual(['shop']);
    const awsScope = await client.send(new ListRegistriesCommand({ Scope: 'AWS' }));
    expect(awsScope.Registries).toEqual([]);

    await expect(client.send(new CreateRegistryCommand({ RegistryName: 'shop' }))).rejects.toBeInstanceOf(ConflictException);
    expect(activity).toContainEqual(expect.objectContaining({ service: 'schemas', type: 'registry.created', registryName: 'shop' }));
  });

  it('answers NotFoundException for an unknown registry or schema', async () => {
    await expect(client.send(new DescribeRegistryCommand({ RegistryName: 'nope' }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(client.send(new DescribeSchemaCommand({ RegistryName: 'shop', SchemaName: 'Nope' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new CreateSchemaCommand({ RegistryName: 'nope', SchemaName: 'X', Type: 'OpenApi3', Content: openApi }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('versions a schema only when its content changes', async () => {
    const created = await client.send(
      new CreateSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced', Type: 'JSONSchemaDraft4', Content: draft04({ id: { type: 'string' } }), Description: 'v1' }),
    );
    expect(created).toMatchObject({
      SchemaName: 'OrderPlaced',
      SchemaVersion: '1',
      Type: 'JSONSchemaDraft4',
      SchemaArn: 'arn:aws:schemas:eu-west-1:123456789012:schema/shop/OrderPlaced',
    });
    expect(created.VersionCreatedDate).toBeInstanceOf(Date);
    expect(created.LastModified).toBeInstanceOf(Date);

    const changed = await client.send(
      new UpdateSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced', Content: draft04({ id: { type: 'string' }, total: { type: 'number' } }) }),
    );
    expect(changed.SchemaVersion).toBe('2');

    // Same document, other formatting: no new version; the description alone is updated.
    const same = await client.send(
      new UpdateSchemaCommand({
        RegistryName: 'shop',
        SchemaName: 'OrderPlaced',
        Content: JSON.stringify(JSON.parse(draft04({ id: { type: 'string' }, total: { type: 'number' } })), null, 2),
        Description: 'with total',
      }),
    );
    expect(same).toMatchObject({ SchemaVersion: '2', Description: 'with total' });

    const third = await client.send(new UpdateSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced', Content: draft04({ id: { type: 'integer' } }) }));
    expect(third.SchemaVersion).toBe('3');

    const latest = await client.send(new DescribeSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced' }));
    expect(latest).toMatchObject({ SchemaVersion: '3', Description: 'with total' });
    expect(JSON.parse(latest.Content!).properties.id.type).toBe('integer');

    const first = await client.send(new DescribeSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced', SchemaVersion: '1' }));
    expect(first.SchemaVersion).toBe('1');
    expect(JSON.parse(first.Content!).properties).toEqual({ id: { type: 'string' } });

    await expect(client.send(new DescribeSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced', SchemaVersion: '9' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );

    const versions = await client.send(new ListSchemaVersionsCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced' }));
    expect(versions.SchemaVersions?.map((v) => v.SchemaVersion)).toEqual(['1', '2', '3']);
    expect(activity.filter((a) => a.type === 'schema.versioned').map((a) => a.schemaVersion)).toEqual(['2', '3']);
  });

  it('refuses a second CreateSchema of the same name', async () => {
    await expect(
      client.send(new CreateSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced', Type: 'OpenApi3', Content: openApi })),
    ).rejects.toBeInstanceOf(ConflictException);
  });

  it('validates the content against its Type with BadRequestException', async () => {
    const create = (Type: any, Content: string) => client.send(new CreateSchemaCommand({ RegistryName: 'shop', SchemaName: 'Bad', Type, Content }));
    await expect(create('JSONSchemaDraft4', '{not json')).rejects.toThrow(/not valid JSON/);
    await expect(create('JSONSchemaDraft4', JSON.stringify({ type: 'no-such-type' }))).rejects.toBeInstanceOf(BadRequestException);
    await expect(create('JSONSchemaDraft4', JSON.stringify({ required: [] }))).rejects.toThrow(/draft-04/);
    await expect(create('OpenApi3', JSON.stringify({ swagger: '2.0', info: {} }))).rejects.toThrow(/openapi/);
    await expect(create('Avro', openApi)).rejects.toThrow(/Type must be one of OpenApi3, JSONSchemaDraft4/);
    await expect(create('OpenApi3', openApi)).resolves.toMatchObject({ SchemaVersion: '1', Type: 'OpenApi3' });
  });

  it("accepts every event schema of this repository's registry as JSONSchemaDraft4", async () => {
    const root = path.resolve(__dirname, '../../../../schemas');
    await client.send(new CreateRegistryCommand({ RegistryName: 'repo' }));
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const name = path.basename(file, '.json');
      const answer = await client.send(
        new CreateSchemaCommand({ RegistryName: 'repo', SchemaName: name, Type: 'JSONSchemaDraft4', Content: readFileSync(path.join(root, file), 'utf8') }),
      );
      expect(answer.SchemaVersion).toBe('1');
    }
  });

  it('lists schemas by prefix, page by page', async () => {
    for (const name of ['Payment.A', 'Payment.B', 'Payment.C']) {
      await client.send(new CreateSchemaCommand({ RegistryName: 'shop', SchemaName: name, Type: 'OpenApi3', Content: openApi }));
    }
    const first = await client.send(new ListSchemasCommand({ RegistryName: 'shop', SchemaNamePrefix: 'Payment.', Limit: 2 }));
    expect(first.Schemas?.map((s) => s.SchemaName)).toEqual(['Payment.A', 'Payment.B']);
    expect(first.NextToken).toBeDefined();

    const names: string[] = [];
    for await (const result of paginateListSchemas({ client, pageSize: 2 }, { RegistryName: 'shop', SchemaNamePrefix: 'Payment.' })) {
      names.push(...(result.Schemas ?? []).map((s) => s.SchemaName!));
    }
    expect(names).toEqual(['Payment.A', 'Payment.B', 'Payment.C']);

    const all = await client.send(new ListSchemasCommand({ RegistryName: 'shop' }));
    expect(all.Schemas?.find((s) => s.SchemaName === 'OrderPlaced')).toMatchObject({ VersionCount: 3, SchemaArn: expect.stringContaining(':schema/shop/') });
  });

  it('deletes a schema, then a registry', async () => {
    await client.send(new DeleteSchemaCommand({ RegistryName: 'shop', SchemaName: 'Payment.A' }));
    await expect(client.send(new DescribeSchemaCommand({ RegistryName: 'shop', SchemaName: 'Payment.A' }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(client.send(new DeleteSchemaCommand({ RegistryName: 'shop', SchemaName: 'Payment.A' }))).rejects.toBeInstanceOf(NotFoundException);

    await client.send(new DeleteRegistryCommand({ RegistryName: 'other' }));
    const listed = await client.send(new ListRegistriesCommand({}));
    expect(listed.Registries?.map((r) => r.RegistryName)).toEqual(['repo', 'shop']);
  });
});
