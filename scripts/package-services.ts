/**
 * Runs `sls package` in every service folder whose inputs changed since its last packaging, so that tests and the
 * local stack read what will really be deployed (.serverless/cloudformation-template-update-stack.json).
 * Usage: tsx scripts/package-services.ts [--force] [service ...]
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(__dirname, '..');
export const SERVICES_DIR = path.join(REPO_ROOT, 'services');
const HASH_FILE = '.inputs-hash';
const SLS = path.join(REPO_ROOT, 'node_modules', '.bin', 'sls');

export function listServices(): string[] {
  return fs
    .readdirSync(SERVICES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(SERVICES_DIR, d.name, 'serverless.yml')))
    .map((d) => d.name)
    .sort();
}

/** Everything a service's package depends on: its folder (minus outputs), the shared settings, the schemas, the libs. */
function inputsHash(service: string): string {
  const hash = createHash('sha256');
  const skip = new Set(['node_modules', '.serverless', '.esbuild']);
  const add = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) if (!skip.has(name)) add(path.join(p, name));
    } else {
      hash.update(path.relative(REPO_ROOT, p)).update('\0').update(fs.readFileSync(p)).update('\0');
    }
  };
  for (const p of [path.join(SERVICES_DIR, service), path.join(SERVICES_DIR, 'serverless.common.yml'), path.join(REPO_ROOT, 'schemas'), path.join(REPO_ROOT, 'libs', 'events', 'src')]) {
    if (fs.existsSync(p)) add(p);
  }
  return hash.digest('hex');
}

export function templatePath(service: string): string {
  return path.join(SERVICES_DIR, service, '.serverless', 'cloudformation-template-update-stack.json');
}

export async function packageService(service: string, options: { force?: boolean; stage?: string } = {}): Promise<'packaged' | 'fresh'> {
  const dir = path.join(SERVICES_DIR, service);
  const hashFile = path.join(dir, '.serverless', HASH_FILE);
  const hash = inputsHash(service);
  if (!options.force && fs.existsSync(templatePath(service)) && fs.existsSync(hashFile) && fs.readFileSync(hashFile, 'utf8') === hash) {
    return 'fresh';
  }
  try {
    await run(SLS, ['package', '--stage', options.stage ?? 'dev'], { cwd: dir, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`sls package failed in services/${service}:\n${stdout}${stderr}`);
  }
  fs.writeFileSync(hashFile, hash);
  return 'packaged';
}

/** Packages the stale services, two at a time (sls package is CPU-bound). */
export async function packageServices(services = listServices(), options: { force?: boolean; log?: (line: string) => void } = {}): Promise<void> {
  const queue = [...services];
  const worker = async () => {
    for (let service = queue.shift(); service; service = queue.shift()) {
      const started = Date.now();
      const outcome = await packageService(service, options);
      options.log?.(`${service}: ${outcome === 'fresh' ? 'up to date' : `packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`}`);
    }
  };
  await Promise.all([worker(), worker()]);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const services = args.filter((a) => !a.startsWith('--'));
  packageServices(services.length > 0 ? services : listServices(), { force: args.includes('--force'), log: console.log }).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
