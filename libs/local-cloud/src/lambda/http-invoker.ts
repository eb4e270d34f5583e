import type { LambdaInvokeResult } from '../cloud';
import type { LambdaFunction } from './function-config';
import type { InvocationRequest, LambdaInvoker } from './invoker';

export interface HttpInvokerOptions {
  /** serverless-offline's `lambdaPort` (its default is 3002). */
  lambdaPort?: number;
  host?: string;
  /** For several serverless-offline processes (one per service): the base URL that serves this function. */
  baseUrlFor?: (fn: LambdaFunction) => string;
}

const SERVERLESS_OFFLINE_LAMBDA_PORT = 3002;

/**
 * Runs functions in serverless-offline through its Lambda Invoke endpoint
 * (`POST /2015-03-31/functions/<name>/invocations`), so the code runs exactly as `sls offline` runs it.
 * Its `X-Amz-Function-Error` header marks a function error, as Lambda's own Invoke API does.
 */
export class HttpInvoker implements LambdaInvoker {
  constructor(private readonly options: HttpInvokerOptions = {}) {}

  async invoke({ fn, payload }: InvocationRequest): Promise<LambdaInvokeResult> {
    const base = this.options.baseUrlFor?.(fn) ?? `http://${this.options.host ?? 'localhost'}:${this.options.lambdaPort ?? SERVERLESS_OFFLINE_LAMBDA_PORT}`;
    const url = `${base}/2015-03-31/functions/${encodeURIComponent(fn.functionName)}/invocations`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body: payload,
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`serverless-offline at ${url} answered ${response.status}: ${body}`);
    const functionError = response.headers.get('x-amz-function-error');
    if (!functionError) return { payload: body };
    return { payload: body, functionError: functionError === 'Handled' ? 'Handled' : 'Unhandled' };
  }
}
