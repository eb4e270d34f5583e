import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError } from './errors';
import type { IncomingSignedRequest } from './iam/sigv4-verifier';
import { listenOn } from './listen';
import {
  jsonErrorResponse,
  newRequestId,
  readBody,
  restJsonErrorResponse,
  signingServiceOf,
  toAwsError,
  toJson,
  writeResponse,
  type RestRequest,
  type RestResponse,
} from './protocol';

/** A service speaking an AWS JSON protocol: `X-Amz-Target: <targetPrefix>.<Operation>`, JSON in and out. */
export interface JsonServiceRegistration {
  targetPrefix: string;
  signingName: string;
  /** `application/x-amz-json-1.0` or `-1.1`, as the service's SDK sends it. */
  contentType: string;
  dispatch(operation: string, input: any): Promise<unknown>;
}

/** A service routed by its SigV4 signing name; it parses the request itself (REST-JSON, SQS query protocol). */
export interface RestServiceRegistration {
  signingName: string;
  /** Thrown AwsErrors are answered in the REST-JSON error shape. */
  handle(request: RestRequest): Promise<RestResponse>;
}

/** A service that answers the request itself, e.g. a proxy (the endpoint has read the body, to check its signature). */
export interface RawServiceRegistration {
  targetPrefix?: string;
  signingName: string;
  handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void | Promise<void>;
}

/** An unsigned route for local tools and the dashboard, under /_local/ (no AWS service has such paths). */
export interface LocalRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handle(request: RestRequest): Promise<RestResponse>;
}

/**
 * An unsigned GET an AWS service serves at a path of its own outside its API, e.g. an OIDC issuer's
 * `/<poolId>/.well-known/jwks.json`. `pattern` is matched against the path.
 */
export interface PathRoute {
  pattern: RegExp;
  handle(request: RestRequest, match: RegExpExecArray): Promise<RestResponse>;
}

export interface LocalCloudServerOptions {
  /** Where unexpected (500) errors are reported; console.error by default. */
  logError?: (message: string, error: unknown) => void;
  /**
   * Runs each AWS request (not the /_local/ routes) once its body is read: IAM's RequestGuard checks its signature
   * and holds who signed it while `serve` runs, so the service can authorize the operation (iam/request-guard.ts).
   */
  admit?: (request: IncomingSignedRequest, serve: () => Promise<void>) => Promise<void>;
}

const HEALTH_PATH = '/_local/health';

/**
 * The emulator's single HTTP endpoint. A request goes to a service by its `X-Amz-Target` prefix (AWS JSON
 * protocols) or else by the service name in its SigV4 credential scope (REST and query protocols).
 */
export class LocalCloudServer {
  private readonly jsonByPrefix = new Map<string, JsonServiceRegistration>();
  private readonly rawByPrefix = new Map<string, RawServiceRegistration>();
  private readonly restBySigningName = new Map<string, RestServiceRegistration>();
  private readonly rawBySigningName = new Map<string, RawServiceRegistration>();
  private readonly localRoutes = new Map<string, LocalRoute>();
  private readonly pathRoutes: PathRoute[] = [];
  private readonly server = http.createServer((req, res) => void this.route(req, res));
  private readonly logError: (message: string, error: unknown) => void;
  private readonly admit: NonNullable<LocalCloudServerOptions['admit']>;
  private address?: AddressInfo;

  constructor(options: LocalCloudServerOptions = {}) {
    this.logError = options.logError ?? ((message, error) => console.error(message, error));
    this.admit = options.admit ?? ((_request, serve) => serve());
    // Long polls (SQS WaitTimeSeconds up to 20 s) must not be cut by Node's default request timeout.
    this.server.requestTimeout = 0;
  }

  registerJsonService(service: JsonServiceRegistration): void {
    this.claim(this.jsonByPrefix, service.targetPrefix, service);
  }

  registerRestService(service: RestServiceRegistration): void {
    this.claim(this.restBySigningName, service.signingName, service);
  }

  registerRawService(service: RawServiceRegistration): void {
    if (service.targetPrefix) this.claim(this.rawByPrefix, service.targetPrefix, service);
    else this.claim(this.rawBySigningName, service.signingName, service);
  }

  registerLocalRoute(route: LocalRoute): void {
    if (!route.path.startsWith('/_local/')) throw new Error(`local routes live under /_local/, not ${route.path}`);
    this.claim(this.localRoutes, `${route.method} ${route.path}`, route);
  }

  registerPathRoute(route: PathRoute): void {
    this.pathRoutes.push(route);
  }

  /** Signing names of the registered services, for the health route. */
  services(): string[] {
    const all = [...this.jsonByPrefix.values(), ...this.rawByPrefix.values(), ...this.restBySigningName.values(), ...this.rawBySigningName.values()];
    return [...new Set(all.map((service) => service.signingName))].sort();
  }

  /** Rejects with a readable Error (not a stack trace) when the port is taken. */
  async listen(port: number, host: string): Promise<AddressInfo> {
    this.address = await listenOn(this.server, port, host, { setting: 'PORT' });
    return this.address;
  }

  get port(): number {
    if (!this.address) throw new Error('the server is not listening');
    return this.address.port;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.server.listening) return resolve();
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private claim<T>(registry: Map<string, T>, key: string, service: T): void {
    if (registry.has(key)) throw new Error(`a service is already registered for ${key}`);
    registry.set(key, service);
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = newRequestId();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === HEALTH_PATH) {
        return writeResponse(res, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok', services: this.services() }) });
      }
      const local = this.localRoutes.get(`${req.method} ${url.pathname}`);
      if (local) {
        const request: RestRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: await readBody(req) };
        return writeResponse(res, await this.handleRest(local, request, requestId));
      }
      const target = header(req, 'x-amz-target');
      // Unsigned GETs of public documents (a user pool issuer's JWKS), as AWS serves them.
      for (const route of req.method === 'GET' && !target ? this.pathRoutes : []) {
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        const request: RestRequest = { method: 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: await readBody(req) };
        return writeResponse(res, await this.handleRest({ handle: (r) => route.handle(r, match) }, request, requestId));
      }
      const serve = this.serviceFor(req, res, url, target, requestId);
      if (serve) {
        const body = await readBody(req);
        return await this.admit({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, () => serve(body));
      }
      req.resume();
      const what = target ? `target ${target}` : `${req.method} ${url.pathname}`;
      writeResponse(res, jsonErrorResponse(new AwsError('UnknownOperationException', `No local service handles ${what}`), 'application/x-amz-json-1.1', requestId));
    } catch (error) {
      this.logError(`local-cloud: ${req.method} ${req.url} failed`, error);
      if (!res.headersSent) writeResponse(res, jsonErrorResponse(toAwsError(error), 'application/x-amz-json-1.1', requestId));
      else res.destroy();
    }
  }

  /** What serves an AWS request: by its X-Amz-Target prefix (JSON protocols), else by the service its signature names. */
  private serviceFor(req: http.IncomingMessage, res: http.ServerResponse, url: URL, target: string | undefined, requestId: string): ((body: Buffer) => Promise<void>) | undefined {
    const restRequest = (body: Buffer): RestRequest => ({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
    if (target) {
      const [prefix = '', operation = ''] = splitTarget(target);
      const raw = this.rawByPrefix.get(prefix);
      if (raw) return async (body) => raw.handle(req, res, body);
      const json = this.jsonByPrefix.get(prefix);
      if (json) return async (body) => writeResponse(res, await this.dispatchJson(json, operation, body, requestId));
      return undefined;
    }
    const signingName = signingServiceOf(req.headers, url.searchParams);
    if (!signingName) return undefined;
    const raw = this.rawBySigningName.get(signingName);
    if (raw) return async (body) => raw.handle(req, res, body);
    const rest = this.restBySigningName.get(signingName);
    if (rest) return async (body) => writeResponse(res, await this.handleRest(rest, restRequest(body), requestId));
    return undefined;
  }

  private async dispatchJson(service: JsonServiceRegistration, operation: string, body: Buffer, requestId: string): Promise<RestResponse> {
    try {
      const input = parseJsonInput(body);
      const output = await service.dispatch(operation, input);
      return { status: 200, headers: { 'content-type': service.contentType, 'x-amzn-requestid': requestId }, body: toJson(output) };
    } catch (error) {
      if (!(error instanceof AwsError)) this.logError(`local-cloud: ${service.targetPrefix}.${operation} failed`, error);
      return jsonErrorResponse(toAwsError(error), service.contentType, requestId);
    }
  }

  private async handleRest(service: { handle: RestServiceRegistration['handle']; signingName?: string }, request: RestRequest, requestId: string): Promise<RestResponse> {
    try {
      const answer = await service.handle(request);
      return { ...answer, headers: { 'x-amzn-requestid': requestId, ...answer.headers } };
    } catch (error) {
      if (!(error instanceof AwsError)) this.logError(`local-cloud: ${service.signingName ?? 'local'} ${request.method} ${request.path} failed`, error);
      return restJsonErrorResponse(toAwsError(error), requestId);
    }
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function splitTarget(target: string): [string, string] {
  const dot = target.lastIndexOf('.');
  return dot < 0 ? [target, ''] : [target.slice(0, dot), target.slice(dot + 1)];
}

function parseJsonInput(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON');
  }
}
