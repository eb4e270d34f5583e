import { percentile, realTimeouts, seededPlan } from '../../scripts/chaos/run';

describe('the chaos run helpers', () => {
  it('percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 90), percentile(values, 99), percentile([7], 99), percentile([], 50)]).toEqual([50, 90, 99, 7, 0]);
  });

  it('seeds a plan with the run seed unless it has its own', () => {
    expect(seededPlan('duplicate=0.3', 5)).toBe('seed=5,duplicate=0.3');
    expect(seededPlan('seed=9,duplicate=0.3', 5)).toBe('seed=9,duplicate=0.3');
    expect(seededPlan('none', 5)).toBe('none');
  });

  it('counts the timeouts that were not injected', () => {
    const timedOut = (requestId: string) => ({ seq: 0, time: '', service: 'lambda', type: 'invocation.failed', errorType: 'Sandbox.Timedout', requestId });
    const activity = [
      { seq: 0, time: '', service: 'faults', type: 'fault.injected', fault: 'lambda.after', variant: 'Sandbox.Timedout', requestId: 'a' },
      timedOut('a'),
      timedOut('b'),
      { seq: 0, time: '', service: 'lambda', type: 'invocation.failed', errorType: 'Runtime.ExitError', requestId: 'c' },
    ];
    expect(realTimeouts(activity)).toBe(1);
  });
});
