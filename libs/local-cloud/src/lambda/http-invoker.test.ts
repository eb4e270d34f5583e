import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cloud } from '../cloud';
import { HttpInvoker } from './http-invoker';
import { LambdaService } from './lambda-service';

/** Stands in for serverless-offline's Lambda endpoint: echoes the call, or fails for a function named *fail*. */
const calls: Array<{ method?: string; url?: string; invocationType?: string | string[]; body: string }> = [];
const offline = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  calls.push({ method: req.method, url: req.url, invocationType: req.headers['x-amz-invocation-type'], body });
  if (req.url?.includes('fail')) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
    res.end(JSON.stringify({ errorType: 'Error', errorMessage: 'offline boom', trace: [] }));
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ echoed: JSON.parse(body) }));
  }
});
let lambda: LambdaService;

beforeAll(async () => {
  await new Promise<void>((resolve) => offline.listen(0, '127.0.0.1', resolve));
  const { port } = offline.address() as AddressInfo;
  lambda = new LambdaService(new Cloud(), { invoker: new HttpInvoker({ host: '127.0.0.1', lambdaPort: port }) });
  for (const functionName of ['orders-dev-echo', 'orders-dev-fail']) lambda.registerFunction({ functionName, handler: 'src/x.handler', servicePath: '/nowhere' });
});

afterAll(() => new Promise<void>((resolve) => offline.close(() => resolve())));

describe('HttpInvoker (serverless-offline)', () => {
  it("POSTs the event to serverless-offline's invoke endpoint as a RequestResponse invocation", async () => {
    const result = await lambda.invoke('orders-dev-echo', JSON.stringify({ id: 1 }));
    expect(result).toEqual({ payload: JSON.stringify({ echoed: { id: 1 } }) });
    expect(calls.at(-1)).toEqual({ method: 'POST', url: '/2015-03-31/functions/orders-dev-echo/invocations', invocationType: 'RequestResponse', body: '{"id":1}' });
  });

  it('maps X-Amz-Function-Error to functionError', async () => {
    const result = await lambda.invoke('orders-dev-fail', '{}');
    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload)).toMatchObject({ errorMessage: 'offline boom' });
  });

  it('reports an unreachable serverless-offline as a function error', async () => {
    const unreachable = new LambdaService(new Cloud(), { invoker: new HttpInvoker({ baseUrlFor: () => 'http://127.0.0.1:9' }) });
    unreachable.registerFunction({ functionName: 'f', handler: 'src/x.handler', servicePath: '/nowhere' });
    const result = await unreachable.invoke('f', '{}');
    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload).errorMessage).toEqual(expect.any(String));
  });
});
