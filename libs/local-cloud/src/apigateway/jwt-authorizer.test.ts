import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { Cloud, type LambdaApi } from '../cloud';
import { CognitoService } from '../cognito/user-pools';
import { HttpApis } from './http-api';

/** JWT authorizers on HTTP API routes, as API Gateway validates them, with tokens signed by a key the test holds. */
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TESTPOOL1';
const CLIENT = 'client-abc';
let key: { privateKey: KeyLike; publicKey: KeyLike };
let otherKey: { privateKey: KeyLike };

beforeAll(async () => {
  key = await generateKeyPair('RS256');
  otherKey = await generateKeyPair('RS256');
});

function gateway(cloud = new Cloud()) {
  cloud.identityProviders ??= { keySetOfIssuer: async (issuer) => (issuer === ISSUER ? { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256' }] } : undefined) };
  const events: any[] = [];
  const lambda: LambdaApi = {
    invoke: async (_, payload) => {
      events.push(JSON.parse(payload));
      return { payload: JSON.stringify({ statusCode: 200, body: 'ran' }) };
    },
    invokeAsync: async () => undefined,
  };
  const http = new HttpApis(cloud, lambda);
  const api = http.createApi('shop');
  const authorizerId = http.createAuthorizer(api, { name: 'customers', authorizerType: 'JWT', identitySource: ['$request.header.Authorization'], issuer: ISSUER, audience: [CLIENT] });
  const route = (routeKey: string, scopes?: string[]) =>
    http.createRoute(api, routeKey, `integrations/${http.createIntegration(api, { functionArn: 'fn', payloadFormatVersion: '2.0' })}`, { authorizationType: 'JWT', authorizerId, authorizationScopes: scopes });
  return { http, route, events };
}

const now = () => Math.floor(Date.now() / 1000);
const token = (claims: JWTPayload, signWith = key.privateKey, kid = 'k1') =>
  new SignJWT({ iss: ISSUER, client_id: CLIENT, sub: 'cust-1', exp: now() + 300, iat: now(), token_use: 'access', ...claims }).setProtectedHeader({ alg: 'RS256', kid }).sign(signWith);

describe('JWT authorizers', () => {
  it('passes a valid token with or without Bearer, and hands its claims to the function as strings', async () => {
    const { http, route, events } = gateway();
    route('GET /orders/{orderId}');
    const signed = await token({ 'cognito:groups': ['admins', 'ops'], scope: 'aws.cognito.signin.user.admin' });
    expect(await http.handle({ method: 'GET', url: '/orders/1', headers: { Authorization: `Bearer ${signed}` } })).toMatchObject({ status: 200, body: 'ran' });
    expect((await http.handle({ method: 'GET', url: '/orders/1', headers: { authorization: signed } })).status).toBe(200);
    expect(events[0].requestContext.authorizer.jwt).toEqual({
      claims: expect.objectContaining({ sub: 'cust-1', 'cognito:groups': '[admins ops]', client_id: CLIENT, iss: ISSUER, exp: expect.stringMatching(/^\d+$/) }),
      scopes: ['aws.cognito.signin.user.admin'],
    });
  });

  it.each([
    ['no token', undefined, 'Bearer'],
    ['an expired token', () => token({ exp: now() - 10 }), 'the token has expired'],
    ['a token not valid yet', () => token({ nbf: now() + 60 }), 'the token is not valid yet'],
    ['another issuer', () => token({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER' }), 'the token does not have a valid issuer'],
    ['another audience (client_id)', () => token({ client_id: 'someone-else' }), 'the token does not have a valid audience'],
    ['an aud that does not match, even with a matching client_id', () => token({ aud: 'someone-else' }), 'the token does not have a valid audience'],
    ['a signature by another key', () => token({}, otherKey.privateKey), 'the token signature is not valid'],
    ['an unknown key id', () => token({}, key.privateKey, 'k2'), "the token's key id is not one of the issuer's keys"],
    ['no exp', async () => new SignJWT({ iss: ISSUER, client_id: CLIENT }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key.privateKey), 'the token\'s exp claim is not valid'],
    ['not a JWT', async () => 'not-a-jwt', 'the token is not a valid JWT'],
  ])('answers 401 Unauthorized to %s, naming why in www-authenticate, and runs nothing', async (_, make, why) => {
    const { http, route, events } = gateway();
    route('POST /orders');
    const answer = await http.handle({ method: 'POST', url: '/orders', headers: make ? { authorization: `Bearer ${await make()}` } : {} });
    expect(answer).toMatchObject({ status: 401, body: '{"message":"Unauthorized"}', headers: { 'content-type': 'application/json', 'apigw-requestid': expect.any(String) } });
    expect(answer.headers['www-authenticate']).toContain(why);
    expect(events).toEqual([]);
  });

  it('accepts an ID token by its aud, and answers 403 Forbidden when the route needs a scope the token lacks', async () => {
    const { http, route } = gateway();
    route('GET /orders/{orderId}', ['orders/read']);
    route('PUT /inventory/{sku}');
    const idToken = await token({ aud: CLIENT, client_id: undefined, token_use: 'id' });
    expect((await http.handle({ method: 'PUT', url: '/inventory/S', headers: { authorization: idToken } })).status).toBe(200);
    const forbidden = await http.handle({ method: 'GET', url: '/orders/1', headers: { authorization: await token({ scope: 'aws.cognito.signin.user.admin' }) } });
    expect(forbidden).toMatchObject({ status: 403, body: '{"message":"Forbidden"}' });
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect((await http.handle({ method: 'GET', url: '/orders/1', headers: { authorization: await token({ scope: 'openid orders/read' }) } })).status).toBe(200);
  });

  it('verifies the tokens a local user pool issues, by its issuer URL', async () => {
    const cloud = new Cloud();
    const cognito = new CognitoService(cloud);
    cloud.identityProviders = cognito;
    const { UserPool } = await cognito.opCreateUserPool({ PoolName: 'p' });
    const { UserPoolClient } = await cognito.opCreateUserPoolClient({ UserPoolId: UserPool.Id, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] });
    await cognito.opAdminCreateUser({ UserPoolId: UserPool.Id, Username: 'ada', TemporaryPassword: 'Temp-Pass-1!' });
    await cognito.opAdminSetUserPassword({ UserPoolId: UserPool.Id, Username: 'ada', Password: 'Perm-Pass-1!', Permanent: true });
    const { AuthenticationResult } = (await cognito.opInitiateAuth({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: UserPoolClient.ClientId, AuthParameters: { USERNAME: 'ada', PASSWORD: 'Perm-Pass-1!' } })) as any;
    const http = new HttpApis(cloud, { invoke: async () => ({ payload: '"ok"' }), invokeAsync: async () => undefined });
    const api = http.createApi('shop');
    const authorizerId = http.createAuthorizer(api, { name: 'a', authorizerType: 'JWT', issuer: cognito.issuerOf(UserPool.Id), audience: [UserPoolClient.ClientId] });
    http.createRoute(api, 'GET /me', `integrations/${http.createIntegration(api, { functionArn: 'fn', payloadFormatVersion: '2.0' })}`, { authorizationType: 'JWT', authorizerId });
    for (const t of [AuthenticationResult.AccessToken, AuthenticationResult.IdToken]) expect((await http.handle({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${t}` } })).status).toBe(200);
  });

  it('refuses a route that names an authorizer its API does not have, and authorizer types it cannot run', () => {
    const { http } = gateway();
    const api = http.createApi('other');
    const integration = http.createIntegration(api, { functionArn: 'fn', payloadFormatVersion: '2.0' });
    expect(() => http.createRoute(api, 'GET /x', `integrations/${integration}`, { authorizationType: 'JWT', authorizerId: 'nope' })).toThrow('names authorizer nope, which this API does not have');
    expect(() => http.createRoute(api, 'GET /x', `integrations/${integration}`, { authorizationType: 'AWS_IAM' })).toThrow('AuthorizationType AWS_IAM is not emulated locally');
    expect(() => http.createAuthorizer(api, { name: 'lambda', authorizerType: 'REQUEST' })).toThrow('type REQUEST is not emulated locally (only JWT)');
  });
});
