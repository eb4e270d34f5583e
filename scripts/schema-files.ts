import fs from 'node:fs';
import path from 'node:path';

/** The schema registry folder: one JSON Schema (draft-04) per event version, `schemas/<domain>/<DetailType>.json`. */
export const SCHEMAS_DIR = path.resolve(__dirname, '..', 'schemas');

export interface SchemaFile {
  /** e.g. `OrderPlaced.v2` (the EventBridge detail-type). */
  detailType: string;
  /** e.g. `orders` (the folder, the producing bounded context). */
  domain: string;
  /** Path relative to the repository root, with forward slashes. */
  relativePath: string;
  absolutePath: string;
}

export function listSchemaFiles(dir = SCHEMAS_DIR): SchemaFile[] {
  const files: SchemaFile[] = [];
  for (const domain of fs.readdirSync(dir).sort()) {
    const domainDir = path.join(dir, domain);
    if (!fs.statSync(domainDir).isDirectory()) continue;
    for (const name of fs.readdirSync(domainDir).sort()) {
      if (!name.endsWith('.json')) continue;
      const absolutePath = path.join(domainDir, name);
      files.push({
        detailType: name.slice(0, -'.json'.length),
        domain,
        relativePath: path.relative(path.resolve(dir, '..'), absolutePath).split(path.sep).join('/'),
        absolutePath,
      });
    }
  }
  return files;
}
