import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import type { Cloud } from '../cloud';
import { AwsError } from '../errors';
import { assertPasswordMeets, DEFAULT_PASSWORD_POLICY, generatedPassword, type PasswordPolicy } from './password-policy';
import { TokenSigner } from './token-signer';

/**
 * Cognito user pools (the `cognito-idp` API, JSON protocol, `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`):
 * pools, app clients, groups and users, what an administrator does to them, and sign-in with USER_PASSWORD_AUTH and
 * REFRESH_TOKEN_AUTH. Tokens are RS256 JWTs with the claims Cognito issues, their `iss` the AWS issuer URL
 * (`https://cognito-idp.<region>.amazonaws.com/<poolId>`), so a template's JWT authorizer works unchanged.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html
 */

type Attribute = { Name: string; Value: string };

interface Pool {
  Id: string;
  Name: string;
  Arn: string;
  policy: PasswordPolicy;
  usernameAttributes: string[];
  aliasAttributes: string[];
  caseSensitive: boolean;
  created: Date;
  raw: Record<string, unknown>;
  clients: Map<string, Client>;
  groups: Map<string, Group>;
  users: Map<string, User>;
}

interface Client {
  ClientId: string;
  ClientName: string;
  UserPoolId: string;
  ExplicitAuthFlows: string[];
  /** Seconds. */
  accessTokenValidity: number;
  idTokenValidity: number;
  refreshTokenValidity: number;
  created: Date;
  raw: Record<string, unknown>;
}

interface Group {
  GroupName: string;
  Description?: string;
  Precedence?: number;
  RoleArn?: string;
  created: Date;
}

interface User {
  username: string;
  sub: string;
  attributes: Map<string, string>;
  passwordHash?: Buffer;
  salt: Buffer;
  status: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
  enabled: boolean;
  groups: Set<string>;
  created: Date;
  modified: Date;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number }) => Promise<Buffer>;
/**
 * Passwords are kept hashed, never in clear, but at a low scrypt cost (N = 1024, Node's default is 16384): they are
 * local test passwords, and the chaos suite signs in a customer per order.
 */
const hash = (password: string, salt: Buffer, keylen: number) => scryptAsync(password, salt, keylen, { N: 1024 });
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomOf = (alphabet: string, length: number) => [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
const INCORRECT = () => new AwsError('NotAuthorizedException', 'Incorrect username or password.');

/** Token validity in seconds from a client's settings; Cognito's defaults: access and ID 60 minutes, refresh 30 days. */
function validitySeconds(value: unknown, unit: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const perUnit: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };
  return Number(value) * (perUnit[String(unit ?? '')] ?? fallback);
}

export class CognitoService {
  private readonly pools = new Map<string, Pool>();
  private readonly refreshTokens = new Map<string, { poolId: string; clientId: string; username: string; expires: number }>();
  private readonly sessions = new Map<string, { poolId: string; clientId: string; username: string }>();
  private readonly signer = new TokenSigner();

  constructor(private readonly cloud: Cloud) {}

  issuerOf(poolId: string): string {
    return `https://cognito-idp.${this.cloud.region}.amazonaws.com/${poolId}`;
  }

  /** The public keys of the pool whose issuer URL this is, or undefined when no local pool has it. */
  async keySetOfIssuer(issuer: string): Promise<JSONWebKeySet | undefined> {
    const poolId = issuer.split('/').pop() ?? '';
    return this.pools.has(poolId) && this.issuerOf(poolId) === issuer ? this.signer.jwks() : undefined;
  }

  hasPool(poolId: string): boolean {
    return this.pools.has(poolId);
  }

  jwks(): Promise<JSONWebKeySet> {
    return this.signer.jwks();
  }

  async dispatch(operation: string, input: any): Promise<unknown> {
    const handler = (this as unknown as Record<string, ((input: any) => Promise<unknown>) | undefined>)[`op${operation}`];
    if (!operation || typeof handler !== 'function') throw new AwsError('UnknownOperationException', `Cognito user pools operation ${operation} is not emulated locally`);
    return handler.call(this, input ?? {});
  }

  // Pools, clients and groups (what the template's resources create).

  async opCreateUserPool(input: any) {
    const name = required(input, 'PoolName');
    const Id = `${this.cloud.region}_${randomOf(ALPHANUMERIC, 9)}`;
    const pool: Pool = {
      Id,
      Name: name,
      Arn: this.cloud.arn('cognito-idp', `userpool/${Id}`),
      policy: { ...DEFAULT_PASSWORD_POLICY, ...input.Policies?.PasswordPolicy },
      usernameAttributes: input.UsernameAttributes ?? [],
      aliasAttributes: input.AliasAttributes ?? [],
      caseSensitive: input.UsernameConfiguration?.CaseSensitive ?? true,
      created: new Date(),
      raw: input,
      clients: new Map(),
      groups: new Map(),
      users: new Map(),
    };
    if (pool.usernameAttributes.length > 0 && pool.aliasAttributes.length > 0) throw new AwsError('InvalidParameterException', 'UsernameAttributes and AliasAttributes cannot both be set');
    this.pools.set(Id, pool);
    return { UserPool: this.describePool(pool) };
  }

  async opDescribeUserPool(input: any) {
    return { UserPool: this.describePool(this.pool(input)) };
  }

  async opListUserPools(input: any) {
    const max = Number(required(input, 'MaxResults'));
    if (!(max >= 1 && max <= 60)) throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60`);
    return page([...this.pools.values()].map((p) => ({ Id: p.Id, Name: p.Name, LambdaConfig: {}, CreationDate: p.created, LastModifiedDate: p.created })), max, input.NextToken, 'UserPools');
  }

  async opDeleteUserPool(input: any) {
    this.pools.delete(this.pool(input).Id);
    return {};
  }

  async opCreateUserPoolClient(input: any) {
    const pool = this.pool(input);
    if (input.GenerateSecret) throw new AwsError('InvalidParameterException', 'app clients with a secret (GenerateSecret) are not emulated locally: the shop\'s clients are public');
    const units = input.TokenValidityUnits ?? {};
    const client: Client = {
      ClientId: randomOf('abcdefghijklmnopqrstuvwxyz0123456789', 26),
      ClientName: required(input, 'ClientName'),
      UserPoolId: pool.Id,
      ExplicitAuthFlows: input.ExplicitAuthFlows ?? ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH'],
      accessTokenValidity: validitySeconds(input.AccessTokenValidity, units.AccessToken ?? 'hours', 3600),
      idTokenValidity: validitySeconds(input.IdTokenValidity, units.IdToken ?? 'hours', 3600),
      refreshTokenValidity: validitySeconds(input.RefreshTokenValidity, units.RefreshToken ?? 'days', 30 * 86_400),
      created: new Date(),
      raw: input,
    };
    pool.clients.set(client.ClientId, client);
    return { UserPoolClient: describeClient(client) };
  }

  async opDescribeUserPoolClient(input: any) {
    return { UserPoolClient: describeClient(this.client(this.pool(input), required(input, 'ClientId'))) };
  }

  async opListUserPoolClients(input: any) {
    const pool = this.pool(input);
    const clients = [...pool.clients.values()].map((c) => ({ ClientId: c.ClientId, UserPoolId: c.UserPoolId, ClientName: c.ClientName }));
    return page(clients, Number(input.MaxResults ?? 60), input.NextToken, 'UserPoolClients');
  }

  async opCreateGroup(input: any) {
    const pool = this.pool(input);
    const name = required(input, 'GroupName');
    if (pool.groups.has(name)) throw new AwsError('GroupExistsException', 'A group with the name already exists.');
    const group: Group = { GroupName: name, Description: input.Description, Precedence: input.Precedence, RoleArn: input.RoleArn, created: new Date() };
    pool.groups.set(name, group);
    return { Group: describeGroup(pool, group) };
  }

  async opListGroups(input: any) {
    const pool = this.pool(input);
    return page([...pool.groups.values()].map((g) => describeGroup(pool, g)), Number(input.Limit ?? 60), input.NextToken, 'Groups');
  }

  // Users (what an administrator does).

  async opAdminCreateUser(input: any) {
    const pool = this.pool(input);
    const attributes = new Map<string, string>(((input.UserAttributes ?? []) as Attribute[]).map((a) => [a.Name, a.Value]));
    const given = required(input, 'Username');
    // With UsernameAttributes the e-mail (or phone) is the sign-in name and Cognito makes the username itself.
    if (pool.usernameAttributes.includes('email') && given.includes('@')) attributes.set('email', given);
    const username = pool.usernameAttributes.length > 0 ? randomUUID() : given;
    if (this.findUser(pool, given)) throw new AwsError('UsernameExistsException', 'User account already exists');
    const temporary = input.TemporaryPassword ?? generatedPassword(pool.policy);
    assertPasswordMeets(pool.policy, temporary);
    const sub = randomUUID();
    attributes.set('sub', sub);
    const now = new Date();
    const user: User = { username, sub, attributes, salt: randomBytes(16), status: 'FORCE_CHANGE_PASSWORD', enabled: true, groups: new Set(), created: now, modified: now };
    user.passwordHash = await hash(temporary, user.salt, 32);
    pool.users.set(this.key(pool, username), user);
    return { User: describeUser(user, 'Attributes') };
  }

  async opAdminGetUser(input: any) {
    const user = this.user(this.pool(input), input);
    return describeUser(user, 'UserAttributes');
  }

  async opAdminDeleteUser(input: any) {
    const pool = this.pool(input);
    pool.users.delete(this.key(pool, this.user(pool, input).username));
    return {};
  }

  async opListUsers(input: any) {
    const pool = this.pool(input);
    let users = [...pool.users.values()];
    if (input.Filter) {
      // `attribute = "value"` or `attribute ^= "prefix"` (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html).
      const filter = /^\s*([\w:]+)\s*(\^?=)\s*"(.*)"\s*$/.exec(String(input.Filter));
      if (!filter) throw new AwsError('InvalidParameterException', `Invalid filter: ${input.Filter}`);
      const [, name, operator, value] = filter as unknown as [string, string, string, string];
      const of = (u: User) => (name === 'username' ? u.username : name === 'status' ? (u.enabled ? 'Enabled' : 'Disabled') : name === 'cognito:user_status' ? u.status : u.attributes.get(name));
      users = users.filter((u) => (operator === '=' ? of(u) === value : (of(u) ?? '').startsWith(value)));
    }
    return page(users.map((u) => describeUser(u, 'Attributes')), Number(input.Limit ?? 60), input.PaginationToken, 'Users', 'PaginationToken');
  }

  async opAdminSetUserPassword(input: any) {
    const pool = this.pool(input);
    const user = this.user(pool, input);
    const password = required(input, 'Password');
    assertPasswordMeets(pool.policy, password);
    user.passwordHash = await hash(password, user.salt, 32);
    user.status = input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
    user.modified = new Date();
    return {};
  }

  async opAdminUpdateUserAttributes(input: any) {
    const user = this.user(this.pool(input), input);
    for (const { Name, Value } of (input.UserAttributes ?? []) as Attribute[]) {
      if (Name === 'sub') throw new AwsError('InvalidParameterException', 'Cannot modify an already provided sub');
      user.attributes.set(Name, Value);
    }
    user.modified = new Date();
    return {};
  }

  async opAdminAddUserToGroup(input: any) {
    const pool = this.pool(input);
    const user = this.user(pool, input);
    user.groups.add(this.group(pool, required(input, 'GroupName')).GroupName);
    return {};
  }

  async opAdminRemoveUserFromGroup(input: any) {
    const pool = this.pool(input);
    const user = this.user(pool, input);
    user.groups.delete(this.group(pool, required(input, 'GroupName')).GroupName);
    return {};
  }

  async opAdminListGroupsForUser(input: any) {
    const pool = this.pool(input);
    const user = this.user(pool, input);
    return page([...user.groups].map((name) => describeGroup(pool, pool.groups.get(name)!)), Number(input.Limit ?? 60), input.NextToken, 'Groups');
  }

  async opAdminDisableUser(input: any) {
    this.user(this.pool(input), input).enabled = false;
    return {};
  }

  async opAdminEnableUser(input: any) {
    this.user(this.pool(input), input).enabled = true;
    return {};
  }

  // Sign-in (unsigned calls from the app's clients).

  async opInitiateAuth(input: any) {
    const { pool, client } = this.clientById(required(input, 'ClientId'));
    const flow = required(input, 'AuthFlow');
    const parameters = (input.AuthParameters ?? {}) as Record<string, string>;
    if (flow === 'USER_PASSWORD_AUTH') {
      if (!client.ExplicitAuthFlows.includes('ALLOW_USER_PASSWORD_AUTH') && !client.ExplicitAuthFlows.includes('USER_PASSWORD_AUTH')) {
        throw new AwsError('InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client');
      }
      const user = await this.signIn(pool, parameters.USERNAME, parameters.PASSWORD);
      if (user.status === 'FORCE_CHANGE_PASSWORD') return this.newPasswordChallenge(pool, client, user);
      return { ChallengeParameters: {}, AuthenticationResult: await this.tokens(pool, client, user, true) };
    }
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      if (!client.ExplicitAuthFlows.includes('ALLOW_REFRESH_TOKEN_AUTH')) throw new AwsError('InvalidParameterException', 'REFRESH_TOKEN_AUTH flow not enabled for this client');
      const grant = this.refreshTokens.get(parameters.REFRESH_TOKEN ?? '');
      const user = grant && grant.clientId === client.ClientId && grant.expires > Date.now() ? pool.users.get(this.key(pool, grant.username)) : undefined;
      if (!user || !user.enabled) throw new AwsError('NotAuthorizedException', 'Invalid Refresh Token');
      return { ChallengeParameters: {}, AuthenticationResult: await this.tokens(pool, client, user, false) };
    }
    throw new AwsError('InvalidParameterException', `auth flow ${flow} is not emulated locally: use USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH`);
  }

  async opRespondToAuthChallenge(input: any) {
    const { pool, client } = this.clientById(required(input, 'ClientId'));
    if (input.ChallengeName !== 'NEW_PASSWORD_REQUIRED') throw new AwsError('InvalidParameterException', `challenge ${input.ChallengeName} is not emulated locally`);
    const session = this.sessions.get(String(input.Session ?? ''));
    if (!session || session.clientId !== client.ClientId) throw new AwsError('NotAuthorizedException', 'Invalid session for the user.');
    const user = pool.users.get(this.key(pool, session.username))!;
    const password = String(input.ChallengeResponses?.NEW_PASSWORD ?? '');
    assertPasswordMeets(pool.policy, password);
    user.passwordHash = await hash(password, user.salt, 32);
    user.status = 'CONFIRMED';
    this.sessions.delete(String(input.Session));
    return { ChallengeParameters: {}, AuthenticationResult: await this.tokens(pool, client, user, true) };
  }

  private async signIn(pool: Pool, name: string | undefined, password: string | undefined): Promise<User> {
    if (!name || !password) throw new AwsError('InvalidParameterException', 'Missing required parameter USERNAME or PASSWORD');
    const user = this.findUser(pool, name);
    // An unknown user gets the wrong-password answer: PreventUserExistenceErrors, on for every new client.
    if (!user?.passwordHash) throw INCORRECT();
    const given = await hash(password, user.salt, 32);
    if (!timingSafeEqual(given, user.passwordHash)) throw INCORRECT();
    if (!user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
    return user;
  }

  private newPasswordChallenge(pool: Pool, client: Client, user: User) {
    const Session = randomBytes(48).toString('base64url');
    this.sessions.set(Session, { poolId: pool.Id, clientId: client.ClientId, username: user.username });
    const userAttributes = Object.fromEntries([...user.attributes].filter(([name]) => name !== 'sub'));
    return { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session, ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify(userAttributes) } };
  }

  /**
   * The access and ID tokens Cognito issues, with its claims
   * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html and
   * ...-using-the-id-token.html). `cognito:groups` is present only when the user is in a group.
   */
  private async tokens(pool: Pool, client: Client, user: User, withRefreshToken: boolean) {
    const now = Math.floor(Date.now() / 1000);
    const originJti = randomUUID();
    const eventId = randomUUID();
    const common = {
      sub: user.sub,
      ...(user.groups.size > 0 && { 'cognito:groups': [...user.groups] }),
      iss: this.issuerOf(pool.Id),
      origin_jti: originJti,
      event_id: eventId,
      auth_time: now,
      iat: now,
    };
    const AccessToken = await this.signer.sign({ ...common, client_id: client.ClientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin', exp: now + client.accessTokenValidity, jti: randomUUID(), username: user.username });
    const attributes = Object.fromEntries([...user.attributes].filter(([name]) => name !== 'sub').map(([name, value]) => [name, name.endsWith('_verified') ? value === 'true' : value]));
    const IdToken = await this.signer.sign({ ...attributes, ...common, 'cognito:username': user.username, aud: client.ClientId, token_use: 'id', exp: now + client.idTokenValidity, jti: randomUUID() });
    const result: Record<string, unknown> = { AccessToken, ExpiresIn: client.accessTokenValidity, TokenType: 'Bearer', IdToken };
    if (withRefreshToken) {
      const RefreshToken = randomBytes(96).toString('base64url');
      this.refreshTokens.set(RefreshToken, { poolId: pool.Id, clientId: client.ClientId, username: user.username, expires: Date.now() + client.refreshTokenValidity * 1000 });
      result.RefreshToken = RefreshToken;
    }
    return result;
  }

  private describePool(pool: Pool) {
    const { Policies, UsernameAttributes, AliasAttributes, AutoVerifiedAttributes, AdminCreateUserConfig, MfaConfiguration, DeletionProtection, UsernameConfiguration } = pool.raw as Record<string, any>;
    return {
      Id: pool.Id,
      Name: pool.Name,
      Arn: pool.Arn,
      Policies: { ...Policies, PasswordPolicy: pool.policy },
      UsernameAttributes,
      AliasAttributes,
      AutoVerifiedAttributes,
      AdminCreateUserConfig,
      UsernameConfiguration,
      MfaConfiguration: MfaConfiguration ?? 'OFF',
      DeletionProtection: DeletionProtection ?? 'INACTIVE',
      EstimatedNumberOfUsers: pool.users.size,
      LambdaConfig: {},
      CreationDate: pool.created,
      LastModifiedDate: pool.created,
    };
  }

  private pool(input: any): Pool {
    const id = required(input, 'UserPoolId');
    const pool = this.pools.get(id);
    if (!pool) throw new AwsError('ResourceNotFoundException', `User pool ${id} does not exist.`);
    return pool;
  }

  private client(pool: Pool, clientId: string): Client {
    const client = pool.clients.get(clientId);
    if (!client) throw new AwsError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
    return client;
  }

  private clientById(clientId: string): { pool: Pool; client: Client } {
    for (const pool of this.pools.values()) {
      const client = pool.clients.get(clientId);
      if (client) return { pool, client };
    }
    throw new AwsError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  }

  private group(pool: Pool, name: string): Group {
    const group = pool.groups.get(name);
    if (!group) throw new AwsError('ResourceNotFoundException', 'Group not found.');
    return group;
  }

  private key(pool: Pool, username: string): string {
    return pool.caseSensitive ? username : username.toLowerCase();
  }

  /** By username, or by a sign-in attribute (UsernameAttributes, or a verified alias). */
  private findUser(pool: Pool, name: string): User | undefined {
    const direct = pool.users.get(this.key(pool, name));
    if (direct) return direct;
    const lower = name.toLowerCase();
    for (const user of pool.users.values()) {
      if (pool.usernameAttributes.some((a) => user.attributes.get(a)?.toLowerCase() === lower)) return user;
      if (pool.aliasAttributes.some((a) => user.attributes.get(a)?.toLowerCase() === lower && user.attributes.get(`${a}_verified`) === 'true')) return user;
    }
    return undefined;
  }

  private user(pool: Pool, input: any): User {
    const user = this.findUser(pool, required(input, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    return user;
  }
}

function required(input: any, name: string): string {
  const value = input?.[name];
  if (value === undefined || value === null || value === '') {
    throw new AwsError('InvalidParameterException', `1 validation error detected: Value at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return String(value);
}

function page<T>(items: T[], max: number, token: unknown, key: string, tokenKey = 'NextToken') {
  const start = token === undefined ? 0 : Number(Buffer.from(String(token), 'base64url').toString());
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
  return { [key]: slice, ...(next && { [tokenKey]: next }) };
}

function describeClient(client: Client) {
  const { raw } = client;
  return {
    ...raw,
    ClientId: client.ClientId,
    ClientName: client.ClientName,
    UserPoolId: client.UserPoolId,
    ExplicitAuthFlows: client.ExplicitAuthFlows,
    PreventUserExistenceErrors: raw.PreventUserExistenceErrors ?? 'ENABLED',
    CreationDate: client.created,
    LastModifiedDate: client.created,
  };
}

function describeGroup(pool: Pool, group: Group) {
  return { GroupName: group.GroupName, UserPoolId: pool.Id, Description: group.Description, Precedence: group.Precedence, RoleArn: group.RoleArn, CreationDate: group.created, LastModifiedDate: group.created };
}

function describeUser(user: User, attributesKey: 'Attributes' | 'UserAttributes') {
  return {
    Username: user.username,
    [attributesKey]: [...user.attributes].map(([Name, Value]) => ({ Name, Value })),
    UserCreateDate: user.created,
    UserLastModifiedDate: user.modified,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}
