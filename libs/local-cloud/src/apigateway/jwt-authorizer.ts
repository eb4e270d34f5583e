import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/**
 * An HTTP API's JWT authorizer, as API Gateway runs it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html): the token from the
 * identity source (with or without `Bearer `), its signature against the issuer's keys (RSA algorithms only), `iss`,
 * `aud` (or `client_id` when there is no `aud`) against the audience, `exp` and `nbf`, then at least one of the route's
 * AuthorizationScopes in `scope` (or `scp`). A bad token is 401, a missing scope 403, each with a `www-authenticate`
 * header saying why (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html).
 */
export interface JwtAuthorizer {
  name: string;
  /** `$request.header.<name>` or `$request.querystring.<name>`. */
  identitySource: string[];
  issuer: string;
  audience: string[];
}

export type Authorization =
  | { allowed: true; claims: Record<string, string>; scopes: string[] | null }
  | { allowed: false; status: 401 | 403; wwwAuthenticate: string };

/** The keys of an issuer; locally only the emulator's own identity providers have any (nothing is fetched). */
export type KeySetOf = (issuer: string) => Promise<JSONWebKeySet | undefined>;

const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

const deny = (description: string): Authorization => ({ allowed: false, status: 401, wwwAuthenticate: `Bearer scope="" error="invalid_token" error_description="${description}"` });

export async function authorize(
  authorizer: JwtAuthorizer,
  routeScopes: string[],
  request: { headers: Record<string, string>; query: URLSearchParams },
  keySetOf: KeySetOf,
): Promise<Authorization> {
  const source = authorizer.identitySource[0] ?? '$request.header.Authorization';
  const [, where, name = ''] = /^\$request\.(header|querystring)\.(.+)$/.exec(source) ?? [];
  const raw = where === 'querystring' ? request.query.get(name) ?? undefined : request.headers[name.toLowerCase()];
  if (!raw) return { allowed: false, status: 401, wwwAuthenticate: 'Bearer' };
  const token = raw.replace(/^Bearer /i, '');

  const keys = await keySetOf(authorizer.issuer);
  if (!keys) return deny(`the issuer ${authorizer.issuer} has no keys locally: only the emulator's own user pools are`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(keys), { issuer: authorizer.issuer, algorithms: RSA_ALGORITHMS, requiredClaims: ['exp'] }));
  } catch (error) {
    return deny(reasonOf(error));
  }
  const audiences = payload.aud === undefined ? undefined : ([] as string[]).concat(payload.aud);
  const audienceMatches = audiences ? audiences.some((aud) => authorizer.audience.includes(aud)) : authorizer.audience.includes(String(payload.client_id));
  if (!audienceMatches) return deny('the token does not have a valid audience');

  const granted = String(payload.scope ?? payload.scp ?? '').split(' ').filter(Boolean);
  if (routeScopes.length > 0 && !routeScopes.some((scope) => granted.includes(scope))) {
    return { allowed: false, status: 403, wwwAuthenticate: `Bearer scope="${routeScopes.join(' ')}" error="insufficient_scope" error_description="expected scopes: ${routeScopes.join(' ')}"` };
  }
  return { allowed: true, claims: claimsAsStrings(payload), scopes: granted.length > 0 ? granted : null };
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is not valid`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "the token's key id is not one of the issuer's keys";
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with an RSA algorithm';
  return 'the token is not a valid JWT';
}

/**
 * The claims as a payload format 2.0 event carries them: every value a string, an array as `[a b]` (what a function
 * behind a real HTTP API receives for `cognito:groups`).
 */
function claimsAsStrings(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)]),
  );
}
