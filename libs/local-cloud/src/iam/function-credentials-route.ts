import { AwsError } from '../errors';
import type { LambdaService } from '../lambda/lambda-service';
import { jsonResponse } from '../schemas/rest-json';
import type { LocalRoute } from '../server';
import type { FunctionCredentials } from './function-credentials';

/**
 * `GET /_local/lambda/credentials?FunctionName=<name>` → the function's credentials as its runtime variables
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; `{}` for a function without a role). What Lambda
 * hands a function, for the processes that run functions elsewhere (serverless offline's offline-environment plugin).
 * Unsigned, like every /_local/ route: the emulator serves one developer's machine.
 */
export const FUNCTION_CREDENTIALS_PATH = '/_local/lambda/credentials';

export function functionCredentialsRoute(lambda: LambdaService, credentials: FunctionCredentials): LocalRoute {
  return {
    method: 'GET',
    path: FUNCTION_CREDENTIALS_PATH,
    async handle({ query }) {
      const name = query.get('FunctionName');
      if (!name) throw new AwsError('ValidationException', 'FunctionName is required: GET /_local/lambda/credentials?FunctionName=<function name>');
      return jsonResponse(200, credentials.environmentOf(lambda.getFunction(name)));
    },
  };
}
