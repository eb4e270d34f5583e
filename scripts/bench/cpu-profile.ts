/**
 * A CPU profile of this process (node:inspector's Profiler, V8's sampling profiler) and its summary: the functions
 * that took the most time themselves (self time), each with its file and line.
 */
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** The parts of a V8 `Profiler.Profile` the summary reads (https://chromedevtools.github.io/devtools-protocol/v8/Profiler/#type-Profile). */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples?: number[];
  /** Microseconds between one sample and the one before it (the first: since startTime). */
  timeDeltas?: number[];
}

export interface ProfileEntry {
  /** `(anonymous)` for an unnamed function; V8's own `(garbage collector)`, `(program)`, `(idle)` as they are. */
  functionName: string;
  /** `file:line` (1-based), relative to `root` when under it; empty for V8's own entries. */
  location: string;
  selfMs: number;
  /** Share of the sampled time. */
  selfPercent: number;
}

/** Starts profiling; the returned function stops and answers the profile. */
export async function startCpuProfile(samplingIntervalUs = 1_000): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile as CpuProfile;
  };
}

/** The self time of each node, in microseconds: a sample's time is the gap until the next sample. */
function selfTimes(profile: CpuProfile): { selfUs: Map<number, number>; totalUs: number } {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  // The share is of the sampled span (first sample to last): V8 takes its first sample only once the profiler is up.
  const totalUs = Math.max(1, deltas.slice(1, samples.length).reduce((sum, us) => sum + us, 0));
  return { selfUs, totalUs };
}

/**
 * The `top` entries by self time. A sample's time is the gap until the next sample (the time the sampled function was
 * seen running); entries of one function (same name, file and line) reached by different call paths are added up.
 */
export function summariseProfile(profile: CpuProfile, options: { top: number; root?: string }): ProfileEntry[] {
  const { selfUs, totalUs: total } = selfTimes(profile);
  const byFunction = new Map<string, ProfileEntry>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id);
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url ? `${shortFile(url, options.root)}:${lineNumber + 1}` : '';
    const key = `${functionName}\0${location}`;
    const entry = byFunction.get(key) ?? { functionName: functionName || '(anonymous)', location, selfMs: 0, selfPercent: 0 };
    entry.selfMs += us / 1000;
    entry.selfPercent = (entry.selfMs * 100_000) / total;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, options.top);
}

/**
 * Self time by where the code lives: a package (`node_modules/<name>`, the innermost one), a workspace folder (`libs/<name>`,
 * `services/<name>`, `scripts`), Node's own modules (`node:`), or V8's entries (GC, idle, program) as they are.
 */
export function summariseByPackage(profile: CpuProfile, options: { top: number; root?: string }): ProfileEntry[] {
  const { selfUs, totalUs } = selfTimes(profile);
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id);
    if (!us) continue;
    const where = packageOf(node.callFrame, options.root);
    byPackage.set(where, (byPackage.get(where) ?? 0) + us);
  }
  return [...byPackage.entries()]
    .map(([functionName, us]) => ({ functionName, location: '', selfMs: us / 1000, selfPercent: (us * 100) / totalUs }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, options.top);
}

function packageOf({ functionName, url }: CpuProfile['nodes'][number]['callFrame'], root: string | undefined): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:';
  const file = shortFile(url, root);
  // The innermost package: a dependency nested under another is its own entry.
  const inModules = /^.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (inModules) return inModules[1]!;
  const workspace = /^((?:libs|services)\/[^/]+|scripts|tests)\//.exec(file);
  return workspace ? workspace[1]! : file;
}

function shortFile(url: string, root: string | undefined): string {
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  return root && file.startsWith(root + path.sep) ? path.relative(root, file) : file;
}

export function formatProfile(entries: ProfileEntry[]): string[] {
  return entries.map((e) => `${e.selfPercent.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(6)} ms  ${e.functionName}  ${e.location}`);
}
