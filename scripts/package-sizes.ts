/**
 * Each function's deployment package: its zip size against the budget, what is in it (esbuild's metafile: the largest
 * inputs by bytes in the bundle, and what it leaves to the runtime), and its module load time in process (the part of a
 * cold start the code controls). Packages what is stale first.
 * Usage: npm run package:sizes [-- --runs N (fresh processes per bundle, 9; 0 skips)] [--top N (inputs, 5)] [--json]
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { listServices, packageServices, REPO_ROOT } from './package-services';
import { bundleInputs, FUNCTION_PACKAGE_BUDGET_BYTES, functionPackages, inspectPackage, type BundleInput } from './packaging/function-packages';
import { moduleLoadTime, type LoadTime } from './packaging/load-time';

interface FunctionReport {
  service: string;
  function: string;
  zipBytes: number;
  bundleBytes: number;
  topInputs: BundleInput[];
  externals: string[];
  loadTime?: LoadTime;
}

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${args[index + 1]}`);
  return value;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

async function main(args: string[]): Promise<void> {
  const runs = option(args, 'runs', 9);
  const top = option(args, 'top', 5);
  const json = args.includes('--json');
  await packageServices(listServices(), { log: json ? undefined : (line) => console.error(`[package] ${line}`) });

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'package-sizes-'));
  // Functions that share a handler module ship the same bundle: measured once.
  const loadTimes = new Map<string, LoadTime>();
  const reports: FunctionReport[] = [];
  try {
    for (const service of listServices()) {
      if (!fs.existsSync(path.join(REPO_ROOT, 'services', service, 'src'))) continue;
      for (const fn of functionPackages(service)) {
        const contents = inspectPackage(fn.zipPath);
        const { bundleBytes, inputs, externals } = bundleInputs(fn);
        const report: FunctionReport = { service, function: fn.functionKey, zipBytes: contents.zipBytes, bundleBytes, topInputs: inputs.slice(0, top), externals };
        if (runs > 0) {
          const bundle = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`;
          const zip = new AdmZip(fn.zipPath);
          const code = zip.getEntry(bundle)?.getData();
          if (!code) throw new Error(`${fn.zipPath} holds no ${bundle}`);
          const key = createHash('sha256').update(code).digest('hex');
          if (!loadTimes.has(key)) {
            const file = path.join(scratch, key, bundle);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, code);
            loadTimes.set(key, await moduleLoadTime(file, { runs, runtimeModules: path.join(REPO_ROOT, 'node_modules') }));
          }
          report.loadTime = loadTimes.get(key);
        }
        reports.push(report);
        if (!json) print(report);
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (json) {
    console.log(JSON.stringify({ budgetBytes: FUNCTION_PACKAGE_BUDGET_BYTES, functions: reports }, null, 2));
    return;
  }
  const largest = reports.reduce((a, b) => (b.zipBytes > a.zipBytes ? b : a));
  const over = reports.filter((r) => r.zipBytes > FUNCTION_PACKAGE_BUDGET_BYTES);
  console.log(
    `package:sizes: ${reports.length} functions, largest ${largest.service}.${largest.function} ${kb(largest.zipBytes)} zipped of ${kb(FUNCTION_PACKAGE_BUDGET_BYTES)}` +
      `${over.length > 0 ? `; OVER BUDGET: ${over.map((r) => `${r.service}.${r.function}`).join(', ')}` : ''}`,
  );
}

function print(r: FunctionReport): void {
  const load = r.loadTime ? `, load ${r.loadTime.wallMs.toFixed(0)} ms (CPU ${r.loadTime.cpuMs.toFixed(0)} ms, median of ${r.loadTime.runs})` : '';
  const budget = Math.round((100 * r.zipBytes) / FUNCTION_PACKAGE_BUDGET_BYTES);
  console.log(`${r.service}.${r.function}: ${kb(r.zipBytes)} zipped (${budget}% of budget), ${kb(r.bundleBytes)} minified${load}`);
  console.log(`  ${r.topInputs.map((i) => `${i.name} ${kb(i.bytes)}`).join(', ')}`);
  console.log(`  from the runtime: ${r.externals.join(', ') || 'nothing'}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
