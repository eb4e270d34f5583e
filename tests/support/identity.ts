import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AwsClientConfig } from './bus-tap';

/** A signed-in user of the shop's user pool (services/identity): its customer id is the token's subject. */
export interface ShopUser {
  username: string;
  password: string;
  customerId: string;
  accessToken: string;
  /** `{ authorization: 'Bearer <access token>' }`, to spread into a request's headers. */
  headers: { authorization: string };
  /** The headers with a token valid for at least 5 more minutes (signs in again when it is older): for long runs. */
  freshHeaders(): Promise<{ authorization: string }>;
}

export interface ShopPool {
  poolId: string;
  clientId: string;
}

/** The stage's user pool (`shop-<stage>`) and the shop's app client, found as a developer would, by name. */
export async function findShopPool(aws: AwsClientConfig, stage = 'dev'): Promise<ShopPool> {
  const cognito = new CognitoIdentityProviderClient(aws);
  try {
    const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const pool = UserPools.find((p) => p.Name === `shop-${stage}`);
    if (!pool?.Id) throw new Error(`no user pool shop-${stage}: is the identity stack loaded?`);
    const { UserPoolClients = [] } = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: pool.Id }));
    const client = UserPoolClients.find((c) => c.ClientName === `shop-${stage}-clients`);
    if (!client?.ClientId) throw new Error(`user pool shop-${stage} has no client shop-${stage}-clients`);
    return { poolId: pool.Id, clientId: client.ClientId };
  } finally {
    cognito.destroy();
  }
}

/**
 * Creates a user in the pool (an administrator's AdminCreateUser, a permanent password, the groups), then signs in with
 * USER_PASSWORD_AUTH as the shop's clients do, and answers its access token.
 */
export async function createShopUser(aws: AwsClientConfig, pool: ShopPool, user: { username: string; email?: string; groups?: string[]; password?: string }): Promise<ShopUser> {
  const cognito = new CognitoIdentityProviderClient(aws);
  const password = user.password ?? `Pw-${randomBytes(12).toString('hex')}-A1`;
  try {
    const email = user.email ?? `${user.username}@example.com`;
    const { User } = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: user.username,
        UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: user.username, Password: password, Permanent: true }));
    for (const group of user.groups ?? []) await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: user.username, GroupName: group }));
    const customerId = User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!customerId) throw new Error(`AdminCreateUser answered no sub for ${user.username}`);
    return sessionOf(aws, pool, { username: user.username, password, customerId }, await signIn(aws, pool, user.username, password));
  } finally {
    cognito.destroy();
  }
}

function sessionOf(aws: AwsClientConfig, pool: ShopPool, who: Pick<ShopUser, 'username' | 'password' | 'customerId'>, first: SignedIn): ShopUser {
  let current = first;
  const user: ShopUser = {
    ...who,
    accessToken: first.accessToken,
    headers: first.headers,
    async freshHeaders() {
      if (current.expiresAt - Date.now() < 5 * 60_000) {
        current = await signIn(aws, pool, who.username, who.password);
        Object.assign(user, { accessToken: current.accessToken, headers: current.headers });
      }
      return current.headers;
    },
  };
  return user;
}

interface SignedIn {
  accessToken: string;
  headers: { authorization: string };
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** USER_PASSWORD_AUTH with the shop's app client: a fresh access token for a user that exists. */
export async function signIn(aws: AwsClientConfig, pool: ShopPool, username: string, password: string): Promise<SignedIn> {
  const cognito = new CognitoIdentityProviderClient(aws);
  try {
    const { AuthenticationResult } = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));
    const accessToken = AuthenticationResult?.AccessToken;
    if (!accessToken) throw new Error(`InitiateAuth of ${username} answered no access token`);
    return { accessToken, headers: { authorization: `Bearer ${accessToken}` }, expiresAt: Date.now() + (AuthenticationResult?.ExpiresIn ?? 3600) * 1000 };
  } finally {
    cognito.destroy();
  }
}
