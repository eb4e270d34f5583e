import fs from 'node:fs';
import path from 'node:path';
import type { DetailType } from '@shop/events';
import { templatePath } from '../../scripts/package-services';

export interface ServiceContract {
  service: string;
  publishes: readonly DetailType[];
  subscriptions: Record<string, readonly DetailType[]>;
}

/** The domain services and the contracts they declare in src/contracts.ts. */
export const contracts: ServiceContract[] = ['orders', 'payments', 'inventory', 'notifications'].map((service) => ({
  service,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ...(require(`../../services/${service}/src/contracts`) as Omit<ServiceContract, 'service'>),
}));

export interface CfnResource {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** The resources `sls package` wrote for a service (tests/global-setup.ts packages stale services first). */
export function packagedResources(service: string): Record<string, CfnResource> {
  return JSON.parse(fs.readFileSync(templatePath(service), 'utf8')).Resources;
}

export const resourcesOfType = (service: string, type: string) =>
  Object.entries(packagedResources(service)).filter(([, r]) => r.Type === type);

export const repoPath = (...parts: string[]) => path.resolve(__dirname, '..', '..', ...parts);

/** A rule on AWS services' own events (Step Functions status changes, on the default bus): no event subscription. */
export const onAwsServiceEvents = (rule: CfnResource): boolean => {
  const sources: unknown[] = (rule.Properties.EventPattern as { source?: unknown[] } | undefined)?.source ?? [];
  return sources.length > 0 && sources.every((source) => typeof source === 'string' && source.startsWith('aws.'));
};
