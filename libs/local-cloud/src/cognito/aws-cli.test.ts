import { createLocalJWKSet, jwtVerify } from 'jose';
import { startLocalCloud, type LocalCloud } from '../index';
import { awsCli } from '../test-support';

/** What a developer does with the Debian AWS CLI v2 against the local user pools: set up a user, sign in, check the token. */
let local: LocalCloud;

// Each CLI call starts a Python process (about a second on this machine).
jest.setTimeout(90_000);

beforeAll(async () => {
  local = await startLocalCloud({ port: 0 });
});

afterAll(() => local.stop());

const aws = (...args: string[]) => awsCli(local.url, ...args);

describe('AWS CLI v2 against Cognito user pools', () => {
  it('creates a user in a group, signs in with USER_PASSWORD_AUTH, and the token verifies against the issuer JWKS', async () => {
    const { UserPool } = await aws(
      'cognito-idp', 'create-user-pool', '--pool-name', 'cli-pool', '--alias-attributes', 'email',
      '--policies', 'PasswordPolicy={MinimumLength=12,RequireUppercase=true,RequireLowercase=true,RequireNumbers=true,RequireSymbols=false}',
    );
    expect(UserPool.Id).toMatch(/^us-east-1_[0-9A-Za-z]{9}$/);
    const poolId: string = UserPool.Id;
    const { UserPoolClient } = await aws('cognito-idp', 'create-user-pool-client', '--user-pool-id', poolId, '--client-name', 'shop', '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH');
    await aws('cognito-idp', 'create-group', '--user-pool-id', poolId, '--group-name', 'admins');

    const created = await aws('cognito-idp', 'admin-create-user', '--user-pool-id', poolId, '--username', 'ada', '--user-attributes', 'Name=email,Value=ada@example.com', 'Name=email_verified,Value=true', '--message-action', 'SUPPRESS');
    expect(created.User).toMatchObject({ Username: 'ada', UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    await aws('cognito-idp', 'admin-set-user-password', '--user-pool-id', poolId, '--username', 'ada', '--password', 'Correct-horse-1', '--permanent');
    await aws('cognito-idp', 'admin-add-user-to-group', '--user-pool-id', poolId, '--username', 'ada', '--group-name', 'admins');
    const user = await aws('cognito-idp', 'admin-get-user', '--user-pool-id', poolId, '--username', 'ada');
    expect(user).toMatchObject({ Username: 'ada', UserStatus: 'CONFIRMED' });
    const sub = user.UserAttributes.find((a: { Name: string }) => a.Name === 'sub').Value;

    expect((await aws('cognito-idp', 'list-user-pools', '--max-results', '10')).UserPools).toEqual([expect.objectContaining({ Id: poolId, Name: 'cli-pool' })]);
    expect((await aws('cognito-idp', 'list-user-pool-clients', '--user-pool-id', poolId)).UserPoolClients).toEqual([{ ClientId: UserPoolClient.ClientId, UserPoolId: poolId, ClientName: 'shop' }]);
    expect((await aws('cognito-idp', 'admin-list-groups-for-user', '--user-pool-id', poolId, '--username', 'ada')).Groups).toEqual([expect.objectContaining({ GroupName: 'admins' })]);

    // By the verified e-mail alias, as the README's walk-through does.
    const { AuthenticationResult } = await aws('cognito-idp', 'initiate-auth', '--auth-flow', 'USER_PASSWORD_AUTH', '--client-id', UserPoolClient.ClientId, '--auth-parameters', 'USERNAME=ada@example.com,PASSWORD=Correct-horse-1');
    expect(AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600, RefreshToken: expect.any(String) });

    const discovery = await (await fetch(`${local.url}/${poolId}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({ issuer: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`, jwks_uri: `${local.url}/${poolId}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] });
    const jwks = createLocalJWKSet(await (await fetch(discovery.jwks_uri)).json());
    const access = await jwtVerify(AuthenticationResult.AccessToken, jwks, { issuer: discovery.issuer, algorithms: ['RS256'] });
    expect(access.payload).toMatchObject({ sub, token_use: 'access', client_id: UserPoolClient.ClientId, username: 'ada', 'cognito:groups': ['admins'], scope: 'aws.cognito.signin.user.admin' });
    expect(access.payload.aud).toBeUndefined();
    const id = await jwtVerify(AuthenticationResult.IdToken, jwks, { issuer: discovery.issuer, audience: UserPoolClient.ClientId });
    expect(id.payload).toMatchObject({ sub, token_use: 'id', 'cognito:username': 'ada', email: 'ada@example.com', email_verified: true });
  });

  it('answers a wrong password and an unknown pool as Cognito does', async () => {
    const { UserPool } = await aws('cognito-idp', 'create-user-pool', '--pool-name', 'cli-errors');
    const { UserPoolClient } = await aws('cognito-idp', 'create-user-pool-client', '--user-pool-id', UserPool.Id, '--client-name', 'shop', '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH');
    await aws('cognito-idp', 'admin-create-user', '--user-pool-id', UserPool.Id, '--username', 'grace', '--temporary-password', 'Temp-pass-1!');
    const wrong = await aws('cognito-idp', 'initiate-auth', '--auth-flow', 'USER_PASSWORD_AUTH', '--client-id', UserPoolClient.ClientId, '--auth-parameters', 'USERNAME=grace,PASSWORD=nope').catch((error: { stderr: string }) => error);
    expect(wrong.stderr).toContain('An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: Incorrect username or password.');
    const missing = await aws('cognito-idp', 'admin-get-user', '--user-pool-id', 'us-east-1_nothere00', '--username', 'grace').catch((error: { stderr: string }) => error);
    expect(missing.stderr).toContain('(ResourceNotFoundException) when calling the AdminGetUser operation: User pool us-east-1_nothere00 does not exist.');
  });
});
