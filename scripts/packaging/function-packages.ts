import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import AdmZip from 'adm-zip';
import type { Metafile } from 'esbuild';
import { SERVICES_DIR } from '../package-services';

// The shared serverless-esbuild settings say where each bundle's metafile is kept.
const { METAFILES_DIR } = require('../../services/esbuild.config.js') as { METAFILES_DIR: string };

/** The most a function's deployment package (the zip `sls package` writes for it) may weigh. */
export const FUNCTION_PACKAGE_BUDGET_BYTES = 150_000;

/** One function's deployment package, as `sls package` left it in its service's .serverless/. */
export interface FunctionPackage {
  service: string;
  /** The function's key in serverless.yml. */
  functionKey: string;
  /** The deployed name (shop-orders-dev-placeOrder). */
  functionName: string;
  /** `src/functions/http/place-order.handler` */
  handler: string;
  zipPath: string;
  /** esbuild's metafile of the bundle (services/esbuild.config.js keeps it). */
  metafilePath: string;
}

interface ServerlessState {
  service: { functions?: Record<string, { name: string; handler: string; package?: { artifact?: string } }> };
}

/** Every function of a packaged service with its own artefact; an error names a function packaged with others. */
export function functionPackages(service: string): FunctionPackage[] {
  const servicePath = path.join(SERVICES_DIR, service);
  const stateFile = path.join(servicePath, '.serverless', 'serverless-state.json');
  if (!fs.existsSync(stateFile)) throw new Error(`${service} is not packaged: run \`npm run package\` first`);
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ServerlessState;
  return Object.entries(state.service.functions ?? {}).map(([functionKey, fn]) => {
    const artifact = fn.package?.artifact;
    if (!artifact) throw new Error(`${service}.${functionKey} has no deployment package of its own: set package.individually (serverless.common.yml)`);
    const module = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
    return {
      service,
      functionKey,
      functionName: fn.name,
      handler: fn.handler,
      zipPath: path.resolve(servicePath, artifact),
      metafilePath: path.join(servicePath, METAFILES_DIR, `${module}.json`),
    };
  });
}

export interface PackageEntry {
  name: string;
  bytes: number;
  zippedBytes: number;
}

/** What a deployment package holds, and what must not be in one. */
export interface PackageContents {
  zipBytes: number;
  entries: PackageEntry[];
  /** Source maps shipped: map files, or a bundle that links or inlines one. */
  sourceMaps: string[];
  /** Files that carry the AWS SDK v3 (which the nodejs22.x runtime provides): node_modules/@aws-sdk, or its core bundled in. */
  awsSdk: string[];
}

/** A bundled copy of the SDK's core carries its user-agent header name, which minification keeps (a string). */
const SDK_CORE_MARKER = 'x-amz-user-agent';

export function inspectPackage(zipPath: string): PackageContents {
  const entries = new AdmZip(zipPath).getEntries().filter((entry) => !entry.isDirectory);
  const sourceMaps: string[] = [];
  const awsSdk: string[] = [];
  for (const entry of entries) {
    const name = entry.entryName;
    if (name.endsWith('.map')) sourceMaps.push(name);
    if (name.includes('node_modules/@aws-sdk/')) awsSdk.push(name);
    if (/\.[cm]?js$/.test(name)) {
      const code = entry.getData().toString('utf8');
      if (/\/\/# sourceMappingURL=/.test(code)) sourceMaps.push(`${name} (sourceMappingURL)`);
      if (code.includes(SDK_CORE_MARKER)) awsSdk.push(`${name} (the SDK's core bundled in)`);
    }
  }
  return {
    zipBytes: fs.statSync(zipPath).size,
    entries: entries.map((entry) => ({ name: entry.entryName, bytes: entry.header.size, zippedBytes: entry.header.compressedSize })),
    sourceMaps,
    awsSdk,
  };
}

export interface BundleInput {
  /** An npm package (`ajv`, `@aws-lambda-powertools/logger`) or a source folder (`libs/events/src`, `services/orders/src`). */
  name: string;
  /** Bytes it adds to the minified bundle. */
  bytes: number;
}

/** A metafile input (a path relative to the service folder, where esbuild ran) → its npm package or source folder. */
function groupOf(input: string, service: string): string {
  const nodeModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (nodeModules) return nodeModules[1]!;
  const parts = path.relative(path.resolve(SERVICES_DIR, '..'), path.resolve(SERVICES_DIR, service, input)).split(path.sep);
  return parts[0] === 'schemas' ? 'schemas' : parts.slice(0, 3).join('/');
}

/** The bundle's inputs grouped by npm package or source folder, largest first, and the modules it leaves external. */
export function bundleInputs(fn: Pick<FunctionPackage, 'service' | 'metafilePath'>): { bundleBytes: number; inputs: BundleInput[]; externals: string[] } {
  const metafile = JSON.parse(fs.readFileSync(fn.metafilePath, 'utf8')) as Metafile;
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  if (!output) throw new Error(`${fn.metafilePath} names no entry point`);
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = groupOf(input, fn.service);
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return {
    bundleBytes: output.bytes,
    inputs: [...bytes].map(([name, b]) => ({ name, bytes: b })).sort((a, b) => b.bytes - a.bytes),
    externals: [...new Set(output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path))].sort(),
  };
}
