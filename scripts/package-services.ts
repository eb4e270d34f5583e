/**
 * Packages every service folder whose inputs changed since its last packaging (`sls package`), so that tests and the
 * local stack read what will really be deployed. Usage: tsx scripts/package-services.ts [--force] [service ...]
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageIfStale, templatePath as packagedTemplate } from '../libs/local-cloud/src/cloudformation/packaging';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const SERVICES_DIR = path.join(REPO_ROOT, 'services');
/** What every service's package depends on besides its own folder. */
const SHARED_INPUTS = ['services/serverless.common.yml', 'services/esbuild.config.js', 'schemas', 'libs/events/src', 'libs/events/package.json', 'libs/service-kit/src', 'libs/service-kit/package.json', 'libs/aws-limits/src', 'libs/aws-limits/package.json', 'libs/serverless-observability', 'libs/serverless-unused-roles'].map((p) => path.join(REPO_ROOT, p));

export function listServices(): string[] {
  return fs
    .readdirSync(SERVICES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(SERVICES_DIR, d.name, 'serverless.yml')))
    .map((d) => d.name)
    .sort();
}

export const templatePath = (service: string) => packagedTemplate(path.join(SERVICES_DIR, service));

/** Packages the stale services, two at a time (sls package is CPU-bound). */
export async function packageServices(services = listServices(), options: { force?: boolean; log?: (line: string) => void } = {}): Promise<void> {
  const queue = [...services];
  const worker = async () => {
    for (let service = queue.shift(); service; service = queue.shift()) {
      const started = Date.now();
      const outcome = await packageIfStale(path.join(SERVICES_DIR, service), {
        slsBin: path.join(REPO_ROOT, 'node_modules', '.bin', 'sls'),
        extraInputs: SHARED_INPUTS,
        force: options.force,
      });
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
