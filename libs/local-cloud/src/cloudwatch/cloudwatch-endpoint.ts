import type { Cloud } from '../cloud';
import { queryProtocolHandler } from '../aws-query';
import { allowAll, type Authorize } from '../iam/request-guard';
import type { RestRequest, RestResponse } from '../protocol';
import { jsonResponse } from '../schemas/rest-json';
import type { JsonServiceRegistration, LocalRoute, RestServiceRegistration } from '../server';
import { CloudWatchService, type CloudWatchOptions } from './cloudwatch-service';
import { EmfError, looksLikeEmf } from './emf';

/** Where a process that runs functions elsewhere (serverless offline) sends their EMF lines. Unsigned; not an AWS API. */
export const EMF_PATH = '/_local/cloudwatch/emf';

const XML_NAMESPACE = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

export interface CloudWatchEndpoint {
  service: CloudWatchService;
  /** The SDK v3's awsJson1_0 protocol (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, query-compatible errors). */
  json: JsonServiceRegistration;
  /** The query protocol the AWS CLI 2.9 speaks, by the signing name `monitoring`. */
  rest: RestServiceRegistration;
  /**
   * `POST /_local/cloudwatch/emf` with log lines, one per line: each EMF document's metrics are stored, other lines
   * ignored. Answers `{"metrics": n, "rejected": [{"line", "reason"}]}`.
   */
  localRoutes: LocalRoute[];
}

export function createCloudWatchEndpoint(cloud: Cloud, options: CloudWatchOptions, authorize: Authorize = allowAll): CloudWatchEndpoint {
  const service = new CloudWatchService(cloud, options);
  const dispatch = async (operation: string, input: unknown) => {
    authorize(operation, input);
    return service.dispatch(operation, input);
  };
  const postEmf = async ({ body }: RestRequest): Promise<RestResponse> => {
    let metrics = 0;
    const rejected: Array<{ line: string; reason: string }> = [];
    for (const line of body.toString('utf8').split('\n')) {
      if (!looksLikeEmf(line)) continue;
      try {
        metrics += service.putEmf(line);
      } catch (error) {
        if (!(error instanceof EmfError)) throw error;
        rejected.push({ line, reason: error.message });
      }
    }
    return jsonResponse(200, { metrics, rejected });
  };
  return {
    service,
    json: { targetPrefix: 'GraniteServiceVersion20100801', signingName: 'monitoring', contentType: 'application/x-amz-json-1.0', dispatch },
    rest: { signingName: 'monitoring', handle: queryProtocolHandler({ xmlNamespace: XML_NAMESPACE, dispatch }) },
    localRoutes: [{ method: 'POST', path: EMF_PATH, handle: postEmf }],
  };
}
