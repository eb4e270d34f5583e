import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, writeResponse, type RestRequest, type RestResponse } from '../protocol';

/**
 * For tests: serves one REST-JSON `handle` on 127.0.0.1 (random port), so a service can be exercised
 * by its real AWS SDK client without the emulator's shared server.
 */
export async function serveRestForTest(
  handle: (request: RestRequest) => Promise<RestResponse>,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    writeResponse(res, await handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      return closed;
    },
  };
}

/** Client settings for a local endpoint: any credentials are accepted. */
export const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
