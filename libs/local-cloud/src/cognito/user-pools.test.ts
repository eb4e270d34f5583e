import { decodeJwt } from 'jose';
import { Cloud } from '../cloud';
import { CognitoService } from './user-pools';

const cognito = new CognitoService(new Cloud());

async function poolWithClient(policy = {}) {
  const { UserPool } = await cognito.opCreateUserPool({ PoolName: 'unit', UsernameAttributes: ['email'], Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: false, ...policy } } });
  const { UserPoolClient } = await cognito.opCreateUserPoolClient({ UserPoolId: UserPool.Id, ClientName: 'shop', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], AccessTokenValidity: 5, TokenValidityUnits: { AccessToken: 'minutes' } });
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}
const signIn = (clientId: string, USERNAME: string, PASSWORD: string) => cognito.dispatch('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME, PASSWORD } }) as Promise<any>;

describe('Cognito user pools', () => {
  it('holds passwords to the pool policy, naming the rule broken', async () => {
    const { poolId } = await poolWithClient();
    await expect(cognito.dispatch('AdminCreateUser', { UserPoolId: poolId, Username: 'a@example.com', TemporaryPassword: 'Short-1' })).rejects.toMatchObject({ code: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough' });
    await cognito.dispatch('AdminCreateUser', { UserPoolId: poolId, Username: 'a@example.com', TemporaryPassword: 'Long-enough-1' });
    await expect(cognito.dispatch('AdminSetUserPassword', { UserPoolId: poolId, Username: 'a@example.com', Password: 'all-lowercase-1', Permanent: true })).rejects.toMatchObject({ message: 'Password did not conform with policy: Password must have uppercase characters' });
  });

  it('makes a user with a temporary password answer NEW_PASSWORD_REQUIRED, then signs in with the new one', async () => {
    const { poolId, clientId } = await poolWithClient();
    await cognito.dispatch('AdminCreateUser', { UserPoolId: poolId, Username: 'b@example.com', TemporaryPassword: 'Temporary-pass-1' });
    const challenge = await signIn(clientId, 'b@example.com', 'Temporary-pass-1');
    expect(challenge).toMatchObject({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: expect.any(String) });
    const answered: any = await cognito.dispatch('RespondToAuthChallenge', { ChallengeName: 'NEW_PASSWORD_REQUIRED', ClientId: clientId, Session: challenge.Session, ChallengeResponses: { USERNAME: 'b@example.com', NEW_PASSWORD: 'Permanent-pass-1' } });
    expect(answered.AuthenticationResult.AccessToken).toEqual(expect.any(String));
    expect((await signIn(clientId, 'b@example.com', 'Permanent-pass-1')).AuthenticationResult).toBeDefined();
    await expect(signIn(clientId, 'b@example.com', 'Temporary-pass-1')).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('gives an unknown user the wrong-password answer, and refuses a disabled one', async () => {
    const { poolId, clientId } = await poolWithClient();
    await expect(signIn(clientId, 'nobody@example.com', 'Whatever-pass-1')).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    await cognito.dispatch('AdminCreateUser', { UserPoolId: poolId, Username: 'c@example.com', TemporaryPassword: 'Temporary-pass-1' });
    await cognito.dispatch('AdminSetUserPassword', { UserPoolId: poolId, Username: 'c@example.com', Password: 'Permanent-pass-1', Permanent: true });
    await cognito.dispatch('AdminDisableUser', { UserPoolId: poolId, Username: 'c@example.com' });
    await expect(signIn(clientId, 'c@example.com', 'Permanent-pass-1')).rejects.toMatchObject({ message: 'User is disabled.' });
  });

  it('issues tokens valid for the client setting, refreshes them, and names the username Cognito made', async () => {
    const { poolId, clientId } = await poolWithClient();
    const { User } = await cognito.opAdminCreateUser({ UserPoolId: poolId, Username: 'd@example.com', TemporaryPassword: 'Temporary-pass-1' });
    await cognito.dispatch('AdminSetUserPassword', { UserPoolId: poolId, Username: 'd@example.com', Password: 'Permanent-pass-1', Permanent: true });
    // UsernameAttributes [email]: the e-mail signs in, the username is a UUID.
    expect(User.Username).toMatch(/^[0-9a-f-]{36}$/);
    const { AuthenticationResult } = await signIn(clientId, 'd@example.com', 'Permanent-pass-1');
    const access = decodeJwt(AuthenticationResult.AccessToken);
    expect(access.exp! - access.iat!).toBe(300);
    expect(access.iss).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
    expect(access['cognito:groups']).toBeUndefined();
    const refreshed: any = await cognito.dispatch('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: AuthenticationResult.RefreshToken } });
    expect(decodeJwt(refreshed.AuthenticationResult.AccessToken).sub).toBe(access.sub);
    expect(refreshed.AuthenticationResult.RefreshToken).toBeUndefined();
    await expect(cognito.dispatch('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: 'forged' } })).rejects.toMatchObject({ message: 'Invalid Refresh Token' });
  });

  it('refuses USER_PASSWORD_AUTH on a client that does not allow it', async () => {
    const { UserPool } = await cognito.opCreateUserPool({ PoolName: 'srp-only' });
    const { UserPoolClient } = await cognito.opCreateUserPoolClient({ UserPoolId: UserPool.Id, ClientName: 'srp', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] });
    await expect(signIn(UserPoolClient.ClientId, 'x', 'y')).rejects.toMatchObject({ code: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' });
  });
});
