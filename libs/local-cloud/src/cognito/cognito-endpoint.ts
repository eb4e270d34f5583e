import type { Cloud } from '../cloud';
import { jsonResponse } from '../schemas/rest-json';
import type { JsonServiceRegistration, PathRoute } from '../server';
import { CognitoService } from './user-pools';

export interface CognitoEndpoint {
  service: CognitoService;
  /** `AWSCognitoIdentityProviderService.<Op>`, the SDK's and the CLI's JSON protocol. */
  json: JsonServiceRegistration;
  /** The issuer's discovery documents, at the paths Cognito serves them under the issuer URL. */
  pathRoutes: PathRoute[];
}

/**
 * A pool's issuer is `https://cognito-idp.<region>.amazonaws.com/<poolId>`; locally its documents are at the same paths
 * on the endpoint: `/<poolId>/.well-known/jwks.json` and `/<poolId>/.well-known/openid-configuration`. The discovery
 * document keeps the AWS issuer (what the tokens' `iss` says) and points `jwks_uri` at the endpoint, where a client can
 * fetch it. There is no hosted UI locally, so no authorization or token endpoint is listed.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 */
export function createCognitoEndpoint(cloud: Cloud, endpointUrl: string): CognitoEndpoint {
  const service = new CognitoService(cloud);
  const notFound = (poolId: string) => jsonResponse(404, { message: `User pool ${poolId} does not exist.` });
  return {
    service,
    json: { targetPrefix: 'AWSCognitoIdentityProviderService', signingName: 'cognito-idp', contentType: 'application/x-amz-json-1.1', dispatch: (op, input) => service.dispatch(op, input) },
    pathRoutes: [
      {
        pattern: /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/jwks\.json$/,
        handle: async (_, [, poolId]) => (service.hasPool(poolId!) ? jsonResponse(200, await service.jwks()) : notFound(poolId!)),
      },
      {
        pattern: /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/openid-configuration$/,
        handle: async (_, [, poolId]) =>
          service.hasPool(poolId!)
            ? jsonResponse(200, {
                issuer: service.issuerOf(poolId!),
                jwks_uri: `${endpointUrl}/${poolId}/.well-known/jwks.json`,
                response_types_supported: ['code', 'token'],
                subject_types_supported: ['public'],
                id_token_signing_alg_values_supported: ['RS256'],
                scopes_supported: ['openid', 'email', 'phone', 'profile'],
                token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
              })
            : notFound(poolId!),
      },
    ],
  };
}
