import { Cloud } from '../../libs/local-cloud/src/cloud';
import { HttpInvoker } from '../../libs/local-cloud/src/lambda/http-invoker';
import { LambdaService } from '../../libs/local-cloud/src/lambda/lambda-service';
import { planOfflineServices, startOffline, stopOffline, type OfflineService } from '../../scripts/local-stack/offline-services';
import { repoPath } from '../contracts/services';
import { freePortRun } from '../support/ports';

/**
 * serverless-offline's Lambda Invoke endpoint, patched (patches/serverless-offline+*.patch), answers as Lambda's
 * Invoke does: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html. The fixture service runs under a real
 * `sls offline start` (worker threads, as under `npm start`), called through the HttpInvoker the emulator uses.
 */
const FIXTURE = repoPath('tests/e2e/fixtures/offline-service');
let offline: OfflineService;
let lambda: LambdaService;

beforeAll(async () => {
  [offline] = planOfflineServices([FIXTURE], await freePortRun(2)) as [OfflineService];
  // Its log is not needed: a start that fails says why (its last lines).
  await startOffline(offline, process.env, () => {});
  lambda = new LambdaService(new Cloud(), { invoker: new HttpInvoker({ baseUrlFor: () => offline.lambdaUrl }) });
  for (const name of ['echo', 'throwsNamed', 'callsBackWithError', 'throwsString', 'returnsString', 'returnsNothing', 'hangs', 'exits', 'throwsLater']) {
    // Longer than the fixture's own 1 s, so that serverless offline's timeout answers, not the emulator's.
    lambda.registerFunction({ functionName: `offline-fixture-dev-${name}`, handler: `handlers.${name}`, servicePath: FIXTURE, timeoutSeconds: 10 });
  }
}, 60_000);

afterAll(() => stopOffline(offline));

async function invoke(name: string, event: unknown = {}): Promise<{ functionError?: string; payload: unknown }> {
  const result = await lambda.invoke(`offline-fixture-dev-${name}`, JSON.stringify(event));
  return { functionError: result.functionError, payload: JSON.parse(result.payload) };
}

describe("serverless offline's Invoke endpoint", () => {
  it("names a thrown error by the error's name, as the Node.js runtime does, so that Retry and Catch on it match", async () => {
    const { functionError, payload } = await invoke('throwsNamed');
    expect(functionError).toBe('Unhandled');
    expect(payload).toEqual({ errorType: 'ProviderUnavailable', errorMessage: 'provider down', trace: expect.any(Array) });
    expect((payload as { trace: string[] }).trace[0]).toBe('ProviderUnavailable: provider down');
  });

  it('names an error passed to the callback the same way', async () => {
    expect(await invoke('callsBackWithError')).toEqual({
      functionError: 'Unhandled',
      payload: { errorType: 'ProviderUnavailable', errorMessage: 'provider down, said through the callback', trace: expect.any(Array) },
    });
  });

  it('fails an invocation that throws a value that is not an Error, naming it by its type', async () => {
    expect(await invoke('throwsString')).toEqual({ functionError: 'Unhandled', payload: { errorType: 'string', errorMessage: 'not an Error', trace: [] } });
  });

  it('answers the result as JSON: a string quoted and escaped, nothing as null', async () => {
    expect(await invoke('echo', { id: 1 })).toEqual({ functionError: undefined, payload: { event: { id: 1 } } });
    expect(await invoke('returnsString')).toEqual({ functionError: undefined, payload: 'a "quoted" word' });
    expect(await invoke('returnsNothing')).toEqual({ functionError: undefined, payload: null });
  });

  it('reports a run past the timeout as Sandbox.Timedout, and the next invocation runs', async () => {
    const { functionError, payload } = await invoke('hangs');
    expect(functionError).toBe('Unhandled');
    expect(payload).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/) });
    expect((await invoke('hangs')).payload).toMatchObject({ errorType: 'Sandbox.Timedout' });
  });

  it('reports a handler that ends its runtime as Runtime.ExitError at once, and the next invocation gets a fresh runtime', async () => {
    const started = Date.now();
    const { functionError, payload } = await invoke('exits');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(functionError).toBe('Unhandled');
    expect(payload).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Runtime exited with error: exit status 3$/) });
    expect((await invoke('exits')).payload).toMatchObject({ errorType: 'Runtime.ExitError' });
  });

  it('fails the invocation with an exception nothing caught, and serverless offline keeps serving', async () => {
    expect(await invoke('throwsLater')).toEqual({ functionError: 'Unhandled', payload: { errorType: 'TypeError', errorMessage: 'thrown from a timer', trace: expect.any(Array) } });
    expect(await invoke('throwsLater')).toMatchObject({ payload: { errorType: 'TypeError' } });
    expect(await invoke('echo', { still: 'up' })).toEqual({ functionError: undefined, payload: { event: { still: 'up' } } });
    expect(offline.child?.exitCode).toBeNull();
  });
});
