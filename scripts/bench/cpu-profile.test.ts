import path from 'node:path';
import { formatProfile, startCpuProfile, summariseByPackage, summariseProfile, type CpuProfile } from './cpu-profile';

const ROOT = path.resolve(__dirname, '../..');

/** Keeps the CPU busy for `ms` in a function of its own, so that the profile has a known top entry. */
function spinForBench(ms: number): number {
  let x = 0;
  for (const until = Date.now() + ms; Date.now() < until; ) x += Math.sqrt(x + 1);
  return x;
}

describe('summariseProfile', () => {
  it('puts the function that burnt the CPU on top, with its file and line, reached by two call paths added up', async () => {
    const stop = await startCpuProfile(500);
    const viaA = () => spinForBench(150);
    const viaB = () => spinForBench(150);
    viaA();
    viaB();
    const profile = await stop();
    const [top, ...rest] = summariseProfile(profile, { top: 10, root: ROOT });
    expect(top!.functionName).toBe('spinForBench');
    expect(top!.location).toMatch(/^scripts\/bench\/cpu-profile\.test\.ts:\d+$/);
    // Both calls (about 300 ms) are one entry: no second spinForBench entry.
    expect(top!.selfMs).toBeGreaterThan(200);
    expect(rest.some((entry) => entry.functionName === 'spinForBench')).toBe(false);
    const all = summariseProfile(profile, { top: 10_000 });
    const percent = all.reduce((sum, entry) => sum + entry.selfPercent, 0);
    expect(percent).toBeCloseTo(100, 6);
    expect(formatProfile([top!])[0]).toMatch(/^\s*\d+\.\d% +\d+ ms  spinForBench  scripts\/bench\/cpu-profile\.test\.ts:\d+$/);
  });

  it('gives a sample the time until the next one, and names V8 entries without a file', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'parse', url: 'file:///x/a.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
        { id: 4, callFrame: { functionName: '', url: 'file:///x/b.js', lineNumber: 0 } },
      ],
      samples: [2, 3, 2, 4],
      timeDeltas: [700, 4_000, 1_000, 5_000],
    };
    expect(summariseProfile(profile, { top: 5, root: '/x' })).toEqual([
      { functionName: 'parse', location: 'a.js:10', selfMs: 9, selfPercent: 90 },
      { functionName: '(garbage collector)', location: '', selfMs: 1, selfPercent: 10 },
    ]);
  });

  it('adds self time up by package, workspace folder, Node and V8', () => {
    const frame = (id: number, url: string, functionName = 'f') => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
    const profile: CpuProfile = {
      nodes: [
        frame(1, 'file:///repo/node_modules/@smithy/core/dist-cjs/index.js'),
        frame(2, 'file:///repo/node_modules/dynalite/node_modules/big.js/big.js'),
        frame(3, 'file:///repo/libs/local-cloud/src/cloud.ts'),
        frame(4, 'node:events'),
        frame(5, '', '(garbage collector)'),
        frame(6, '', 'writev'),
        frame(7, 'file:///repo/node_modules/@smithy/core/dist-cjs/other.js'),
      ],
      samples: [1, 2, 3, 4, 5, 6, 7, 1],
      timeDeltas: [0, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 3_000],
    };
    expect(summariseByPackage(profile, { top: 10, root: '/repo' }).map((e) => [e.functionName, e.selfMs])).toEqual([
      ['@smithy/core', 4],
      ['big.js', 1],
      ['libs/local-cloud', 1],
      ['node:', 1],
      ['(garbage collector)', 1],
      ['(native)', 1],
    ]);
  });
});
