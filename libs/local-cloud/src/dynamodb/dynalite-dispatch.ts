import { EventEmitter } from 'node:events';
import type http from 'node:http';

/**
 * dynalite's request handler called in this process, without a socket in between: the emulator's endpoint has already
 * read the request (to scope the fault plan by table), and a second HTTP hop to dynalite's own port cost as much CPU
 * as dynalite's work itself. The handler is dynalite's own (the listener of the server dynalite() made), so requests
 * are validated, signed-checked and answered byte for byte as over HTTP; the server still listens, for the Time to Live
 * sweeper and for clients that call dynalite's URL directly.
 */

export interface DynaliteAnswer {
  statusCode: number;
  /** As dynalite set them (x-amz-crc32, which the SDK checks, and x-amzn-RequestId included). */
  headers: Record<string, string>;
  body: string;
}

/** The parts of a request dynalite's handler reads (dynalite 4.0.0 index.js: headers, method, url, data and end events). */
export interface DynaliteRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type RequestListener = (req: unknown, res: unknown) => void;

export function dynaliteDispatcher(server: http.Server): (request: DynaliteRequest) => Promise<DynaliteAnswer> {
  const [listener] = server.listeners('request') as RequestListener[];
  if (!listener) throw new Error('the dynalite server has no request handler');
  return (request) =>
    new Promise((resolve) => {
      const headers: Record<string, string> = {};
      const res = {
        statusCode: 200,
        contentType: undefined as string | undefined,
        shouldKeepAlive: true,
        setHeader(name: string, value: string | number) {
          headers[name.toLowerCase()] = String(value);
        },
        end(body?: string) {
          resolve({ statusCode: res.statusCode, headers, body: body ?? '' });
        },
      };
      const req = Object.assign(new EventEmitter(), { method: request.method, url: request.url, headers: request.headers });
      listener(req, res);
      if (request.body.length > 0) req.emit('data', request.body);
      req.emit('end');
    });
}
