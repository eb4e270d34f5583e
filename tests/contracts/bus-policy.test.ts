import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../scripts/package-services';
import { repoPath } from './services';

const run = promisify(execFile);

/**
 * `sls package --stage <stage>` of services/event-bus, in a copy of the folder: packaging always empties the service's
 * own .serverless/ (even with --package elsewhere), which the other tests and the local stack read.
 */
async function busPolicyStatementIds(root: string, stage: string): Promise<string[]> {
  const service = path.join(root, stage, 'services', 'event-bus');
  fs.mkdirSync(service, { recursive: true });
  for (const file of ['serverless.yml', 'registry.js', 'package.json']) fs.copyFileSync(repoPath('services', 'event-bus', file), path.join(service, file));
  // registry.js reads ../../schemas.
  fs.symlinkSync(repoPath('schemas'), path.join(root, stage, 'schemas'));
  await run(path.join(REPO_ROOT, 'node_modules', '.bin', 'sls'), ['package', '--stage', stage], { cwd: service, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } });
  const template = JSON.parse(fs.readFileSync(path.join(service, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'));
  return Object.values(template.Resources as Record<string, { Type: string; Properties: { StatementId: string } }>)
    .filter((r) => r.Type === 'AWS::Events::EventBusPolicy')
    .map((r) => r.Properties.StatementId)
    .sort();
}

describe('the bus policy', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bus-policy-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  // CloudFormation takes an EventBusPolicy's StatementId as its physical id, unique in the account and region: two
  // stages side by side need different ones.
  it('has statement ids that include the stage, so two stages deploy side by side in one account and region', async () => {
    const [qa, staging] = await Promise.all([busPolicyStatementIds(root, 'qa'), busPolicyStatementIds(root, 'staging')]);
    expect(qa.length).toBeGreaterThan(1);
    expect(qa.every((id) => id.startsWith('shop-qa-'))).toBe(true);
    expect(staging.every((id) => id.startsWith('shop-staging-'))).toBe(true);
    expect(qa.filter((id) => staging.includes(id))).toEqual([]);
    expect(staging).toEqual(qa.map((id) => id.replace(/^shop-qa-/, 'shop-staging-')));
  });
});
