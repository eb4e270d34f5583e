import type { Cloud } from '../cloud';
import { queryProtocolHandler } from '../aws-query';
import { allowAll, type Authorize } from '../iam/request-guard';
import type { RestRequest, RestResponse } from '../protocol';
import { jsonResponse } from '../schemas/rest-json';
import type { LocalRoute, RestServiceRegistration } from '../server';
import { SnsService } from './sns-service';

/** The developer-tools route: the e-mails SNS delivered (captured, never sent). Unsigned; not an AWS API. */
export const SNS_EMAILS_PATH = '/_local/sns/emails';

const XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface SnsEndpoint {
  service: SnsService;
  /** SNS's query protocol (the SDK's and the CLI's), by its signing name `sns`. */
  rest: RestServiceRegistration;
  /**
   * `GET /_local/sns/emails[?to=&topicArn=&subject=]` → `{"emails": [...]}`, oldest first; `DELETE` forgets them.
   */
  localRoutes: LocalRoute[];
}

export function createSnsEndpoint(cloud: Cloud, endpointUrl: string, authorize: Authorize = allowAll): SnsEndpoint {
  const service = new SnsService(cloud, endpointUrl);
  const listEmails = async ({ query }: RestRequest): Promise<RestResponse> => {
    const filter = Object.fromEntries(['to', 'topicArn', 'subject'].flatMap((name) => (query.has(name) ? [[name, query.get(name)!]] : [])));
    return jsonResponse(200, { emails: service.listEmails(filter) });
  };
  const clearEmails = async (): Promise<RestResponse> => {
    service.clearEmails();
    return { status: 204 };
  };
  return {
    service,
    rest: { signingName: 'sns', handle: queryProtocolHandler({ xmlNamespace: XML_NAMESPACE, dispatch: async (operation, input) => {
          authorize(operation, input);
          return service.dispatch(operation, input);
        },
        outputMaps: new Set(['Attributes']) }) },
    localRoutes: [
      { method: 'GET', path: SNS_EMAILS_PATH, handle: listEmails },
      { method: 'DELETE', path: SNS_EMAILS_PATH, handle: clearEmails },
    ],
  };
}
