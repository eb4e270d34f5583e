/** A Lambda function as the loader registers it, and as the emulator keeps it (defaults applied). */

export interface FunctionRegistration {
  /** The deployed name, e.g. `orders-dev-placeOrder`. */
  functionName: string;
  /** Defaults to `arn:aws:lambda:<region>:<account>:function:<functionName>`. */
  arn?: string;
  /** `<module path>.<export>`, relative to servicePath, e.g. `src/handlers/place-order.handler`. */
  handler: string;
  /** The service's folder (where `serverless.yml` is). */
  servicePath: string;
  environment?: Record<string, string>;
  /** Lambda's default is 3 seconds. */
  timeoutSeconds?: number;
  memorySizeMb?: number;
  /** ReservedConcurrentExecutions: at most this many invocations run at once, the excess is throttled. None: no limit of its own. */
  reservedConcurrentExecutions?: number;
  /** Asynchronous invocation: retries after a function error, 0 to 2 (default 2). */
  maximumRetryAttempts?: number;
  /** Asynchronous invocation: how long an event may wait or be retried, 60 to 21600 seconds (default 21600). */
  maximumEventAgeInSeconds?: number;
  /** Asynchronous invocation: where an invocation record goes after the last failure (SQS queue, Lambda function or EventBridge bus ARN). */
  onFailureDestinationArn?: string;
  /** Asynchronous invocation: where an invocation record goes after a success. */
  onSuccessDestinationArn?: string;
  /** The function's dead-letter queue (DeadLetterConfig.TargetArn, an SQS queue): gets the failed event itself. */
  deadLetterTargetArn?: string;
  /** The execution role (Role): what the function's own calls, its event source mappings and its destinations may do. */
  roleArn?: string;
}

export interface LambdaFunction extends FunctionRegistration {
  arn: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySizeMb: number;
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

// https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html and API_CreateFunction.html
export const FUNCTION_DEFAULTS = {
  timeoutSeconds: 3,
  memorySizeMb: 128,
  maximumRetryAttempts: 2,
  maximumEventAgeInSeconds: 21_600,
};

/** The function name in any identifier Invoke accepts: name, `name:qualifier`, full or partial ARN. */
export function functionNameOf(identifier: string): { name: string; qualifier?: string } {
  const parts = identifier.split(':');
  const at = parts.indexOf('function');
  const [name = '', qualifier] = at >= 0 ? parts.slice(at + 1) : parts;
  return { name, qualifier };
}
