/**
 * npm run check:contracts [-- --base REV | --base-dir DIR] [--schemas DIR] [--registry-endpoint URL --registry-name NAME]
 *
 * Compares the schemas in the working tree with the last committed ones (git REV, default HEAD) or with another
 * folder, and, given a registry endpoint, with the latest version of each schema in that EventBridge schema
 * registry. Exits 1 naming event and field on any breaking change inside a version, found by the rules of
 * contracts/schema-diff.ts or by validating events of the new schema with the old one (contracts/consumer-samples.ts);
 * a breaking change needs a new version (a new detail-type and schema file) instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeSchemaCommand, NotFoundException, SchemasClient } from '@aws-sdk/client-schemas';
import { rejectedByOldSchema } from './contracts/consumer-samples';
import { diffSchemas, formatChanges, type BreakingChange } from './contracts/schema-diff';
import { listSchemaFiles, SCHEMAS_DIR } from './schema-files';

type Schema = Record<string, unknown>;
/** relative path (`orders/OrderPlaced.v2.json`) → schema */
type SchemaSet = Map<string, Schema>;


function readDir(dir: string): SchemaSet {
  const set: SchemaSet = new Map();
  for (const file of listSchemaFiles(dir)) {
    set.set(`${file.domain}/${file.detailType}.json`, JSON.parse(fs.readFileSync(file.absolutePath, 'utf8')));
  }
  return set;
}

function readGit(rev: string, dir: string): SchemaSet {
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const set: SchemaSet = new Map();
  let names: string[];
  try {
    // Paths relative to the schemas folder, e.g. orders/OrderPlaced.v2.json.
    names = git('ls-tree', '-r', '--name-only', rev, '--', '.').split('\n').filter((n) => n.endsWith('.json'));
  } catch {
    return set; // no such revision yet (a repository without commits): nothing to be compatible with
  }
  for (const name of names) set.set(name, JSON.parse(git('show', `${rev}:./${name}`)));
  return set;
}

/**
 * The breaking changes from `before` to `after`: the rules of schema-diff, then what a consumer validating against
 * `before` rejects among events valid under `after` (consumer-samples), for the fields the rules did not name.
 */
export function breakingChanges(before: Schema, after: Schema): BreakingChange[] {
  const byRule = diffSchemas(before, after);
  const named = new Set(byRule.map((change) => change.field));
  return [...byRule, ...rejectedByOldSchema(before, after).filter((change) => !named.has(change.field))];
}

export function compareSets(base: SchemaSet, work: SchemaSet, label: string): string[] {
  const problems: string[] = [];
  for (const [file, before] of base) {
    const event = path.basename(file, '.json');
    const after = work.get(file);
    if (!after) problems.push(`${event}: (schema) removed: an event version still in ${label} must keep its schema`);
    else problems.push(...formatChanges(event, breakingChanges(before, after)));
  }
  return problems;
}

async function compareRegistry(endpoint: string, registryName: string, work: SchemaSet): Promise<string[]> {
  const client = new SchemasClient({ endpoint });
  const problems: string[] = [];
  for (const schema of work.values()) {
    const event = schema['x-amazon-events-detail-type'] as string;
    const schemaName = `${schema['x-amazon-events-source'] as string}@${event}`;
    try {
      const latest = await client.send(new DescribeSchemaCommand({ RegistryName: registryName, SchemaName: schemaName }));
      problems.push(...formatChanges(event, breakingChanges(JSON.parse(latest.Content ?? '{}'), schema)));
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error; // not registered yet: a new event version
    }
  }
  return problems;
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: 'string', default: 'HEAD' },
      'base-dir': { type: 'string' },
      schemas: { type: 'string', default: SCHEMAS_DIR },
      'registry-endpoint': { type: 'string', default: process.env.SCHEMA_REGISTRY_ENDPOINT },
      'registry-name': { type: 'string', default: process.env.SCHEMA_REGISTRY_NAME ?? 'shop-dev' },
    },
  });
  const work = readDir(path.resolve(values.schemas));
  const baseLabel = values['base-dir'] ? values['base-dir'] : `git ${values.base}`;
  const base = values['base-dir'] ? readDir(path.resolve(values['base-dir'])) : readGit(values.base, path.resolve(values.schemas));
  const problems = compareSets(base, work, baseLabel);
  let compared = `${base.size} schemas of ${baseLabel}`;
  if (values['registry-endpoint']) {
    problems.push(...(await compareRegistry(values['registry-endpoint'], values['registry-name'], work)));
    compared += ` and registry ${values['registry-name']} at ${values['registry-endpoint']}`;
  }
  if (problems.length > 0) {
    console.error(`Breaking changes inside a version (publish a new version instead):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log(`check:contracts: ${work.size} schemas compatible with ${compared}`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`check:contracts failed: ${(error as Error).message}`);
      process.exit(2);
    },
  );
}
