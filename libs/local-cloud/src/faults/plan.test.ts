import { FaultPlanError, parseFaultPlan, planToJson } from './plan';

describe('parseFaultPlan', () => {
  it('reads the LOCAL_CLOUD_FAULTS string: rates, a delay range, scopes after @ (globs split by |)', () => {
    expect(parseFaultPlan('seed=7, duplicate=0.3,delay=0-500ms,lambda.after=0.05@shop-payments-*|shop-orders-*,putEvents=0.1')).toEqual({
      seed: 7,
      rules: { duplicate: { rate: 0.3 }, 'lambda.after': { rate: 0.05, scope: ['shop-payments-*', 'shop-orders-*'] }, putEvents: { rate: 0.1 } },
      delay: { minMs: 0, maxMs: 500, rate: 1 },
    });
    expect(parseFaultPlan('delay=1-2s@shop-*').delay).toEqual({ minMs: 1000, maxMs: 2000, rate: 1, scope: ['shop-*'] });
  });

  it('reads the same plan from JSON, and shows it back in a form that parses to it', () => {
    const plan = parseFaultPlan({ seed: 2, ses: { rate: 0.5, scope: 'noreply@*' }, delay: { range: '10-20ms', rate: 0.5 } });
    expect(plan).toEqual({ seed: 2, rules: { ses: { rate: 0.5, scope: ['noreply@*'] } }, delay: { minMs: 10, maxMs: 20, rate: 0.5 } });
    expect(parseFaultPlan(planToJson(plan))).toEqual(plan);
    expect(parseFaultPlan(undefined)).toEqual({ seed: 1, rules: {} });
    expect(parseFaultPlan('')).toEqual({ seed: 1, rules: {} });
  });

  it.each([
    ['duplicat=0.3', 'unknown key "duplicat"'],
    ['duplicate=1.5', 'duplicate must be a probability from 0 to 1, not 1.5'],
    ['http=often', 'http must be a probability from 0 to 1, not "often"'],
    ['delay=500', 'delay must be a range like 0-500ms'],
    ['delay=9-1ms', 'ends before it starts'],
    ['seed=-1', 'seed must be a non-negative integer'],
    ['ses', '"ses" is not key=value'],
    ['ses=0.1,ses=0.2', 'key "ses" is given twice'],
    ['ses=0.1@', 'ses: scope must be a glob'],
  ])('refuses %s, naming the problem', (text, message) => {
    expect(() => parseFaultPlan(text)).toThrow(FaultPlanError);
    expect(() => parseFaultPlan(text)).toThrow(message);
  });

  it('refuses unknown members of a JSON rule and a plan that is not an object', () => {
    expect(() => parseFaultPlan({ duplicate: { rate: 0.1, scop: 'x' } })).toThrow('duplicate: unknown member "scop"');
    expect(() => parseFaultPlan([] as unknown as Record<string, unknown>)).toThrow('expected an object');
  });
});
