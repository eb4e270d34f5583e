import type { Cloud } from '../cloud';
import { allowAll, type Authorize } from '../iam/request-guard';
import type { RestRequest, RestResponse } from '../protocol';
import { jsonResponse, restJsonService, type RestRoute } from '../schemas/rest-json';
import { SesService } from './ses-service';

// The HTTP bindings of the SES v2 operations emulated (service model `sesv2-2019-09-27`, as the AWS SDK sends them).
export const SES_ROUTES: RestRoute[] = [
  { operation: 'SendEmail', method: 'POST', path: '/v2/email/outbound-emails', status: 200 },
  { operation: 'CreateEmailTemplate', method: 'POST', path: '/v2/email/templates', status: 200 },
  { operation: 'GetEmailTemplate', method: 'GET', path: '/v2/email/templates/{TemplateName}', status: 200 },
  { operation: 'UpdateEmailTemplate', method: 'PUT', path: '/v2/email/templates/{TemplateName}', status: 200 },
  { operation: 'DeleteEmailTemplate', method: 'DELETE', path: '/v2/email/templates/{TemplateName}', status: 200 },
];

/** The developer-tools route: the captured e-mails as JSON. Unsigned; not an AWS API. */
export const SENT_EMAILS_PATH = '/_local/ses/emails';

/** A plain HTTP route of the emulator's own (not an AWS API, no SigV4). */
export interface LocalRoute {
  method: 'GET' | 'DELETE';
  path: string;
  handle(request: RestRequest): Promise<RestResponse>;
}

export interface SesRestService {
  signingName: 'ses';
  service: SesService;
  handle(request: RestRequest): Promise<RestResponse>;
  /**
   * `GET /_local/ses/emails[?to=&from=&subject=&since=&messageId=]` → `{"emails": [...]}`, oldest first;
   * `DELETE /_local/ses/emails` forgets them.
   */
  localRoutes: LocalRoute[];
}

/** SES v2 (capture only) as a REST-JSON service for `server.registerRestService`. */
export function createSesRestService(cloud: Cloud, authorize: Authorize = allowAll): SesRestService {
  const service = new SesService(cloud);
  const handle = restJsonService({
    routes: SES_ROUTES,
    dispatch: async (operation, input) => {
      authorize(operation, input);
      return service.dispatch(operation, input);
    },
    // SES v2 errors carry a lower-case `message` member.
    errorBody: (error) => ({ message: error.message }),
  });
  const listEmails = async ({ query }: RestRequest): Promise<RestResponse> => {
    const filter = Object.fromEntries(['to', 'from', 'subject', 'since', 'messageId'].flatMap((name) => (query.has(name) ? [[name, query.get(name)!]] : [])));
    return jsonResponse(200, { emails: service.listSentEmails(filter) });
  };
  const clearEmails = async (): Promise<RestResponse> => {
    service.clearSentEmails();
    return { status: 204 };
  };
  return {
    signingName: 'ses',
    service,
    handle,
    localRoutes: [
      { method: 'GET', path: SENT_EMAILS_PATH, handle: listEmails },
      { method: 'DELETE', path: SENT_EMAILS_PATH, handle: clearEmails },
    ],
  };
}
