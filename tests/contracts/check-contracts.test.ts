import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../scripts/check-contracts';
import { repoPath } from './services';

/** A git repository holding a copy of schemas/, committed, for the CLI to compare against. */
function committedCopy(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-'));
  fs.cpSync(repoPath('schemas'), path.join(root, 'schemas'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'schemas');
  return path.join(root, 'schemas');
}

function edit(schemasDir: string, file: string, change: (schema: any) => void): void {
  const p = path.join(schemasDir, file);
  const schema = JSON.parse(fs.readFileSync(p, 'utf8'));
  change(schema);
  fs.writeFileSync(p, JSON.stringify(schema, null, 2));
}

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const err = jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
  try {
    return { code: await main(args), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('npm run check:contracts', () => {
  it('passes when nothing changed since the last commit', async () => {
    const dir = committedCopy();
    expect(await run(['--schemas', dir])).toEqual({ code: 0, out: expect.stringContaining('11 schemas compatible with 11 schemas of git HEAD') });
  });

  it('fails, naming event and field, when a required property is removed without a new version', async () => {
    const dir = committedCopy();
    edit(dir, 'orders/OrderPlaced.v2.json', (s) => {
      delete s.properties.data.properties.paymentMethod;
      s.properties.data.required = s.properties.data.required.filter((n: string) => n !== 'paymentMethod');
    });
    const result = await run(['--schemas', dir]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('OrderPlaced.v2: data.paymentMethod: removed property');
  });

  it('fails when a schema of a published version is deleted', async () => {
    const dir = committedCopy();
    fs.rmSync(path.join(dir, 'orders', 'OrderPlaced.v1.json'));
    const result = await run(['--schemas', dir]);
    expect(result).toEqual({ code: 1, out: expect.stringContaining('OrderPlaced.v1: (schema) removed') });
  });

  // Additions the rules see as additive, which consumers validating against the old schema still reject.
  it('fails when a value is added to an enum, naming event, field and value', async () => {
    const dir = committedCopy();
    edit(dir, 'orders/OrderCancelled.v1.json', (s) => {
      s.properties.data.properties.reason.enum.push('CUSTOMER_REQUEST');
    });
    const result = await run(['--schemas', dir]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('OrderCancelled.v1: data.reason: rejected by the old schema (must be one of');
    expect(result.out).toContain('in a sample with data.reason = "CUSTOMER_REQUEST"');
  });

  it('fails when a property is added inside an object closed with additionalProperties: false', async () => {
    const dir = committedCopy();
    edit(dir, 'payments/PaymentCompleted.v1.json', (s) => {
      s.properties.data.properties.amount.properties.scale = { type: 'integer' };
    });
    const result = await run(['--schemas', dir]);
    expect(result).toEqual({ code: 1, out: expect.stringContaining('PaymentCompleted.v1: data.amount.scale: rejected by the old schema (is not allowed') });
  });

  it('lets an additive change and a brand-new version pass', async () => {
    const dir = committedCopy();
    edit(dir, 'payments/PaymentCompleted.v1.json', (s) => {
      s.properties.data.properties.receiptUrl = { type: 'string', format: 'uri' };
    });
    fs.copyFileSync(path.join(dir, 'orders', 'OrderConfirmed.v1.json'), path.join(dir, 'orders', 'OrderConfirmed.v2.json'));
    expect((await run(['--schemas', dir])).code).toBe(0);
  });

  it('compares with another folder when given --base-dir', async () => {
    const base = committedCopy();
    const work = committedCopy();
    edit(work, 'inventory/InventoryReserved.v1.json', (s) => {
      s.properties.data.properties.items.items.properties.quantity.type = 'string';
    });
    const result = await run(['--schemas', work, '--base-dir', base]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('InventoryReserved.v1: data.items[].quantity: changed type');
  });
});
