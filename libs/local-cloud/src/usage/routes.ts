import type { Cloud } from '../cloud';
import type { LocalRoute } from '../server';

const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `GET /_local/usage`: what the emulator counted that AWS bills (usage-meter.ts); `POST /_local/usage/reset` starts afresh. */
export function usageRoutes(cloud: Cloud): LocalRoute[] {
  return [
    { method: 'GET', path: '/_local/usage', handle: async () => json(200, cloud.usage.snapshot()) },
    {
      method: 'POST',
      path: '/_local/usage/reset',
      async handle() {
        cloud.usage.reset();
        return json(200, cloud.usage.snapshot());
      },
    },
  ];
}
