import { setMaxListeners } from 'node:events';
import { minimatch } from 'minimatch';
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';
import { abortableDelay } from '../timers';
import { EMPTY_PLAN, FAULT_KINDS, parseFaultPlan, planToJson, type FaultKind, type FaultPlan, type FaultPlanInput, type FaultRule, type RateFault } from './plan';

/** What `GET /_local/faults` answers: the plan in force and how many faults of each kind were injected so far. */
export interface FaultSnapshot {
  plan: Record<string, unknown>;
  injected: Record<FaultKind, number>;
}

/** Where a fault could strike: the names a scope glob is matched against, and what the activity record says. */
export interface FaultSite {
  /** E.g. the function name, or the rule, target and queue names of a delivery; undefined entries are ignored. */
  names: Array<string | undefined>;
  /** Recorded with the injected fault (functionName, requestId, eventId, tableName...), for traces. */
  context?: Record<string, unknown>;
}

type Recorder = (activity: { service: 'faults'; type: 'fault.injected'; fault: FaultKind; variant?: string; [key: string]: unknown }) => void;

const RESOLUTION = 1_000_000;

/**
 * Decides, for each opportunity the emulated services offer it, whether a fault of the plan strikes. Draws come
 * from one seeded generator, so a run with the same seed and the same order of opportunities injects the same
 * faults. Every injected fault is counted and recorded as cloud activity (`fault.injected`).
 */
export class FaultInjector {
  private plan: FaultPlan = EMPTY_PLAN;
  private random: RandomGenerator = xoroshiro128plus(EMPTY_PLAN.seed);
  private scopes = new Map<FaultKind, (name: string) => boolean>();
  private readonly injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;

  constructor(
    private readonly record: Recorder,
    input?: FaultPlanInput,
  ) {
    this.set(input);
  }

  /** Replaces the plan (an empty one turns every fault off); counts so far are kept. Throws FaultPlanError. */
  set(input: FaultPlanInput): void {
    const plan = parseFaultPlan(input);
    this.plan = plan;
    this.random = xoroshiro128plus(plan.seed);
    this.scopes = new Map();
    const rules: Array<[FaultKind, FaultRule | undefined]> = [...Object.entries(plan.rules), ['delay', plan.delay]] as Array<[FaultKind, FaultRule]>;
    for (const [kind, rule] of rules) if (rule?.scope) this.scopes.set(kind, (name) => rule.scope!.some((glob) => minimatch(name, glob)));
  }

  snapshot(): FaultSnapshot {
    return { plan: planToJson(this.plan), injected: { ...this.injected } };
  }

  /** Whether `kind` strikes this opportunity (counted and recorded when it does). */
  strikes(kind: RateFault, site: FaultSite, variant?: string): boolean {
    if (!this.draw(kind, this.plan.rules[kind], site)) return false;
    this.count(kind, site, variant);
    return true;
  }

  /** `strikes`, choosing one of the ways the fault shows (each equally likely); undefined when it does not strike. */
  pick<T extends { name: string }>(kind: RateFault, site: FaultSite, variants: readonly T[]): T | undefined {
    if (!this.draw(kind, this.plan.rules[kind], site)) return undefined;
    const variant = variants[unsafeUniformIntDistribution(0, variants.length - 1, this.random)]!;
    this.count(kind, site, variant.name);
    return variant;
  }

  /**
   * The deliveries to make of one delivery opportunity: one, or two when `duplicate` strikes, each with how long `delay`
   * holds it back (ms of wall-clock time, 0 for none).
   */
  deliveries(site: FaultSite, variant: string): number[] {
    const copies = this.strikes('duplicate', site, variant) ? 2 : 1;
    return Array.from({ length: copies }, () => this.delayFor(site));
  }

  /** How long to hold back this delivery (ms of wall-clock time, not scaled): 0 unless the plan has a delay for it. */
  delayFor(site: FaultSite): number {
    const rule = this.plan.delay;
    if (!rule || !this.draw('delay', rule, site)) return 0;
    const ms = unsafeUniformIntDistribution(rule.minMs, rule.maxMs, this.random);
    this.count('delay', site, `${ms}ms`);
    return ms;
  }

  private draw(kind: FaultKind, rule: FaultRule | undefined, site: FaultSite): boolean {
    if (!rule || rule.rate === 0) return false;
    const inScope = this.scopes.get(kind);
    if (inScope && !site.names.some((name) => name !== undefined && inScope(name))) return false;
    return unsafeUniformIntDistribution(0, RESOLUTION - 1, this.random) < rule.rate * RESOLUTION;
  }

  private count(kind: FaultKind, site: FaultSite, variant?: string): void {
    this.injected[kind]++;
    this.record({ service: 'faults', type: 'fault.injected', fault: kind, ...(variant ? { variant } : {}), ...site.context });
  }
}

/** Holds a delivery back `ms` of wall-clock time (not scaled); no fault (0) holds nothing back, not even a tick. */
export function holdBack(ms: number, signal?: AbortSignal): Promise<void> {
  return ms <= 0 ? Promise.resolve() : abortableDelay(ms, signal);
}

/** An AbortController whose signal takes any number of listeners (one per delivery held back or waiting to retry). */
export function unlimitedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
