import { listServices } from '../../scripts/package-services';
import { packagedResources } from './services';

/** The one JWT authorizer every HTTP API has (services/serverless.common.yml `provider.httpApi.authorizers.shopUsers`). */
const SHOP_USERS = {
  Name: 'shopUsers',
  AuthorizerType: 'JWT',
  IdentitySource: ['$request.header.Authorization'],
  JwtConfiguration: { Issuer: { 'Fn::ImportValue': 'shop-identity-dev-IssuerUrl' }, Audience: [{ 'Fn::ImportValue': 'shop-identity-dev-UserPoolClientId' }] },
};

const apis = listServices().flatMap((service) => {
  const resources = Object.entries(packagedResources(service));
  const of = (type: string) => resources.filter(([, r]) => r.Type === type);
  const routes = of('AWS::ApiGatewayV2::Route');
  return routes.length === 0 ? [] : [{ service, routes, authorizers: of('AWS::ApiGatewayV2::Authorizer') }];
});

describe('HTTP API routes of the packaged templates', () => {
  it("validate the identity stack's tokens: each API has the one shared JWT authorizer", () => {
    expect(apis.map((a) => a.service)).toEqual(['inventory', 'notifications', 'orders', 'payments']);
    for (const { service, authorizers } of apis) {
      expect({ service, authorizers: authorizers.map(([, a]) => ({ ...a.Properties, ApiId: undefined })) }).toEqual({ service, authorizers: [{ ...SHOP_USERS, ApiId: undefined }] });
    }
  });

  it('are every one signed in: AuthorizationType JWT with that authorizer', () => {
    const open = apis.flatMap(({ service, routes, authorizers }) =>
      routes.filter(([, r]) => r.Properties.AuthorizationType !== 'JWT' || r.Properties.AuthorizerId?.Ref !== authorizers[0]?.[0]).map(([, r]) => `${service} ${r.Properties.RouteKey}`),
    );
    expect(open).toEqual([]);
    expect(apis.flatMap(({ routes }) => routes.map(([, r]) => r.Properties.RouteKey)).sort()).toEqual([
      'GET /inventory/{sku}', 'GET /notifications', 'GET /orders/{orderId}', 'GET /payments/{orderId}', 'POST /orders', 'PUT /inventory/{sku}',
    ]);
  });
});
