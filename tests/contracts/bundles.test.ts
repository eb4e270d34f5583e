import fs from 'node:fs';
import path from 'node:path';
import { listServices, SERVICES_DIR } from '../../scripts/package-services';
import { bundleInputs, FUNCTION_PACKAGE_BUDGET_BYTES, functionPackages, inspectPackage } from '../../scripts/packaging/function-packages';

/** The deployment packages `sls package` wrote (the global setup packages what is stale), one per function. */
const withFunctions = listServices().filter((service) => fs.existsSync(path.join(SERVICES_DIR, service, 'src')));
const packages = withFunctions.flatMap(functionPackages);
const cases = packages.map((fn) => [`${fn.service}.${fn.functionKey}`, fn] as const);

describe('the deployment packages', () => {
  it('exist for every service with functions, one per function of its template', () => {
    expect(withFunctions.sort()).toEqual(['inventory', 'notifications', 'orders', 'payments']);
    for (const service of withFunctions) {
      const template = JSON.parse(fs.readFileSync(path.join(SERVICES_DIR, service, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'));
      const codeKeys = Object.values(template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => path.basename(r.Properties.Code.S3Key));
      const zips = functionPackages(service).map((fn) => path.basename(fn.zipPath));
      expect(new Set(codeKeys)).toEqual(new Set(zips));
      expect(new Set(zips).size).toBe(zips.length);
    }
  });

  it.each(cases)(`%s: at most ${FUNCTION_PACKAGE_BUDGET_BYTES / 1000} KB zipped, no AWS SDK, no source map, only its bundle`, (_name, fn) => {
    const { zipBytes, awsSdk, sourceMaps, entries } = inspectPackage(fn.zipPath);
    // What esbuild bundled: the SDK stays external, to the nodejs22.x runtime, and nothing else is left out.
    const { inputs, externals } = bundleInputs(fn);
    // One comparison, so that a failure shows every rule the package breaks.
    expect({
      zipBytes,
      withinBudget: zipBytes <= FUNCTION_PACKAGE_BUDGET_BYTES,
      awsSdk,
      sdkBundled: inputs.filter((i) => i.name.startsWith('@aws-sdk/')).map((i) => i.name),
      externalsNotFromTheRuntime: externals.filter((e) => !e.startsWith('@aws-sdk/')),
      sourceMaps,
      files: entries.map((e) => e.name),
    }).toEqual({
      zipBytes,
      withinBudget: true,
      awsSdk: [],
      sdkBundled: [],
      externalsNotFromTheRuntime: [],
      sourceMaps: [],
      files: [`${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`],
    });
  });
});
