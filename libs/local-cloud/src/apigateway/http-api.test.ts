import { Cloud, type LambdaApi, type LambdaInvokeResult } from '../cloud';
import { HttpApis } from './http-api';

/** A fake Lambda that records the events it gets and answers what the test says. */
function fakeLambda(answer: (fn: string, event: any) => LambdaInvokeResult) {
  const calls: Array<{ fn: string; event: any }> = [];
  const lambda: LambdaApi = {
    invoke: async (fn, payload) => {
      const event = JSON.parse(payload);
      calls.push({ fn, event });
      return answer(fn, event);
    },
    invokeAsync: async () => undefined,
  };
  return { lambda, calls };
}

const ok = (body: unknown): LambdaInvokeResult => ({ payload: JSON.stringify(body) });

function apis(answer: (fn: string, event: any) => LambdaInvokeResult = (fn) => ok({ statusCode: 200, body: fn })) {
  const { lambda, calls } = fakeLambda(answer);
  const http = new HttpApis(new Cloud(), lambda);
  const api = http.createApi('shop');
  const route = (key: string, fn: string) => http.createRoute(api, key, `integrations/${http.createIntegration(api, { functionArn: fn, payloadFormatVersion: '2.0' })}`);
  return { http, api, route, calls };
}

describe('HTTP API routing', () => {
  it('picks the most specific route: static over variable over greedy, own method over ANY, $default last', async () => {
    const { http, route } = apis();
    route('GET /orders/{orderId}', 'getOrder');
    route('GET /orders/summary', 'summary');
    route('ANY /orders/{orderId}', 'anyOrder');
    route('GET /files/{path+}', 'files');
    route('$default', 'fallback');
    const target = async (method: string, url: string) => (await http.handle({ method, url })).body;
    expect(await target('GET', '/orders/summary')).toBe('summary');
    expect(await target('GET', '/orders/42')).toBe('getOrder');
    expect(await target('DELETE', '/orders/42')).toBe('anyOrder');
    expect(await target('GET', '/files/a/b/c.txt')).toBe('files');
    expect(await target('POST', '/nothing/here')).toBe('fallback');
  });

  it('answers 404 when nothing matches', async () => {
    const { http, route } = apis();
    route('GET /orders/{orderId}', 'getOrder');
    expect(await http.handle({ method: 'GET', url: '/orders/1/items' })).toMatchObject({ status: 404 });
    expect(await http.handle({ method: 'POST', url: '/orders/1' })).toMatchObject({ status: 404 });
  });

  it('sends the payload format 2.0 event', async () => {
    const { http, route, calls, api } = apis();
    route('PUT /inventory/{sku}', 'putStock');
    await http.handle({ method: 'PUT', url: '/inventory/SKU%2D1?a=1&a=2&b=x', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k', cookie: 'c1=1; c2=2' }, body: '{"available":3}' });
    expect(calls[0]!.fn).toBe('putStock');
    expect(calls[0]!.event).toMatchObject({
      version: '2.0', routeKey: 'PUT /inventory/{sku}', rawPath: '/inventory/SKU%2D1', rawQueryString: 'a=1&a=2&b=x',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, cookies: ['c1=1', 'c2=2'],
      queryStringParameters: { a: '1,2', b: 'x' }, pathParameters: { sku: 'SKU-1' }, body: '{"available":3}', isBase64Encoded: false,
      requestContext: { apiId: api, http: { method: 'PUT', path: '/inventory/SKU%2D1' }, routeKey: 'PUT /inventory/{sku}', stage: '$default' },
    });
  });

  it('takes a response with statusCode as is, infers 200 JSON otherwise, and hides function errors behind a 500', async () => {
    const answers: Record<string, LambdaInvokeResult> = {
      explicit: ok({ statusCode: 201, headers: { location: '/x' }, body: '{"id":1}' }),
      inferred: ok({ id: 2 }),
      broken: { payload: JSON.stringify({ errorType: 'TypeError', errorMessage: 'secret detail' }), functionError: 'Unhandled' },
      binary: ok({ statusCode: 200, body: Buffer.from([0, 255]).toString('base64'), isBase64Encoded: true }),
    };
    const { http, route } = apis((fn) => answers[fn]!);
    for (const fn of Object.keys(answers)) route(`GET /${fn}`, fn);
    expect(await http.handle({ method: 'GET', url: '/explicit' })).toEqual({ status: 201, headers: { location: '/x' }, body: '{"id":1}' });
    expect(await http.handle({ method: 'GET', url: '/inferred' })).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":2}' });
    const broken = await http.handle({ method: 'GET', url: '/broken' });
    expect(broken).toMatchObject({ status: 500 });
    expect(String(broken.body)).not.toContain('secret');
    expect((await http.handle({ method: 'GET', url: '/binary' })).body).toEqual(Buffer.from([0, 255]));
  });

  it("infers a returned string to be the body itself, and any other JSON value's body to be its JSON", async () => {
    const answers: Record<string, LambdaInvokeResult> = { text: ok('Hello from Lambda!'), number: ok(42) };
    const { http, route } = apis((fn) => answers[fn]!);
    for (const fn of Object.keys(answers)) route(`GET /${fn}`, fn);
    expect(await http.handle({ method: 'GET', url: '/text' })).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: 'Hello from Lambda!' });
    expect(await http.handle({ method: 'GET', url: '/number' })).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '42' });
  });

  it("sends each of a response's cookies as its own Set-Cookie header, and refuses cookies that are not strings with a 500", async () => {
    const answers: Record<string, LambdaInvokeResult> = {
      login: ok({ statusCode: 204, headers: { 'cache-control': 'no-store' }, cookies: ['session=abc; HttpOnly; Path=/', 'theme=dark'] }),
      bad: ok({ statusCode: 200, cookies: 'session=abc' }),
    };
    const { http, route } = apis((fn) => answers[fn]!);
    for (const fn of Object.keys(answers)) route(`GET /${fn}`, fn);
    expect(await http.handle({ method: 'GET', url: '/login' })).toEqual({
      status: 204,
      headers: { 'cache-control': 'no-store', 'set-cookie': ['session=abc; HttpOnly; Path=/', 'theme=dark'] },
      body: '',
    });
    expect(await http.handle({ method: 'GET', url: '/bad' })).toMatchObject({ status: 500 });
    const { port } = await http.listen(0);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/login`);
      expect(answer.status).toBe(204);
      expect(answer.headers.getSetCookie()).toEqual(['session=abc; HttpOnly; Path=/', 'theme=dark']);
    } finally {
      await http.close();
    }
  });

  it('refuses what it cannot emulate, by name', () => {
    const { http, api } = apis();
    expect(() => http.createIntegration(api, { functionArn: 'f', payloadFormatVersion: '1.0' })).toThrow(/payload format 1.0 is not emulated/);
    const id = http.createIntegration(api, { functionArn: 'f', payloadFormatVersion: '2.0' });
    expect(() => http.createRoute(api, 'orders', `integrations/${id}`)).toThrow(/is not "METHOD \/path"/);
    expect(() => http.createRoute('nope', 'GET /x', `integrations/${id}`)).toThrow(/no HTTP API nope/);
  });

  it('serves the routes on one base URL, and says clearly when the port is taken', async () => {
    const { http, route } = apis((fn, event) => ok({ statusCode: 200, body: JSON.stringify({ fn, id: event.pathParameters.id }) }));
    route('GET /things/{id}', 'getThing');
    const { port } = await http.listen(0);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/things/7`);
      expect(await answer.json()).toEqual({ fn: 'getThing', id: '7' });
      const other = apis().http;
      await expect(other.listen(port)).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      await http.close();
    }
  });
});

describe('HTTP API limits', () => {
  it("throttles each route of the $default stage with its own token bucket: 429 {\"message\":\"Too Many Requests\"} past the burst, the function not run", async () => {
    const { http, api, route, calls } = apis();
    route('POST /orders', 'placeOrder');
    route('GET /orders/{orderId}', 'getOrder');
    route('PUT /inventory/{sku}', 'putStock');
    http.createStage(api, '$default', {
      defaultRouteSettings: { ThrottlingBurstLimit: 2, ThrottlingRateLimit: 0.001 },
      routeSettings: { 'PUT /inventory/{sku}': { ThrottlingBurstLimit: 0, ThrottlingRateLimit: 0 } },
    });
    const statuses = async (method: string, url: string, n: number) => {
      const answers = await Promise.all(Array.from({ length: n }, () => http.handle({ method, url })));
      return answers.map((a) => a.status);
    };
    expect(await statuses('POST', '/orders', 3)).toEqual([200, 200, 429]);
    expect(await http.handle({ method: 'POST', url: '/orders' })).toEqual({ status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"Too Many Requests"}' });
    // Another route has its own bucket; a route whose limits are 0 is always throttled.
    expect(await statuses('GET', '/orders/1', 2)).toEqual([200, 200]);
    expect(await statuses('PUT', '/inventory/A', 1)).toEqual([429]);
    expect(calls.map((c) => c.fn)).toEqual(['placeOrder', 'placeOrder', 'getOrder', 'getOrder']);
  });

  it('leaves a route unthrottled (but for the account) when no stage sets its limits, and checks the limits it is given', () => {
    const { http, api } = apis();
    expect(() => http.createStage(api, '$default', { defaultRouteSettings: { ThrottlingBurstLimit: -1 } })).toThrow('stage $default: DefaultRouteSettings.ThrottlingBurstLimit must be a number >= 0, not -1');
    expect(() => http.createStage(api, '$default', { routeSettings: { 'GET /x': { ThrottlingRateLimit: '5' as unknown as number } } })).toThrow('stage $default: GET /x.ThrottlingRateLimit must be a number >= 0, not "5"');
    expect(() => http.createStage('nope', '$default')).toThrow(/no HTTP API nope/);
  });

  it('refuses a body past the 10 MB payload quota with a 413, in process and over HTTP, before any function runs', async () => {
    const { http, route, calls } = apis();
    route('POST /orders', 'placeOrder');
    const tooLarge = 'x'.repeat(10 * 1024 * 1024 + 1);
    expect(await http.handle({ method: 'POST', url: '/orders', body: tooLarge })).toEqual({
      status: 413, headers: { 'content-type': 'text/plain' }, body: 'HTTP content length exceeded 10485760 bytes.',
    });
    const { port } = await http.listen(0);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/orders`, { method: 'POST', body: tooLarge });
      expect(answer.status).toBe(413);
      expect(await answer.text()).toBe('HTTP content length exceeded 10485760 bytes.');
      expect((await fetch(`http://127.0.0.1:${port}/orders`, { method: 'POST', body: 'x'.repeat(1024) })).status).toBe(200);
    } finally {
      await http.close();
    }
    expect(calls.map((c) => c.fn)).toEqual(['placeOrder']);
  });
});
