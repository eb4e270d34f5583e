import { CreateRegistryCommand, CreateSchemaCommand, DescribeSchemaCommand, NotFoundException, SchemasClient } from '@aws-sdk/client-schemas';
import { startLocalCloud, type LocalCloud } from '../index';
import { localClientConfig } from './rest-test-server';

describe('Schemas registry on the emulator endpoint', () => {
  let local: LocalCloud;
  let client: SchemasClient;

  beforeAll(async () => {
    local = await startLocalCloud({ port: 0 });
    client = new SchemasClient(localClientConfig(local.url));
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
  });

  it('is routed by its signing name and keeps what it is given', async () => {
    await client.send(new CreateRegistryCommand({ RegistryName: 'shop' }));
    await client.send(new CreateSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced.v1', Type: 'JSONSchemaDraft4', Content: '{"type":"object"}' }));
    const described = await client.send(new DescribeSchemaCommand({ RegistryName: 'shop', SchemaName: 'OrderPlaced.v1' }));
    expect(described).toMatchObject({ SchemaVersion: '1', Content: '{"type":"object"}' });
    expect(described.$metadata.requestId).toBeDefined();
    await expect(client.send(new DescribeSchemaCommand({ RegistryName: 'shop', SchemaName: 'Nope' }))).rejects.toBeInstanceOf(NotFoundException);
  });
});
