import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HASH_FILE = '.inputs-hash';
const OUTPUTS = new Set(['node_modules', '.serverless', '.esbuild', '.esbuild-package']);

export interface PackagingOptions {
  /** Files or folders outside the service folder that its package depends on (shared settings, schemas, libraries). */
  extraInputs?: string[];
  /** The Serverless Framework binary (osls). */
  slsBin: string;
  stage?: string;
  force?: boolean;
}

export function templatePath(servicePath: string): string {
  return path.join(servicePath, '.serverless', 'cloudformation-template-update-stack.json');
}

function inputsHash(servicePath: string, extraInputs: string[]): string {
  const hash = createHash('sha256');
  const add = (p: string) => {
    if (fs.statSync(p).isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) if (!OUTPUTS.has(name)) add(path.join(p, name));
    } else {
      hash.update(p).update('\0').update(fs.readFileSync(p)).update('\0');
    }
  };
  for (const p of [servicePath, ...extraInputs]) if (fs.existsSync(p)) add(p);
  return hash.digest('hex');
}

/**
 * Runs `sls package` in a service folder when its template is missing or its inputs changed since it was last
 * packaged, so that the local stack loads what will really be deployed.
 */
export async function packageIfStale(servicePath: string, options: PackagingOptions): Promise<'packaged' | 'fresh'> {
  const hashFile = path.join(servicePath, '.serverless', HASH_FILE);
  const hash = inputsHash(servicePath, options.extraInputs ?? []);
  if (!options.force && fs.existsSync(templatePath(servicePath)) && fs.existsSync(hashFile) && fs.readFileSync(hashFile, 'utf8') === hash) {
    return 'fresh';
  }
  try {
    await run(options.slsBin, ['package', '--stage', options.stage ?? 'dev'], {
      cwd: servicePath,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`sls package failed in ${servicePath}:\n${stdout}${stderr}`);
  }
  fs.writeFileSync(hashFile, hash);
  return 'packaged';
}
