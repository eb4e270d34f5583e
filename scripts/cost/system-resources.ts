/**
 * The names of the system's own resources (functions, tables, queues, state machines, buses, alarms, HTTP routes),
 * read from every service's packaged CloudFormation, so that a bill leaves out what a test or tool added (a tap queue).
 */
import path from 'node:path';
import { readPackagedService } from '../../libs/local-cloud/src';
import { listServices, SERVICES_DIR } from '../package-services';

const NAME_PROPERTIES = ['FunctionName', 'TableName', 'QueueName', 'StateMachineName', 'Name', 'AlarmName', 'RouteKey'];

export function systemResources(services = listServices()): Set<string> {
  const names = new Set<string>();
  for (const service of services) {
    const resources = readPackagedService(path.join(SERVICES_DIR, service)).template.Resources as Record<string, { Properties?: Record<string, unknown> }>;
    for (const { Properties = {} } of Object.values(resources)) {
      for (const property of NAME_PROPERTIES) if (typeof Properties[property] === 'string') names.add(Properties[property] as string);
    }
  }
  return names;
}
