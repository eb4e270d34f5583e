import type { Cloud } from '../cloud';
import { allowAll, type Authorize } from '../iam/request-guard';
import type { RestRequest, RestResponse } from '../protocol';
import { restJsonService, type RestRoute } from './rest-json';
import { SchemasService } from './schemas-service';

// The HTTP bindings of the Schemas API (service model `schemas-2019-12-02`, as the AWS SDK sends them).
const REGISTRY = '/v1/registries/name/{RegistryName}';
const SCHEMA = `${REGISTRY}/schemas/name/{SchemaName}`;
const PAGING = { limit: 'Limit', nextToken: 'NextToken' };

export const SCHEMAS_ROUTES: RestRoute[] = [
  { operation: 'ListRegistries', method: 'GET', path: '/v1/registries', status: 200, query: { ...PAGING, registryNamePrefix: 'RegistryNamePrefix', scope: 'Scope' }, integers: ['Limit'] },
  { operation: 'CreateRegistry', method: 'POST', path: REGISTRY, status: 201 },
  { operation: 'DescribeRegistry', method: 'GET', path: REGISTRY, status: 200 },
  { operation: 'UpdateRegistry', method: 'PUT', path: REGISTRY, status: 200 },
  { operation: 'DeleteRegistry', method: 'DELETE', path: REGISTRY, status: 204 },
  { operation: 'ListSchemas', method: 'GET', path: `${REGISTRY}/schemas`, status: 200, query: { ...PAGING, schemaNamePrefix: 'SchemaNamePrefix' }, integers: ['Limit'] },
  { operation: 'CreateSchema', method: 'POST', path: SCHEMA, status: 201 },
  { operation: 'DescribeSchema', method: 'GET', path: SCHEMA, status: 200, query: { schemaVersion: 'SchemaVersion' } },
  { operation: 'UpdateSchema', method: 'PUT', path: SCHEMA, status: 200 },
  { operation: 'DeleteSchema', method: 'DELETE', path: SCHEMA, status: 204 },
  { operation: 'ListSchemaVersions', method: 'GET', path: `${SCHEMA}/versions`, status: 200, query: PAGING, integers: ['Limit'] },
];

export interface SchemasRestService {
  signingName: 'schemas';
  service: SchemasService;
  handle(request: RestRequest): Promise<RestResponse>;
}

/** The Schemas registry as a REST-JSON service for `server.registerRestService`. */
export function createSchemasRestService(cloud: Cloud, authorize: Authorize = allowAll): SchemasRestService {
  const service = new SchemasService(cloud);
  const handle = restJsonService({
    routes: SCHEMAS_ROUTES,
    dispatch: async (operation, input) => {
      authorize(operation, input);
      return service.dispatch(operation, input);
    },
    // Schemas errors carry `Code` and `Message` members.
    errorBody: (error) => ({ Code: error.code, Message: error.message }),
    jsonNames: { Tags: 'tags' },
  });
  return { signingName: 'schemas', service, handle };
}
