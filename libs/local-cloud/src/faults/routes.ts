import type { Cloud } from '../cloud';
import { AwsError } from '../errors';
import type { LocalRoute } from '../server';
import { FaultPlanError } from './plan';

const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * `GET /_local/faults`: the plan in force and the faults injected so far, by kind. `PUT /_local/faults` with the
 * plan's JSON replaces it (`{}` turns every fault off); a bad plan is refused with 400 naming the key.
 */
export function faultRoutes(cloud: Cloud): LocalRoute[] {
  return [
    { method: 'GET', path: '/_local/faults', handle: async () => json(200, cloud.faults.snapshot()) },
    {
      method: 'PUT',
      path: '/_local/faults',
      async handle(request) {
        let plan: unknown;
        try {
          plan = JSON.parse(request.body.toString('utf8') || '{}');
        } catch {
          throw new AwsError('ValidationException', 'fault plan: the body is not JSON');
        }
        try {
          cloud.faults.set(plan as Record<string, unknown>);
        } catch (error) {
          if (error instanceof FaultPlanError) throw new AwsError('ValidationException', error.message);
          throw error;
        }
        cloud.record({ service: 'faults', type: 'plan.set', plan: cloud.faults.snapshot().plan });
        return json(200, cloud.faults.snapshot());
      },
    },
  ];
}
