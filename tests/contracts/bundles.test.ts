import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { listServices, SERVICES_DIR } from '../../scripts/package-services';

/** The deployment package `sls package` wrote for a service with functions (serverless-esbuild bundles). */
function bundles(service: string): Array<{ name: string; code: string }> {
  const zip = path.join(SERVICES_DIR, service, '.serverless', `shop-${service}.zip`);
  if (!fs.existsSync(zip)) return [];
  return new AdmZip(zip)
    .getEntries()
    .filter((entry) => entry.entryName.endsWith('.js'))
    .map((entry) => ({ name: entry.entryName, code: entry.getData().toString('utf8') }));
}

const withFunctions = listServices().filter((service) => bundles(service).length > 0);

describe('the deployment packages', () => {
  it('exist for every service with functions', () => {
    expect(withFunctions.sort()).toEqual(['inventory', 'notifications', 'orders', 'payments']);
  });

  it.each(withFunctions.map((s) => [s] as const))('%s: bundles leave the AWS SDK v3 to the nodejs22.x runtime and ship no node_modules', (service) => {
    const files = bundles(service);
    const zip = new AdmZip(path.join(SERVICES_DIR, service, '.serverless', `shop-${service}.zip`));
    expect(zip.getEntries().filter((e) => e.entryName.includes('node_modules/'))).toEqual([]);
    const sdkRequires = new Set(files.flatMap((f) => f.code.match(/require\("@aws-sdk\/[a-z0-9-]+"\)/g) ?? []));
    expect(sdkRequires.size).toBeGreaterThan(0);
    for (const { name, code } of files) {
      // A bundled copy of the SDK's core carries its user-agent header name, which minification keeps (a string).
      expect({ name, bundledSdk: code.includes('x-amz-user-agent') }).toEqual({ name, bundledSdk: false });
    }
  });
});
