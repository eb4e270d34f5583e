import fs from 'node:fs';
import { listServices } from '../../scripts/package-services';
import { packagedResources, repoPath } from './services';

/** services/serverless.common.yml `httpApiStage`: the throttling every route of every HTTP API gets. */
const THROTTLING = { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 };

const stages = listServices().flatMap((service) => {
  const resources = Object.values(packagedResources(service));
  const apis = resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Api').length;
  return apis === 0 ? [] : [{ service, apis, stages: resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Stage') }];
});

describe('HTTP API stages of the packaged templates', () => {
  it('are found: each domain service has one HTTP API', () => {
    expect(stages.map(({ service, apis }) => ({ service, apis }))).toEqual(['inventory', 'notifications', 'orders', 'payments'].map((service) => ({ service, apis: 1 })));
  });

  it('throttle every route: one $default stage per API, with the shared burst and rate', () => {
    for (const { service, stages: found } of stages) {
      expect({ service, stages: found.map((s) => ({ name: s.Properties.StageName, defaults: s.Properties.DefaultRouteSettings })) }).toEqual({
        service,
        stages: [{ name: '$default', defaults: { DetailedMetricsEnabled: false, ...THROTTLING } }],
      });
    }
  });

  it('take their throttling from services/serverless.common.yml alone: no service writes it itself', () => {
    for (const { service } of stages) {
      const yml = fs.readFileSync(repoPath('services', service, 'serverless.yml'), 'utf8');
      expect({ service, throttles: /Throttling(Burst|Rate)Limit/.test(yml), extends: yml.includes('HttpApiStage: ${file(../serverless.common.yml):httpApiStage}') }).toEqual({ service, throttles: false, extends: true });
    }
    const common = fs.readFileSync(repoPath('services', 'serverless.common.yml'), 'utf8');
    expect(common).toContain(`ThrottlingBurstLimit: ${THROTTLING.ThrottlingBurstLimit}\n`);
    expect(common).toContain(`ThrottlingRateLimit: ${THROTTLING.ThrottlingRateLimit}\n`);
  });
});
