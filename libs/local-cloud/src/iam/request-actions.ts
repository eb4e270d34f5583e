import { addressOf, splitAddressList } from '../ses/email-address';

/**
 * What each API request the endpoint serves asks IAM: the action, the resource's ARN and the request's condition keys,
 * as the Service Authorization Reference defines them for each operation
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * A request can ask several times: a batch or transaction on several tables asks once per table (each item's, for
 * TransactWriteItems), PutEvents once per entry (with its `events:source` and `events:detail-type`), and a call that
 * hands a role to a service (CreateStateMachine, CreateSchedule, PutTargets) also asks `iam:PassRole` for it.
 */

export interface RequestAction {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface Account {
  region: string;
  accountId: string;
}

type Input = Record<string, any>;
type Mapper = (input: Input, account: Account) => RequestAction[];

/** `service` is the request's SigV4 signing name; undefined when the operation has no mapping (a gap to fill). */
export function requestActions(service: string, operation: string, input: unknown, account: Account): RequestAction[] | undefined {
  const mapper = ACTION_MAPPINGS[service]?.[operation];
  return mapper?.(input && typeof input === 'object' ? (input as Input) : {}, account);
}

const arnOf = ({ region, accountId }: Account, service: string, resource: string, separator = ':') => `arn:aws:${service}:${region}:${accountId}${separator}${resource}`;
const one = (action: string, resource: string, context?: RequestAction['context']): RequestAction[] => [{ action, resource, ...(context ? { context } : {}) }];
const lastSegment = (nameOrArn: string, separator: string) => nameOrArn.slice(nameOrArn.lastIndexOf(separator) + 1);
const passRole = (roleArn: unknown, service: string): RequestAction[] =>
  typeof roleArn === 'string' && roleArn ? [{ action: 'iam:PassRole', resource: roleArn, context: { 'iam:PassedToService': service } }] : [];

// EventBridge: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
const busName = (input: Input, member = 'EventBusName') => lastSegment(String(input[member] ?? 'default'), '/');
const busArn = (account: Account, name: string) => (name.startsWith('arn:') ? name : arnOf(account, 'events', `event-bus/${name}`));
const ruleArn = (input: Input, account: Account) => {
  const bus = busName(input);
  return arnOf(account, 'events', bus === 'default' ? `rule/${input.Name ?? input.Rule}` : `rule/${bus}/${input.Name ?? input.Rule}`);
};
const onRule = (action: string): Mapper => (input, account) => one(action, ruleArn(input, account));
const onBus = (action: string, member = 'Name'): Mapper => (input, account) => one(action, busArn(account, String(input[member] ?? 'default')));
const anyResource = (action: string): Mapper => () => one(action, '*');

const events: Record<string, Mapper> = {
  CreateEventBus: onBus('events:CreateEventBus'),
  DescribeEventBus: onBus('events:DescribeEventBus'),
  DeleteEventBus: onBus('events:DeleteEventBus'),
  ListEventBuses: anyResource('events:ListEventBuses'),
  // The reference gives these no resource type: a bus policy is managed on `*`.
  PutPermission: anyResource('events:PutPermission'),
  RemovePermission: anyResource('events:RemovePermission'),
  PutRule: (input, account) => one('events:PutRule', ruleArn(input, account), input.EventPattern ? patternContext(String(input.EventPattern)) : undefined),
  DescribeRule: onRule('events:DescribeRule'),
  ListRules: anyResource('events:ListRules'),
  EnableRule: onRule('events:EnableRule'),
  DisableRule: onRule('events:DisableRule'),
  DeleteRule: onRule('events:DeleteRule'),
  PutTargets: (input, account) => [
    ...one('events:PutTargets', ruleArn(input, account), { 'events:TargetArn': (input.Targets ?? []).map((target: Input) => String(target.Arn)) }),
    ...(input.Targets ?? []).flatMap((target: Input) => passRole(target.RoleArn, 'events.amazonaws.com')),
  ],
  RemoveTargets: onRule('events:RemoveTargets'),
  ListTargetsByRule: onRule('events:ListTargetsByRule'),
  // One request per entry: each entry is authorized with its own source and detail-type (guard.ts).
  PutEvents: (input, account) =>
    (Array.isArray(input.Entries) ? input.Entries : []).map((entry: Input) => ({
      action: 'events:PutEvents',
      resource: busArn(account, String(entry.EventBusName ?? 'default')),
      context: { 'events:source': String(entry.Source ?? ''), 'events:detail-type': String(entry.DetailType ?? '') },
    })),
  TestEventPattern: anyResource('events:TestEventPattern'),
  CreateArchive: (input, account) => one('events:CreateArchive', arnOf(account, 'events', `archive/${input.ArchiveName}`)),
  DescribeArchive: (input, account) => one('events:DescribeArchive', arnOf(account, 'events', `archive/${input.ArchiveName}`)),
  DeleteArchive: (input, account) => one('events:DeleteArchive', arnOf(account, 'events', `archive/${input.ArchiveName}`)),
  ListArchives: anyResource('events:ListArchives'),
  StartReplay: (input, account) => one('events:StartReplay', arnOf(account, 'events', `replay/${input.ReplayName}`)),
  DescribeReplay: (input, account) => one('events:DescribeReplay', arnOf(account, 'events', `replay/${input.ReplayName}`)),
  CancelReplay: (input, account) => one('events:CancelReplay', arnOf(account, 'events', `replay/${input.ReplayName}`)),
  ListReplays: anyResource('events:ListReplays'),
};

/** PutRule's `events:source` and `events:detail-type` keys: the pattern's values for them. */
function patternContext(pattern: string): RequestAction['context'] {
  try {
    const parsed = JSON.parse(pattern) as Record<string, unknown>;
    const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
    return { 'events:source': strings(parsed.source), 'events:detail-type': strings(parsed['detail-type']) };
  } catch {
    return undefined;
  }
}

// SQS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html
const queueArn = (account: Account, urlOrName: unknown) => arnOf(account, 'sqs', lastSegment(String(urlOrName ?? ''), '/'));
const onQueue = (action: string): Mapper => (input, account) => one(action, queueArn(account, input.QueueUrl));
const sqs: Record<string, Mapper> = {
  CreateQueue: (input, account) => one('sqs:CreateQueue', queueArn(account, input.QueueName)),
  GetQueueUrl: (input, account) => one('sqs:GetQueueUrl', queueArn(account, input.QueueName)),
  ListQueues: anyResource('sqs:ListQueues'),
  DeleteQueue: onQueue('sqs:DeleteQueue'),
  GetQueueAttributes: onQueue('sqs:GetQueueAttributes'),
  SetQueueAttributes: onQueue('sqs:SetQueueAttributes'),
  PurgeQueue: onQueue('sqs:PurgeQueue'),
  ListDeadLetterSourceQueues: onQueue('sqs:ListDeadLetterSourceQueues'),
  TagQueue: onQueue('sqs:TagQueue'),
  UntagQueue: onQueue('sqs:UntagQueue'),
  ListQueueTags: onQueue('sqs:ListQueueTags'),
  SendMessage: onQueue('sqs:SendMessage'),
  // A batch is authorized as its single action: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
  SendMessageBatch: onQueue('sqs:SendMessage'),
  ReceiveMessage: onQueue('sqs:ReceiveMessage'),
  DeleteMessage: onQueue('sqs:DeleteMessage'),
  DeleteMessageBatch: onQueue('sqs:DeleteMessage'),
  ChangeMessageVisibility: onQueue('sqs:ChangeMessageVisibility'),
  ChangeMessageVisibilityBatch: onQueue('sqs:ChangeMessageVisibility'),
  StartMessageMoveTask: (input) => one('sqs:StartMessageMoveTask', String(input.SourceArn)),
  ListMessageMoveTasks: (input) => one('sqs:ListMessageMoveTasks', String(input.SourceArn)),
  CancelMessageMoveTask: (input) => one('sqs:CancelMessageMoveTask', moveTaskSource(input.TaskHandle)),
};

/** The emulator's task handles carry their source queue (sqs/message-move-tasks.ts). */
function moveTaskSource(handle: unknown): string {
  try {
    return String(JSON.parse(Buffer.from(String(handle), 'base64').toString('utf8')).sourceArn ?? '*');
  } catch {
    return '*';
  }
}

// Step Functions: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
const onMember = (action: string, member: string): Mapper => (input) => one(action, String(input[member] ?? '*'));
const states: Record<string, Mapper> = {
  CreateStateMachine: (input, account) => [
    ...one('states:CreateStateMachine', arnOf(account, 'states', `stateMachine:${input.name}`)),
    ...passRole(input.roleArn, 'states.amazonaws.com'),
  ],
  UpdateStateMachine: (input) => [...one('states:UpdateStateMachine', String(input.stateMachineArn)), ...passRole(input.roleArn, 'states.amazonaws.com')],
  DeleteStateMachine: onMember('states:DeleteStateMachine', 'stateMachineArn'),
  DescribeStateMachine: onMember('states:DescribeStateMachine', 'stateMachineArn'),
  DescribeStateMachineForExecution: onMember('states:DescribeStateMachineForExecution', 'executionArn'),
  ListStateMachines: anyResource('states:ListStateMachines'),
  ValidateStateMachineDefinition: anyResource('states:ValidateStateMachineDefinition'),
  StartExecution: onMember('states:StartExecution', 'stateMachineArn'),
  StartSyncExecution: onMember('states:StartSyncExecution', 'stateMachineArn'),
  DescribeExecution: onMember('states:DescribeExecution', 'executionArn'),
  ListExecutions: onMember('states:ListExecutions', 'stateMachineArn'),
  GetExecutionHistory: onMember('states:GetExecutionHistory', 'executionArn'),
  StopExecution: onMember('states:StopExecution', 'executionArn'),
  RedriveExecution: onMember('states:RedriveExecution', 'executionArn'),
  // Task tokens name no resource: https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
  SendTaskSuccess: anyResource('states:SendTaskSuccess'),
  SendTaskFailure: anyResource('states:SendTaskFailure'),
  SendTaskHeartbeat: anyResource('states:SendTaskHeartbeat'),
  TagResource: onMember('states:TagResource', 'resourceArn'),
  UntagResource: onMember('states:UntagResource', 'resourceArn'),
  ListTagsForResource: onMember('states:ListTagsForResource', 'resourceArn'),
};

// DynamoDB: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
const tableArn = (account: Account, table: unknown, index?: unknown) =>
  String(table).startsWith('arn:') ? String(table) : arnOf(account, 'dynamodb', `table/${table}${index ? `/index/${index}` : ''}`);
const onTable = (action: string): Mapper => (input, account) => one(action, tableArn(account, input.TableName));
const onTableOrIndex = (action: string): Mapper => (input, account) => one(action, tableArn(account, input.TableName, input.IndexName));
const perTable = (action: string): Mapper => (input, account) => Object.keys(input.RequestItems ?? {}).map((table) => ({ action, resource: tableArn(account, table) }));
const TRANSACT_WRITE_ACTIONS: Record<string, string> = { ConditionCheck: 'dynamodb:ConditionCheckItem', Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem' };
const dynamodb: Record<string, Mapper> = {
  CreateTable: onTable('dynamodb:CreateTable'),
  DeleteTable: onTable('dynamodb:DeleteTable'),
  DescribeTable: onTable('dynamodb:DescribeTable'),
  UpdateTable: onTable('dynamodb:UpdateTable'),
  ListTables: anyResource('dynamodb:ListTables'),
  UpdateTimeToLive: onTable('dynamodb:UpdateTimeToLive'),
  DescribeTimeToLive: onTable('dynamodb:DescribeTimeToLive'),
  GetItem: onTable('dynamodb:GetItem'),
  PutItem: onTable('dynamodb:PutItem'),
  UpdateItem: onTable('dynamodb:UpdateItem'),
  DeleteItem: onTable('dynamodb:DeleteItem'),
  Query: onTableOrIndex('dynamodb:Query'),
  Scan: onTableOrIndex('dynamodb:Scan'),
  BatchGetItem: perTable('dynamodb:BatchGetItem'),
  BatchWriteItem: perTable('dynamodb:BatchWriteItem'),
  TransactGetItems: (input, account) => (input.TransactItems ?? []).map((item: Input) => ({ action: 'dynamodb:GetItem', resource: tableArn(account, item.Get?.TableName) })),
  TransactWriteItems: (input, account) =>
    (input.TransactItems ?? []).flatMap((item: Input) =>
      Object.entries(TRANSACT_WRITE_ACTIONS)
        .filter(([member]) => item[member])
        .map(([member, action]) => ({ action, resource: tableArn(account, item[member].TableName) })),
    ),
  TagResource: onMember('dynamodb:TagResource', 'ResourceArn'),
  UntagResource: onMember('dynamodb:UntagResource', 'ResourceArn'),
  ListTagsOfResource: onMember('dynamodb:ListTagsOfResource', 'ResourceArn'),
};

// SES v2: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsimpleemailservicev2.html
const templateArn = (input: Input, account: Account) => arnOf(account, 'ses', `template/${input.TemplateName}`);
const ses: Record<string, Mapper> = {
  SendEmail: (input, account) => {
    const from = input.FromEmailAddress ? addressOf(String(input.FromEmailAddress)) : '';
    const destination = input.Destination ?? {};
    const recipients = [...(destination.ToAddresses ?? []), ...(destination.CcAddresses ?? []), ...(destination.BccAddresses ?? [])].flatMap((address: string) =>
      splitAddressList(address).map(addressOf),
    );
    return one('ses:SendEmail', arnOf(account, 'ses', `identity/${from}`), { 'ses:FromAddress': from, 'ses:Recipients': recipients });
  },
  CreateEmailTemplate: (input, account) => one('ses:CreateEmailTemplate', templateArn(input, account)),
  GetEmailTemplate: (input, account) => one('ses:GetEmailTemplate', templateArn(input, account)),
  UpdateEmailTemplate: (input, account) => one('ses:UpdateEmailTemplate', templateArn(input, account)),
  DeleteEmailTemplate: (input, account) => one('ses:DeleteEmailTemplate', templateArn(input, account)),
};

// SNS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
/** A subscription's ARN is its topic's and an id: the action is on the topic. */
const topicOfSubscription = (subscriptionArn: unknown) => String(subscriptionArn).slice(0, String(subscriptionArn).lastIndexOf(':'));
const sns: Record<string, Mapper> = {
  CreateTopic: (input, account) => one('sns:CreateTopic', arnOf(account, 'sns', String(input.Name))),
  DeleteTopic: onMember('sns:DeleteTopic', 'TopicArn'),
  ListTopics: anyResource('sns:ListTopics'),
  GetTopicAttributes: onMember('sns:GetTopicAttributes', 'TopicArn'),
  SetTopicAttributes: onMember('sns:SetTopicAttributes', 'TopicArn'),
  Subscribe: (input) => one('sns:Subscribe', String(input.TopicArn), { 'sns:Protocol': String(input.Protocol ?? ''), 'sns:Endpoint': String(input.Endpoint ?? '') }),
  Unsubscribe: (input) => one('sns:Unsubscribe', topicOfSubscription(input.SubscriptionArn)),
  ListSubscriptions: anyResource('sns:ListSubscriptions'),
  ListSubscriptionsByTopic: onMember('sns:ListSubscriptionsByTopic', 'TopicArn'),
  GetSubscriptionAttributes: (input) => one('sns:GetSubscriptionAttributes', topicOfSubscription(input.SubscriptionArn)),
  SetSubscriptionAttributes: (input) => one('sns:SetSubscriptionAttributes', topicOfSubscription(input.SubscriptionArn)),
  Publish: (input) => one('sns:Publish', String(input.TopicArn ?? input.TargetArn)),
  PublishBatch: onMember('sns:Publish', 'TopicArn'),
  ListTagsForResource: onMember('sns:ListTagsForResource', 'ResourceArn'),
};

// CloudWatch: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
const alarmArn = (account: Account, name: unknown) => arnOf(account, 'cloudwatch', `alarm:${name}`);
const onAlarm = (action: string): Mapper => (input, account) => one(action, alarmArn(account, input.AlarmName));
const onAlarms = (action: string): Mapper => (input, account) => (input.AlarmNames ?? []).map((name: string) => ({ action, resource: alarmArn(account, name) }));
const monitoring: Record<string, Mapper> = {
  PutMetricData: (input) => one('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': String(input.Namespace ?? '') }),
  GetMetricStatistics: anyResource('cloudwatch:GetMetricStatistics'),
  GetMetricData: anyResource('cloudwatch:GetMetricData'),
  ListMetrics: anyResource('cloudwatch:ListMetrics'),
  PutMetricAlarm: onAlarm('cloudwatch:PutMetricAlarm'),
  // Listing actions whose reference names a resource type ask on every resource of that type.
  DescribeAlarms: (_input, account) => one('cloudwatch:DescribeAlarms', alarmArn(account, '*')),
  DescribeAlarmsForMetric: anyResource('cloudwatch:DescribeAlarmsForMetric'),
  DescribeAlarmHistory: (input, account) => one('cloudwatch:DescribeAlarmHistory', input.AlarmName ? alarmArn(account, input.AlarmName) : '*'),
  DeleteAlarms: onAlarms('cloudwatch:DeleteAlarms'),
  SetAlarmState: onAlarm('cloudwatch:SetAlarmState'),
  EnableAlarmActions: onAlarms('cloudwatch:EnableAlarmActions'),
  DisableAlarmActions: onAlarms('cloudwatch:DisableAlarmActions'),
  ListTagsForResource: onMember('cloudwatch:ListTagsForResource', 'ResourceARN'),
};

// Lambda (the operations lambda/rest-api.ts serves): https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
const functionArn = (input: Input, account: Account) => {
  const name = String(input.FunctionName);
  const base = name.startsWith('arn:') ? name : arnOf(account, 'lambda', `function:${name}`);
  return input.Qualifier ? `${base}:${input.Qualifier}` : base;
};
const lambda: Record<string, Mapper> = {
  Invoke: (input, account) => one('lambda:InvokeFunction', functionArn(input, account)),
  GetFunctionConfiguration: (input, account) => one('lambda:GetFunctionConfiguration', functionArn(input, account)),
  ListFunctions: anyResource('lambda:ListFunctions'),
  ListEventSourceMappings: anyResource('lambda:ListEventSourceMappings'),
};

// EventBridge Scheduler: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html
const scheduleArn = (input: Input, account: Account) => arnOf(account, 'scheduler', `schedule/${input.GroupName ?? 'default'}/${input.Name}`);
const onSchedule = (action: string): Mapper => (input, account) => one(action, scheduleArn(input, account));
const scheduler: Record<string, Mapper> = {
  CreateSchedule: (input, account) => [...onSchedule('scheduler:CreateSchedule')(input, account), ...passRole(input.Target?.RoleArn, 'scheduler.amazonaws.com')],
  UpdateSchedule: (input, account) => [...onSchedule('scheduler:UpdateSchedule')(input, account), ...passRole(input.Target?.RoleArn, 'scheduler.amazonaws.com')],
  GetSchedule: onSchedule('scheduler:GetSchedule'),
  DeleteSchedule: onSchedule('scheduler:DeleteSchedule'),
  ListSchedules: anyResource('scheduler:ListSchedules'),
};

// EventBridge Schemas: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgeschemas.html
const registryArn = (input: Input, account: Account) => arnOf(account, 'schemas', `registry/${input.RegistryName}`);
const schemaArn = (input: Input, account: Account) => arnOf(account, 'schemas', `schema/${input.RegistryName}/${input.SchemaName}`);
const onRegistry = (action: string): Mapper => (input, account) => one(action, registryArn(input, account));
const onSchema = (action: string): Mapper => (input, account) => one(action, schemaArn(input, account));
const schemas: Record<string, Mapper> = {
  CreateRegistry: onRegistry('schemas:CreateRegistry'),
  DescribeRegistry: onRegistry('schemas:DescribeRegistry'),
  UpdateRegistry: onRegistry('schemas:UpdateRegistry'),
  DeleteRegistry: onRegistry('schemas:DeleteRegistry'),
  ListRegistries: (_input, account) => one('schemas:ListRegistries', arnOf(account, 'schemas', 'registry/*')),
  CreateSchema: onSchema('schemas:CreateSchema'),
  UpdateSchema: onSchema('schemas:UpdateSchema'),
  DescribeSchema: onSchema('schemas:DescribeSchema'),
  DeleteSchema: onSchema('schemas:DeleteSchema'),
  ListSchemas: (input, account) => one('schemas:ListSchemas', arnOf(account, 'schemas', `schema/${input.RegistryName}/*`)),
  ListSchemaVersions: onSchema('schemas:ListSchemaVersions'),
};

// STS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
// GetCallerIdentity needs no permission: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
const sts: Record<string, Mapper> = {
  GetCallerIdentity: () => [],
  AssumeRole: (input) => one('sts:AssumeRole', String(input.RoleArn)),
};

// Cognito user pools: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html
const onPool = (action: string): Mapper => (input, account) => one(action, arnOf(account, 'cognito-idp', `userpool/${input.UserPoolId}`));
const cognitoIdp: Record<string, Mapper> = {
  CreateUserPool: anyResource('cognito-idp:CreateUserPool'),
  ListUserPools: anyResource('cognito-idp:ListUserPools'),
  ...Object.fromEntries(
    [
      'DescribeUserPool', 'DeleteUserPool', 'CreateUserPoolClient', 'DescribeUserPoolClient', 'ListUserPoolClients', 'CreateGroup', 'ListGroups',
      'AdminCreateUser', 'AdminGetUser', 'AdminDeleteUser', 'ListUsers', 'AdminSetUserPassword', 'AdminUpdateUserAttributes', 'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup', 'AdminListGroupsForUser', 'AdminDisableUser', 'AdminEnableUser',
    ].map((operation) => [operation, onPool(`cognito-idp:${operation}`)]),
  ),
};

/** Signing name → operation → what it asks. */
export const ACTION_MAPPINGS: Record<string, Record<string, Mapper>> = { events, sqs, states, dynamodb, ses, sns, monitoring, lambda, scheduler, schemas, sts, 'cognito-idp': cognitoIdp };

/**
 * Operations a client calls without AWS credentials, unsigned: a user pool's sign-in is authorized by the user's password
 * or tokens, not by IAM ("unauthenticated API operations",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pools-API-operations.html).
 */
export const UNSIGNED_OPERATIONS: Record<string, ReadonlySet<string>> = { 'cognito-idp': new Set(['InitiateAuth', 'RespondToAuthChallenge']) };
