import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Ajv from 'ajv-draft-04';
import { catalog, checkDetail, createAjv, detailTypes } from '@shop/events';
import { listSchemaFiles } from '../../scripts/schema-files';
import { repoPath, resourcesOfType } from './services';

const files = listSchemaFiles();
const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('the schema registry folder', () => {
  it('holds the whole event flow', () => {
    expect(detailTypes).toEqual(
      expect.arrayContaining([
        'OrderPlaced.v1', 'OrderPlaced.v2', 'OrderConfirmed.v1', 'OrderCancelled.v1',
        'PaymentCompleted.v1', 'PaymentFailed.v1', 'PaymentRefunded.v1',
        'InventoryReserved.v1', 'InventoryReservationFailed.v1', 'InventoryReleased.v1', 'NotificationSent.v1',
      ]),
    );
  });

  it.each(files.map((f) => [f.relativePath, f] as const))('%s is a valid draft-04 schema named after its detail-type and source', (_, file) => {
    const schema = read(file.absolutePath);
    const meta = new Ajv({ strict: false });
    expect(meta.validateSchema(schema)).toBe(true);
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(schema['x-amazon-events-detail-type']).toBe(file.detailType);
    expect(schema['x-amazon-events-source']).toBe(`shop.${file.domain}`);
    expect(schema.properties.metadata.properties.version.enum).toEqual([file.detailType.split('.')[1]]);
    expect(schema.properties.metadata.properties.domain.enum).toEqual([file.domain]);
    expect(() => createAjv().compile(schema)).not.toThrow();
  });

  it.each(files.map((f) => [f.detailType, f] as const))('every example of %s validates', (detailType, file) => {
    const schema = read(file.absolutePath);
    expect(schema.examples.length).toBeGreaterThan(0);
    for (const example of schema.examples) expect(checkDetail(detailType, example)).toEqual([]);
  });

  it('uses one envelope: the metadata block is the same in every schema but for version and domain', () => {
    const normalised = files.map((f) => {
      const metadata = structuredClone(read(f.absolutePath).properties.metadata);
      delete metadata.properties.version.enum;
      delete metadata.properties.domain.enum;
      return JSON.stringify(metadata);
    });
    expect(new Set(normalised).size).toBe(1);
  });

  it('OrderPlaced.v2 is a breaking change from v1 (total: number in major units → money object)', () => {
    const v1 = catalog['OrderPlaced.v1'].examples[0] as any;
    const v2 = catalog['OrderPlaced.v2'].examples[0] as any;
    expect(checkDetail('OrderPlaced.v2', { ...v1, metadata: { ...v1.metadata, version: 'v2' } }).map((v) => v.path)).toContain('detail.data.total');
    expect(checkDetail('OrderPlaced.v1', { ...v2, metadata: { ...v2.metadata, version: 'v1' } }).map((v) => v.path)).toContain('detail.data.total');
  });

  it('the generated types and catalogue are up to date with schemas/', () => {
    // A child process: the generator formats with prettier, whose dynamic imports jest's module system cannot run.
    const check = spawnSync(repoPath('node_modules/.bin/tsx'), [repoPath('scripts/generate-event-types.ts'), '--check'], { encoding: 'utf8' });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('the packaged event-bus registry has exactly one schema resource per schema file, with its content', () => {
    const schemas = resourcesOfType('event-bus', 'AWS::EventSchemas::Schema').map(([, r]) => r.Properties);
    expect(schemas).toHaveLength(files.length);
    for (const file of files) {
      const schema = read(file.absolutePath);
      const resource = schemas.find((p) => p.SchemaName === `${schema['x-amazon-events-source']}@${file.detailType}`);
      expect(resource).toMatchObject({ Type: 'JSONSchemaDraft4' });
      expect(JSON.parse(resource!.Content)).toEqual(schema);
    }
  });
});
