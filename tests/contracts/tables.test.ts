import fs from 'node:fs';
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE } from '@shop/events';
import { listServices } from '../../scripts/package-services';
import { contracts, packagedResources, repoPath, type CfnResource } from './services';

/** The tables the functions of a stack read as IDEMPOTENCY_TABLE: Powertools records, the only ones not business data. */
function idempotencyTableNames(resources: Record<string, CfnResource>): Set<string> {
  return new Set(
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((fn) => fn.Properties.Environment?.Variables?.IDEMPOTENCY_TABLE)
      .filter((name): name is string => typeof name === 'string'),
  );
}

const tables = listServices().flatMap((service) => {
  const resources = packagedResources(service);
  const idempotency = idempotencyTableNames(resources);
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')
    .map(([id, table]) => ({ service, id, table, idempotency: idempotency.has(table.Properties.TableName) }));
});
const business = tables.filter((t) => !t.idempotency);
const idempotency = tables.filter((t) => t.idempotency);

describe('tables of the packaged templates', () => {
  it('are found: each domain service has business tables and one idempotency table', () => {
    for (const { service } of contracts) {
      expect({ service, business: business.some((t) => t.service === service), idempotency: idempotency.filter((t) => t.service === service).length }).toEqual({ service, business: true, idempotency: 1 });
    }
  });

  it.each(business.map((t) => [`${t.service} ${t.id}`, t.table] as const))('%s (business data) survives its stack: retained, with point-in-time recovery', (_, table) => {
    expect({ DeletionPolicy: table.DeletionPolicy, UpdateReplacePolicy: table.UpdateReplacePolicy }).toEqual({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it.each(idempotency.map((t) => [`${t.service} ${t.id}`, t.table] as const))('%s (idempotency records) expires them by the attribute Powertools writes', (_, table) => {
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: IDEMPOTENCY_EXPIRY_ATTRIBUTE, Enabled: true });
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
  });

  it('take those shapes from services/serverless.common.yml alone: no service writes them itself', () => {
    for (const service of listServices()) {
      const yml = fs.readFileSync(repoPath('services', service, 'serverless.yml'), 'utf8');
      for (const key of ['DeletionPolicy', 'UpdateReplacePolicy', 'PointInTimeRecoverySpecification', 'TimeToLiveSpecification']) {
        expect({ service, key, written: yml.includes(key) }).toEqual({ service, key, written: false });
      }
    }
  });
});
