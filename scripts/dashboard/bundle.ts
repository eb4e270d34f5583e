/** The page's assets, built once when the dashboard is mounted: one HTML page, one CSS file, one JS bundle. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const UI_DIR = path.join(__dirname, 'ui');

export interface DashboardAssets {
  html: string;
  css: string;
  js: string;
}

/** Bundles ui/main.tsx (Preact, dagre and the shared graph module) in memory; nothing is written to disk. */
export async function buildAssets(): Promise<DashboardAssets> {
  const [html, css, result] = await Promise.all([
    readFile(path.join(UI_DIR, 'index.html'), 'utf8'),
    readFile(path.join(UI_DIR, 'styles.css'), 'utf8'),
    build({
      entryPoints: [path.join(UI_DIR, 'main.tsx')],
      write: false,
      bundle: true,
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      target: 'es2022',
      logLevel: 'silent',
    }),
  ]);
  const js = result.outputFiles[0]?.text;
  if (js === undefined) throw new Error('esbuild produced no bundle for the dashboard');
  return { html, css, js };
}
