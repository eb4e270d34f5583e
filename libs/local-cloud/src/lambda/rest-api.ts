import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors';
import type { RestRequest, RestResponse } from '../protocol';
import type { LambdaFunction } from './function-config';
import type { LambdaService } from './lambda-service';
import { allowAll, type Authorize } from '../iam/request-guard';

/**
 * The Lambda REST API the emulator serves (signing name `lambda`): Invoke, plus ListFunctions, GetFunctionConfiguration
 * and ListEventSourceMappings to see what was loaded (serverless offline reads each function's resolved environment
 * with GetFunctionConfiguration). https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export function lambdaRestHandler(lambda: LambdaService, authorize: Authorize = allowAll): (request: RestRequest) => Promise<RestResponse> {
  return async (request) => {
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/.exec(request.path);
    if (request.method === 'POST' && invoke) {
      authorize('Invoke', { FunctionName: decodeURIComponent(invoke[1]!), Qualifier: request.query.get('Qualifier') ?? undefined });
      return invokeFunction(lambda, decodeURIComponent(invoke[1]!), request);
    }
    const configuration = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/.exec(request.path);
    if (request.method === 'GET' && configuration) {
      const qualifier = request.query.get('Qualifier');
      const identifier = decodeURIComponent(configuration[1]!);
      authorize('GetFunctionConfiguration', { FunctionName: identifier, Qualifier: qualifier ?? undefined });
      return json(200, functionConfiguration(lambda.getFunction(qualifier ? `${identifier}:${qualifier}` : identifier)));
    }
    if (request.method === 'GET' && /^\/2015-03-31\/functions\/?$/.test(request.path)) {
      authorize('ListFunctions', {});
      return json(200, { Functions: lambda.listFunctions().map(functionConfiguration) });
    }
    if (request.method === 'GET' && /^\/2015-03-31\/event-source-mappings\/?$/.test(request.path)) {
      authorize('ListEventSourceMappings', {});
      return json(200, {
        EventSourceMappings: lambda.listEventSourceMappings().map((mapping) => ({
          UUID: mapping.uuid,
          EventSourceArn: mapping.queueArn,
          FunctionArn: lambda.getFunction(mapping.functionName).arn,
          BatchSize: mapping.batchSize,
          MaximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
          FunctionResponseTypes: mapping.functionResponseTypes,
          State: mapping.state,
        })),
      });
    }
    throw new AwsError('UnknownOperationException', `The local Lambda does not serve ${request.method} ${request.path}`, 404);
  };
}

async function invokeFunction(lambda: LambdaService, identifier: string, request: RestRequest): Promise<RestResponse> {
  const qualifier = request.query.get('Qualifier');
  const functionId = qualifier ? `${identifier}:${qualifier}` : identifier;
  const invocationType = headerValue(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  const payload = request.body.toString('utf8');
  const requestId = randomUUID();
  switch (invocationType) {
    case 'RequestResponse': {
      const result = await lambda.invoke(functionId, payload, { requestId });
      return {
        status: 200,
        headers: {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amz-executed-version': '$LATEST',
          ...(result.functionError ? { 'x-amz-function-error': result.functionError } : {}),
        },
        body: result.payload,
      };
    }
    case 'Event':
      await lambda.invokeAsync(functionId, payload, { requestId });
      return { status: 202, headers: { 'x-amzn-requestid': requestId } };
    case 'DryRun':
      lambda.getFunction(functionId);
      return { status: 204, headers: { 'x-amzn-requestid': requestId } };
    default:
      throw new AwsError('InvalidParameterValueException', `Unsupported invocation type ${invocationType}`);
  }
}

function functionConfiguration(fn: LambdaFunction) {
  return {
    FunctionName: fn.functionName,
    FunctionArn: fn.arn,
    Runtime: 'nodejs22.x',
    Handler: fn.handler,
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memorySizeMb,
    Version: '$LATEST',
    Environment: { Variables: fn.environment },
    ...(fn.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: fn.deadLetterTargetArn } } : {}),
  };
}

function headerValue(request: RestRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const json = (status: number, body: unknown): RestResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
