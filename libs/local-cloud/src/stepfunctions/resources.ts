/**
 * The Task `Resource`s the emulation runs: Lambda function ARNs and the optimised integrations
 * `arn:aws:states:::<service>:<action>[.waitForTaskToken]` for the services the emulator hosts.
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
 */

export type TaskAction =
  | 'lambda:function'
  | 'lambda:invoke'
  | 'events:putEvents'
  | 'sqs:sendMessage'
  | 'states:startExecution'
  | 'dynamodb:getItem'
  | 'dynamodb:putItem'
  | 'dynamodb:updateItem'
  | 'dynamodb:deleteItem';

export interface TaskResource {
  arn: string;
  action: TaskAction;
  /** `.waitForTaskToken`: the state waits for SendTaskSuccess / SendTaskFailure with its token. */
  callback: boolean;
  /** As the execution history names it: `resourceType` "lambda", `resource` "invoke" or "invoke.waitForTaskToken". */
  resourceType: string;
  resource: string;
}

// The DynamoDB optimised integration has only the request-response pattern.
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
const CALLBACK_ACTIONS = new Set<TaskAction>(['lambda:invoke', 'events:putEvents', 'sqs:sendMessage']);
const INTEGRATION_ACTIONS = new Set<string>([
  'lambda:invoke',
  'events:putEvents',
  'sqs:sendMessage',
  // Request Response only: `.sync` and `.waitForTaskToken` of states:startExecution are not emulated.
  'states:startExecution',
  'dynamodb:getItem',
  'dynamodb:putItem',
  'dynamodb:updateItem',
  'dynamodb:deleteItem',
]);

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
const INTEGRATION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]*:(\d{12})?:([a-z0-9-]+):([A-Za-z0-9]+)(\.[A-Za-z0-9:]+)?$/;

export const SUPPORTED_RESOURCES =
  'Lambda function ARNs, arn:aws:states:::lambda:invoke, events:putEvents and sqs:sendMessage (each also with .waitForTaskToken), ' +
  'states:startExecution, and dynamodb:getItem|putItem|updateItem|deleteItem';

/** The resource, or undefined when the emulation cannot run it. */
export function parseTaskResource(arn: unknown): TaskResource | undefined {
  if (typeof arn !== 'string') return undefined;
  if (LAMBDA_FUNCTION_ARN.test(arn)) return { arn, action: 'lambda:function', callback: false, resourceType: 'lambda', resource: arn };
  const match = INTEGRATION_ARN.exec(arn);
  if (!match) return undefined;
  const [, , service, apiAction, pattern] = match;
  const action = `${service}:${apiAction}`;
  if (!INTEGRATION_ACTIONS.has(action)) return undefined;
  const callback = pattern === '.waitForTaskToken';
  if (pattern !== undefined && !(callback && CALLBACK_ACTIONS.has(action as TaskAction))) return undefined;
  return { arn, action: action as TaskAction, callback, resourceType: service!, resource: `${apiAction}${pattern ?? ''}` };
}
