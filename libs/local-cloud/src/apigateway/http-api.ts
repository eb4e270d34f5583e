import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_HTTP_API_PAYLOAD_BYTES } from '@shop/aws-limits';
import type { Cloud, LambdaApi, LambdaInvokeResult } from '../cloud';
import { AwsError } from '../errors';
import { listenOn } from '../listen';
import { authorize, type JwtAuthorizer } from './jwt-authorizer';
import { TokenBucket } from './token-bucket';

/**
 * API Gateway HTTP APIs with Lambda proxy integrations (payload format 2.0), as `sls package` declares them
 * (AWS::ApiGatewayV2::Api / Integration / Route): requests are routed by route key to the integrated function.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/orders/42?x=1`. */
  url: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: string | Buffer;
}

export interface HttpResponse {
  status: number;
  /** A header with several values (`set-cookie`) is sent once per value. */
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

interface Route {
  apiId: string;
  routeKey: string;
  method: string;
  /** Path segments; `{name}` binds one segment, `{name+}` the rest (greedy). */
  segments: string[];
  integrationId: string;
  /** AuthorizationType JWT: the authorizer's id and the route's AuthorizationScopes. */
  authorizerId?: string;
  authorizationScopes: string[];
}

/** How a route is authorized (AWS::ApiGatewayV2::Route AuthorizationType, AuthorizerId, AuthorizationScopes). */
export interface RouteAuthorization {
  authorizationType?: string;
  authorizerId?: string;
  authorizationScopes?: string[];
}

interface Integration {
  functionArn: string;
  timeoutMs: number;
}

/** A stage's route settings (AWS::ApiGatewayV2::Stage DefaultRouteSettings / RouteSettings), as far as they act locally. */
export interface RouteThrottle {
  ThrottlingBurstLimit?: number;
  ThrottlingRateLimit?: number;
}

/**
 * The account's throttle across every API of a Region: 10,000 requests per second, bursts of 5,000
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). A stage's limits apply to each route
 * within it.
 */
const ACCOUNT_THROTTLE = { burst: 5_000, ratePerSecond: 10_000 };

/** API Gateway's answer to a throttled request. */
const TOO_MANY_REQUESTS = { message: 'Too Many Requests' };

/**
 * A body past the HTTP API payload quota (10 MB) is refused before any route runs. AWS documents the quota, not the
 * answer; this is the 413 and text API Gateway's clients observe.
 */
const payloadTooLarge = (): HttpResponse => ({ status: 413, headers: { 'content-type': 'text/plain' }, body: `HTTP content length exceeded ${MAX_HTTP_API_PAYLOAD_BYTES} bytes.` });

function headerOf(headers: HttpRequest['headers'], name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return Array.isArray(entry?.[1]) ? entry[1][0] : entry?.[1];
}

const json = (status: number, body: unknown): HttpResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export class HttpApis {
  private readonly apis = new Map<string, string>();
  private readonly integrations = new Map<string, Integration>();
  private readonly routes: Route[] = [];
  private readonly authorizers = new Map<string, JwtAuthorizer & { apiId: string }>();
  /** Each API's `$default` stage settings: the stage the local base URL serves. */
  private readonly stages = new Map<string, { defaults?: RouteThrottle; routes: Record<string, RouteThrottle> }>();
  /** One bucket per throttled route (`<apiId> <routeKey>`), made on its first request. */
  private readonly routeBuckets = new Map<string, TokenBucket | undefined>();
  private readonly accountBucket = new TokenBucket(ACCOUNT_THROTTLE.burst, ACCOUNT_THROTTLE.ratePerSecond);
  private server?: http.Server;

  constructor(
    private readonly cloud: Cloud,
    private readonly lambda: LambdaApi,
  ) {}

  createApi(name: string): string {
    const apiId = randomUUID().replace(/-/g, '').slice(0, 10);
    this.apis.set(apiId, name);
    return apiId;
  }

  createIntegration(apiId: string, options: { functionArn: string; payloadFormatVersion?: string; timeoutMs?: number }): string {
    this.requireApi(apiId);
    if (options.payloadFormatVersion !== '2.0') {
      throw new AwsError('BadRequestException', `payload format ${options.payloadFormatVersion ?? '(none)'} is not emulated locally: use 2.0 (the httpApi default)`);
    }
    const integrationId = randomUUID().replace(/-/g, '').slice(0, 7);
    this.integrations.set(integrationId, { functionArn: options.functionArn, timeoutMs: options.timeoutMs ?? 30_000 });
    return integrationId;
  }

  /** A JWT authorizer (AWS::ApiGatewayV2::Authorizer AuthorizerType JWT); Lambda (REQUEST) authorizers are not emulated. */
  createAuthorizer(apiId: string, options: { name: string; authorizerType: string; identitySource?: string[]; issuer?: string; audience?: string[] }): string {
    this.requireApi(apiId);
    if (options.authorizerType !== 'JWT') throw new AwsError('BadRequestException', `authorizer ${options.name}: type ${options.authorizerType} is not emulated locally (only JWT)`);
    if (!options.issuer) throw new AwsError('BadRequestException', `authorizer ${options.name}: JwtConfiguration.Issuer is required for a JWT authorizer`);
    const authorizerId = randomUUID().replace(/-/g, '').slice(0, 6);
    this.authorizers.set(authorizerId, { apiId, name: options.name, identitySource: options.identitySource ?? ['$request.header.Authorization'], issuer: options.issuer, audience: options.audience ?? [] });
    return authorizerId;
  }

  /** `routeKey` is `METHOD /path/{param}` or `$default`; `target` is `integrations/<id>`. */
  createRoute(apiId: string, routeKey: string, target: string, authorization: RouteAuthorization = {}): void {
    this.requireApi(apiId);
    const integrationId = target.replace(/^integrations\//, '');
    if (!this.integrations.has(integrationId)) throw new AwsError('NotFoundException', `route ${routeKey}: no integration ${target}`);
    const [method, path] = routeKey === '$default' ? ['ANY', ''] : routeKey.split(' ', 2);
    if (routeKey !== '$default' && (!method || !path?.startsWith('/'))) throw new AwsError('BadRequestException', `route key "${routeKey}" is not "METHOD /path"`);
    const type = authorization.authorizationType ?? 'NONE';
    if (type !== 'NONE' && type !== 'JWT') throw new AwsError('BadRequestException', `route ${routeKey}: AuthorizationType ${type} is not emulated locally (NONE or JWT)`);
    if (type === 'JWT' && this.authorizers.get(authorization.authorizerId ?? '')?.apiId !== apiId) {
      throw new AwsError('NotFoundException', `route ${routeKey}: AuthorizationType JWT names authorizer ${authorization.authorizerId ?? '(none)'}, which this API does not have`);
    }
    this.routes.push({
      apiId,
      routeKey,
      method: method!.toUpperCase(),
      segments: routeKey === '$default' ? [] : split(path!),
      integrationId,
      authorizerId: type === 'JWT' ? authorization.authorizerId : undefined,
      authorizationScopes: authorization.authorizationScopes ?? [],
    });
  }

  /**
   * A stage's throttling: DefaultRouteSettings for every route, RouteSettings (by route key) over them. Only `$default`
   * is served locally (the one stage `sls package` declares); a named stage's path prefix is not emulated.
   */
  createStage(apiId: string, stageName: string, settings: { defaultRouteSettings?: RouteThrottle; routeSettings?: Record<string, RouteThrottle> } = {}): void {
    this.requireApi(apiId);
    if (stageName !== '$default') return;
    for (const [where, throttle] of [['DefaultRouteSettings', settings.defaultRouteSettings], ...Object.entries(settings.routeSettings ?? {})] as const) {
      for (const name of ['ThrottlingBurstLimit', 'ThrottlingRateLimit'] as const) {
        const value = (throttle as RouteThrottle | undefined)?.[name];
        if (value !== undefined && !(typeof value === 'number' && value >= 0)) throw new AwsError('BadRequestException', `stage ${stageName}: ${where}.${name} must be a number >= 0, not ${JSON.stringify(value)}`);
      }
    }
    this.stages.set(apiId, { defaults: settings.defaultRouteSettings, routes: settings.routeSettings ?? {} });
    for (const key of [...this.routeBuckets.keys()]) if (key.startsWith(`${apiId} `)) this.routeBuckets.delete(key);
  }

  routeKeys(): string[] {
    return this.routes.map((r) => r.routeKey);
  }

  /**
   * API Gateway's route selection: the most specific path wins (static segments over variables over greedy ones),
   * a route's own method over ANY, and `$default` catches what no route matches.
   */
  match(method: string, path: string): { route: Route; pathParameters: Record<string, string> } | undefined {
    const wanted = split(path);
    let best: { route: Route; pathParameters: Record<string, string>; score: number[] } | undefined;
    for (const route of this.routes) {
      if (route.method !== 'ANY' && route.method !== method.toUpperCase()) continue;
      const bound = route.routeKey === '$default' ? {} : bind(route.segments, wanted);
      if (!bound) continue;
      const score = route.routeKey === '$default' ? [-1] : [...route.segments.map(specificity), route.method === 'ANY' ? 0 : 1];
      if (!best || compare(score, best.score) > 0) best = { route, pathParameters: bound, score };
    }
    return best && { route: best.route, pathParameters: best.pathParameters };
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url, 'http://localhost');
    if (request.body !== undefined && Buffer.byteLength(request.body) > MAX_HTTP_API_PAYLOAD_BYTES) return payloadTooLarge();
    const found = this.match(request.method, url.pathname);
    if (!found) return json(404, { message: 'Not Found' });
    if (!this.admit(found.route)) {
      this.cloud.record({ service: 'lambda', type: 'http.request', routeKey: found.route.routeKey, path: url.pathname, throttled: true });
      return json(429, TOO_MANY_REQUESTS);
    }
    const event = this.event(request, url, found.route, found.pathParameters);
    const authorizer = found.route.authorizerId ? this.authorizers.get(found.route.authorizerId) : undefined;
    if (authorizer) {
      const keySetOf = async (issuer: string) => (await this.cloud.identityProviders?.keySetOfIssuer(issuer)) as never;
      const answer = await authorize(authorizer, found.route.authorizationScopes, { headers: event.headers, query: url.searchParams }, keySetOf);
      if (!answer.allowed) {
        this.cloud.record({ service: 'lambda', type: 'http.request', routeKey: found.route.routeKey, path: url.pathname, unauthorized: answer.status, reason: answer.wwwAuthenticate });
        return { status: answer.status, headers: { 'content-type': 'application/json', 'www-authenticate': answer.wwwAuthenticate, 'apigw-requestid': event.requestContext.requestId }, body: JSON.stringify({ message: answer.status === 401 ? 'Unauthorized' : 'Forbidden' }) };
      }
      Object.assign(event.requestContext, { authorizer: { jwt: { claims: answer.claims, scopes: answer.scopes } } });
    }
    this.cloud.usage.httpApiRequest(found.route.routeKey, request.body === undefined ? 0 : Buffer.byteLength(request.body));
    const integration = this.integrations.get(found.route.integrationId)!;
    let result: LambdaInvokeResult;
    try {
      result = await this.lambda.invoke(integration.functionArn, JSON.stringify(event));
    } catch (error) {
      // "If the Lambda API rejects the invocation request [a throttle...], API Gateway returns a 500 error code"
      // (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html).
      if (!(error instanceof AwsError)) throw error;
      this.cloud.record({ service: 'lambda', type: 'http.request', routeKey: found.route.routeKey, path: url.pathname, invokeError: error.code });
      return json(500, { message: 'Internal Server Error' });
    }
    this.cloud.record({ service: 'lambda', type: 'http.request', routeKey: found.route.routeKey, path: url.pathname, functionError: result.functionError });
    // The fault plan's `http`: the function ran, but the client gets a 5xx (a lost response, an unavailable
    // edge), so it must retry safely, e.g. with its Idempotency-Key.
    const site = { names: [found.route.routeKey, url.pathname], context: { routeKey: found.route.routeKey, path: url.pathname, idempotencyKey: headerOf(request.headers, 'idempotency-key') } };
    if (this.cloud.faults.strikes('http', site, '503')) return json(503, { message: 'Service Unavailable' });
    if (result.functionError) return json(500, { message: 'Internal Server Error' });
    return response(result.payload);
  }

  /** The account's bucket, then the route's (if its stage throttles it): a request takes a token of each. */
  private admit(route: Route): boolean {
    const key = `${route.apiId} ${route.routeKey}`;
    if (!this.routeBuckets.has(key)) this.routeBuckets.set(key, this.bucketFor(route));
    const bucket = this.routeBuckets.get(key);
    return (bucket?.take() ?? true) && this.accountBucket.take();
  }

  private bucketFor(route: Route): TokenBucket | undefined {
    const stage = this.stages.get(route.apiId);
    const throttle = { ...stage?.defaults, ...stage?.routes[route.routeKey] };
    if (throttle.ThrottlingBurstLimit === undefined && throttle.ThrottlingRateLimit === undefined) return undefined;
    return new TokenBucket(throttle.ThrottlingBurstLimit ?? ACCOUNT_THROTTLE.burst, throttle.ThrottlingRateLimit ?? ACCOUNT_THROTTLE.ratePerSecond);
  }

  /** Serves every loaded HTTP API on one base URL (what `npm start` prints). */
  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // Past the payload quota the rest is read and dropped, so that the client, still sending, gets the 413.
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_HTTP_API_PAYLOAD_BYTES) chunks.push(chunk);
      });
      req.on('end', () => {
        if (size > MAX_HTTP_API_PAYLOAD_BYTES) {
          const answer = payloadTooLarge();
          res.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        this.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) }).then(
          (answer) => res.writeHead(answer.status, answer.headers).end(answer.body),
          (error: unknown) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (error as Error).message })),
        );
      });
    });
    return listenOn(this.server, port, host, { setting: 'PORT' });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server?.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private requireApi(apiId: string): void {
    if (!this.apis.has(apiId)) throw new AwsError('NotFoundException', `no HTTP API ${apiId}`);
  }

  private event(request: HttpRequest, url: URL, route: Route, pathParameters: Record<string, string>) {
    const headers: Record<string, string> = {};
    const cookies: string[] = [];
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(',') : value;
      if (name.toLowerCase() === 'cookie') cookies.push(...text.split(/;\s*/));
      else headers[name.toLowerCase()] = text;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
    const textual = !body || /^(text\/|application\/(json|xml|x-www-form-urlencoded))/.test(headers['content-type'] ?? 'application/json');
    const now = new Date();
    return {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(cookies.length ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId: this.cloud.accountId,
        apiId: route.apiId,
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0],
        http: { method: request.method.toUpperCase(), path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
      ...(body && body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: !textual,
    };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function specificity(segment: string): number {
  if (segment.endsWith('+}')) return 1;
  return segment.startsWith('{') ? 2 : 3;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function bind(template: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const segment = template[i]!;
    if (segment.startsWith('{') && segment.endsWith('+}')) {
      if (i >= path.length) return undefined;
      params[segment.slice(1, -2)] = path.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const value = path[i];
    if (value === undefined) return undefined;
    if (segment.startsWith('{') && segment.endsWith('}')) params[segment.slice(1, -1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return template.length === path.length ? params : undefined;
}

/**
 * Format 2.0 responses (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.v2):
 * an object with statusCode is taken as is, each of its `cookies` becoming a Set-Cookie header. Any other valid JSON
 * is inferred to be a 200 application/json response whose body is the function's response: a string is the body
 * itself, anything else its JSON. A response API Gateway cannot read is a 500.
 */
function response(payload: string): HttpResponse {
  let result: unknown;
  try {
    result = JSON.parse(payload);
  } catch {
    return json(500, { message: 'Internal Server Error' });
  }
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: number; headers?: Record<string, unknown>; body?: string; isBase64Encoded?: boolean; cookies?: unknown };
    const cookies = r.cookies ?? [];
    if (!Array.isArray(cookies) || !cookies.every((cookie) => typeof cookie === 'string')) return json(500, { message: 'Internal Server Error' });
    const headers: Record<string, string | string[]> = Object.fromEntries(Object.entries(r.headers ?? {}).map(([name, value]) => [name, String(value)]));
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    const body = r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : String(r.body);
    return { status: r.statusCode, headers, body };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: typeof result === 'string' ? result : payload };
}
