import { createShopUser, findShopPool, type ShopPool, type ShopUser } from '../../tests/support/identity';
import type { AwsClientConfig } from '../../tests/support/bus-tap';

/**
 * The users `npm start` creates in the local user pool (in memory: made again at every start). Their passwords are
 * printed and in the README: they exist only locally. The README's walk-through signs in as them.
 */
export const DEMO_USERS = {
  customer: { username: 'ada', email: 'ada@example.com', password: 'Demo-customer-1' },
  admin: { username: 'admin', email: 'admin@shop.example', password: 'Demo-admin-pass-1', groups: ['admins'] },
} as const;

export interface DemoUsers {
  pool: ShopPool;
  customer: ShopUser;
  admin: ShopUser;
}

export async function createDemoUsers(aws: AwsClientConfig): Promise<DemoUsers> {
  const pool = await findShopPool(aws);
  const customer = await createShopUser(aws, pool, DEMO_USERS.customer);
  const admin = await createShopUser(aws, pool, { ...DEMO_USERS.admin, groups: [...DEMO_USERS.admin.groups] });
  return { pool, customer, admin };
}

/** How a developer gets a token of a demo user with the AWS CLI: the command `npm start` prints. */
export function tokenCommand(endpoint: string, pool: ShopPool, user: { username: string; password: string }): string {
  return `/usr/bin/aws --endpoint-url ${endpoint} cognito-idp initiate-auth --auth-flow USER_PASSWORD_AUTH --client-id ${pool.clientId} --auth-parameters USERNAME=${user.username},PASSWORD=${user.password} --query AuthenticationResult.AccessToken --output text`;
}
