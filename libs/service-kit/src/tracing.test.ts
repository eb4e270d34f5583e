import { SFNClient } from '@aws-sdk/client-sfn';

/** tracing.ts keeps one Tracer per process: each case loads it afresh under its own environment. */
function tracedIn(environment: Record<string, string | undefined>): SFNClient {
  const saved = Object.fromEntries(Object.keys(environment).map((key) => [key, process.env[key]]));
  Object.assign(process.env, environment);
  for (const [key, value] of Object.entries(environment)) if (value === undefined) delete process.env[key];
  try {
    let client: SFNClient | undefined;
    jest.isolateModules(() => {
      const { traced } = require('./tracing') as typeof import('./tracing');
      client = traced(new SFNClient({ region: 'us-east-1' }));
    });
    return client!;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const xrayMiddleware = (client: SFNClient) => client.middlewareStack.identify().filter((name) => name.startsWith('XRaySDKInstrumentation'));

describe('traced', () => {
  // Without patching the process's http and fetch, which the rest of this jest worker still uses.
  const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false' };

  it('adds the X-Ray instrumentation to a client inside Lambda', () => {
    expect(xrayMiddleware(tracedIn({ ...lambda, POWERTOOLS_TRACE_ENABLED: undefined }))).toHaveLength(1);
  });

  it('leaves the client untouched outside Lambda (serverless offline, tests) and when tracing is turned off', () => {
    expect(xrayMiddleware(tracedIn({ AWS_EXECUTION_ENV: undefined }))).toEqual([]);
    expect(xrayMiddleware(tracedIn({ ...lambda, POWERTOOLS_TRACE_ENABLED: 'false' }))).toEqual([]);
  });
});
