import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateGroupCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { PutMetricAlarmCommand, type CloudWatchClient, type Dimension } from '@aws-sdk/client-cloudwatch';
import { CreateArchiveCommand, CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, type Target } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateRegistryCommand, CreateSchemaCommand, SchemasClient } from '@aws-sdk/client-schemas';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SetTopicAttributesCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { HttpApis } from '../apigateway/http-api';
import type { FilterCriteria } from '../lambda/filter-criteria';
import type { FunctionRegistration } from '../lambda/function-config';
import { eventBusPolicy, inlinePolicy, lambdaPermission, managedPolicy, role } from '../iam/provisioners';
import type { PolicyStore } from '../iam/policy-store';
import { TemplateError } from './intrinsics';

export interface EventSourceMappingRequest {
  functionName: string;
  queueArn: string;
  batchSize?: number;
  maximumBatchingWindowInSeconds?: number;
  functionResponseTypes?: string[];
  filterCriteria?: FilterCriteria;
  enabled?: boolean;
}

/** Where the loader registers Lambda functions: their code lives in service folders, not in deployment packages. */
export interface FunctionHost {
  registerFunction(registration: FunctionRegistration): unknown;
  createEventSourceMapping(mapping: EventSourceMappingRequest): unknown;
}

export interface Clients {
  events: EventBridgeClient;
  sqs: SQSClient;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
  schemas: SchemasClient;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
  scheduler: SchedulerClient;
  cognito: CognitoIdentityProviderClient;
}

export interface ProvisionContext {
  logicalId: string;
  stackName: string;
  region: string;
  accountId: string;
  servicePath: string;
  clients: Clients;
  functions: FunctionHost;
  /** Functions registered so far, by name (EventInvokeConfig amends them). */
  registrations: Map<string, FunctionRegistration>;
  /** The service's functions as serverless-state.json lists them: deployed name → source handler. */
  sourceHandlers: Map<string, string>;
  /** Extra environment for every function (e.g. AWS_ENDPOINT_URL). */
  functionEnvironment: Record<string, string>;
  /** Where HTTP API routes go; without it they have no local effect. */
  httpApis?: HttpApis;
  /** Where roles, their policies and Lambda permissions go (the policy model IAM decides with); without it they have no local effect. */
  iam?: PolicyStore;
}

/** What a created resource answers to Ref and Fn::GetAtt. */
export interface Provisioned {
  ref: unknown;
  attributes: Record<string, unknown>;
}

type Props = Record<string, any>;
export type Provisioner = (props: Props, ctx: ProvisionContext) => Promise<Provisioned>;

const arn = (ctx: ProvisionContext, service: string, resource: string) => `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${resource}`;
/** CloudFormation's generated physical names are `<stack>-<logicalId>-<random>`; locally the suffix is dropped. */
const physicalName = (ctx: ProvisionContext, max = 80) => `${ctx.stackName}-${ctx.logicalId}`.slice(0, max);
const stringify = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const eventBus: Provisioner = async (props, ctx) => {
  const name = props.Name as string;
  const created = await ctx.clients.events.send(new CreateEventBusCommand({ Name: name }));
  return { ref: name, attributes: { Arn: created.EventBusArn, Name: name } };
};

const rule: Provisioner = async (props, ctx) => {
  const name = (props.Name as string | undefined) ?? physicalName(ctx, 64);
  const busName = props.EventBusName as string | undefined;
  const created = await ctx.clients.events.send(
    new PutRuleCommand({
      Name: name,
      EventBusName: busName,
      EventPattern: props.EventPattern === undefined ? undefined : stringify(props.EventPattern),
      ScheduleExpression: props.ScheduleExpression,
      State: props.State ?? 'ENABLED',
      Description: props.Description,
    }),
  );
  const targets = (props.Targets ?? []) as Props[];
  if (targets.length > 0) {
    const result = await ctx.clients.events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: busName,
        Targets: targets.map(
          (t): Target => ({
            Id: t.Id,
            Arn: t.Arn,
            RoleArn: t.RoleArn,
            Input: t.Input === undefined ? undefined : stringify(t.Input),
            InputPath: t.InputPath,
            InputTransformer: t.InputTransformer,
            RetryPolicy: t.RetryPolicy,
            DeadLetterConfig: t.DeadLetterConfig,
            SqsParameters: t.SqsParameters,
          }),
        ),
      }),
    );
    if (result.FailedEntryCount) {
      throw new TemplateError(`targets of rule ${name}: ${result.FailedEntries?.map((f) => `${f.TargetId}: ${f.ErrorMessage}`).join('; ')}`);
    }
  }
  // Ref of a rule on a custom bus is `bus|rule` (AWS::Events::Rule return values).
  const ref = busName && busName !== 'default' && !busName.startsWith('arn:') ? `${busName}|${name}` : name;
  return { ref, attributes: { Arn: created.RuleArn } };
};

const archive: Provisioner = async (props, ctx) => {
  const name = (props.ArchiveName as string | undefined) ?? physicalName(ctx, 48);
  const created = await ctx.clients.events.send(
    new CreateArchiveCommand({
      ArchiveName: name,
      EventSourceArn: props.SourceArn,
      EventPattern: props.EventPattern === undefined ? undefined : stringify(props.EventPattern),
      RetentionDays: props.RetentionDays,
      Description: props.Description,
    }),
  );
  return { ref: name, attributes: { Arn: created.ArchiveArn, ArchiveName: name } };
};

/**
 * AWS::Scheduler::Schedule (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-scheduler-schedule.html):
 * Ref is the name, GetAtt Arn the ARN. Dates are ISO strings in the template and epoch seconds on the wire.
 */
const schedulerSchedule: Provisioner = async (props, ctx) => {
  const name = (props.Name as string | undefined) ?? physicalName(ctx, 64);
  const date = (value: unknown) => (value === undefined ? undefined : new Date(String(value)));
  const target = props.Target as Props;
  const created = await ctx.clients.scheduler.send(
    new CreateScheduleCommand({
      Name: name,
      GroupName: props.GroupName,
      ScheduleExpression: props.ScheduleExpression,
      ScheduleExpressionTimezone: props.ScheduleExpressionTimezone,
      StartDate: date(props.StartDate),
      EndDate: date(props.EndDate),
      Description: props.Description,
      State: props.State,
      FlexibleTimeWindow: props.FlexibleTimeWindow,
      Target: { ...target, Input: target?.Input === undefined ? undefined : stringify(target.Input) } as never,
    }),
  );
  return { ref: name, attributes: { Arn: created.ScheduleArn } };
};

const QUEUE_ATTRIBUTES = [
  'DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout',
  'RedrivePolicy', 'RedriveAllowPolicy', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit',
];

const queue: Provisioner = async (props, ctx) => {
  const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
  const name = (props.QueueName as string | undefined) ?? `${physicalName(ctx, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
  const attributes: Record<string, string> = {};
  for (const key of QUEUE_ATTRIBUTES) if (props[key] !== undefined) attributes[key] = stringify(props[key]);
  const created = await ctx.clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const details = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }));
  return { ref: created.QueueUrl, attributes: { Arn: details.Attributes?.QueueArn, QueueName: name, QueueUrl: created.QueueUrl } };
};

const queuePolicy: Provisioner = async (props, ctx) => {
  for (const url of props.Queues as string[]) {
    await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: stringify(props.PolicyDocument) } }));
  }
  return { ref: physicalName(ctx), attributes: {} };
};

const table: Provisioner = async (props, ctx) => {
  const name = (props.TableName as string | undefined) ?? physicalName(ctx, 255);
  const input: CreateTableCommandInput = {
    TableName: name,
    AttributeDefinitions: props.AttributeDefinitions,
    KeySchema: props.KeySchema,
    BillingMode: props.BillingMode,
    ProvisionedThroughput: props.ProvisionedThroughput ?? (props.BillingMode === 'PAY_PER_REQUEST' ? undefined : { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }),
    GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
  };
  try {
    await ctx.clients.dynamodb.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await assertKeptTableFits(name, props, ctx);
  }
  // CreateTable answers CREATING; CloudFormation completes the resource only once the table is ACTIVE, and a write
  // before that is refused (ResourceNotFoundException), as it was here for a table kept on disk.
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
  await waitUntilTableExists({ client: ctx.clients.dynamodb, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 }, { TableName: name });
  // A new table's TTL is disabled; CloudFormation enables it when the template says so
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-table-timetolivespecification.html).
  const ttl = props.TimeToLiveSpecification as Props | undefined;
  if (ttl && (ttl.Enabled === true || ttl.Enabled === 'true')) {
    const { TimeToLiveDescription } = await ctx.clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }));
    if (TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED' || TimeToLiveDescription.AttributeName !== ttl.AttributeName) {
      await ctx.clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
    }
  }
  const tableArn = arn(ctx, 'dynamodb', `table/${name}`);
  return { ref: name, attributes: { Arn: tableArn, StreamArn: `${tableArn}/stream/local` } };
};

/**
 * A table that exists already was kept from an earlier run (a DynamoDB path keeps tables across restarts): the stack
 * goes on with it, items included, as long as its keys are still the template's.
 */
async function assertKeptTableFits(name: string, props: Props, ctx: ProvisionContext): Promise<void> {
  const { Table } = await ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
  const keys = (schema: Props[] | undefined) => JSON.stringify((schema ?? []).map((k) => [k.AttributeName, k.KeyType]));
  if (keys(Table?.KeySchema) !== keys(props.KeySchema)) {
    throw new TemplateError(`table ${name} exists with key schema ${keys(Table?.KeySchema)}, the template declares ${keys(props.KeySchema)}: delete the kept table (or its DynamoDB path)`);
  }
}

const stateMachine: Provisioner = async (props, ctx) => {
  const name = (props.StateMachineName as string | undefined) ?? physicalName(ctx);
  let definition = props.DefinitionString !== undefined ? stringify(props.DefinitionString) : JSON.stringify(props.Definition);
  for (const [key, value] of Object.entries((props.DefinitionSubstitutions ?? {}) as Record<string, unknown>)) {
    definition = definition.split(`\${${key}}`).join(String(value));
  }
  const created = await ctx.clients.sfn.send(
    new CreateStateMachineCommand({ name, definition, roleArn: props.RoleArn ?? arn(ctx, 'iam', 'role/local'), type: props.StateMachineType ?? 'STANDARD' }),
  );
  return { ref: created.stateMachineArn, attributes: { Arn: created.stateMachineArn, Name: name } };
};

const registry: Provisioner = async (props, ctx) => {
  const name = (props.RegistryName as string | undefined) ?? physicalName(ctx, 64);
  const created = await ctx.clients.schemas.send(new CreateRegistryCommand({ RegistryName: name, Description: props.Description }));
  return { ref: created.RegistryArn, attributes: { RegistryArn: created.RegistryArn, RegistryName: name } };
};

const schema: Provisioner = async (props, ctx) => {
  const created = await ctx.clients.schemas.send(
    new CreateSchemaCommand({ RegistryName: props.RegistryName, SchemaName: props.SchemaName, Type: props.Type, Content: props.Content, Description: props.Description }),
  );
  return { ref: created.SchemaArn, attributes: { SchemaArn: created.SchemaArn, SchemaName: props.SchemaName, SchemaVersion: created.SchemaVersion } };
};

const lambdaFunction: Provisioner = async (props, ctx) => {
  const functionName = (props.FunctionName as string | undefined) ?? physicalName(ctx, 64);
  const handler = ctx.sourceHandlers.get(functionName) ?? (props.Handler as string);
  const registration: FunctionRegistration = {
    functionName,
    handler,
    servicePath: ctx.servicePath,
    environment: { ...((props.Environment?.Variables ?? {}) as Record<string, string>), ...ctx.functionEnvironment },
    timeoutSeconds: props.Timeout,
    memorySizeMb: props.MemorySize,
    reservedConcurrentExecutions: props.ReservedConcurrentExecutions,
    deadLetterTargetArn: props.DeadLetterConfig?.TargetArn,
    roleArn: props.Role,
  };
  ctx.registrations.set(functionName, registration);
  ctx.functions.registerFunction(registration);
  const functionArn = arn(ctx, 'lambda', `function:${functionName}`);
  return { ref: functionName, attributes: { Arn: functionArn } };
};

/** AWS::Lambda::EventInvokeConfig: asynchronous retries and destinations of a function registered earlier. */
const eventInvokeConfig: Provisioner = async (props, ctx) => {
  const name = String(props.FunctionName).split(':function:').pop()!.split(':')[0]!;
  const registration = ctx.registrations.get(name);
  if (!registration) throw new TemplateError(`EventInvokeConfig ${ctx.logicalId} names function ${name}, which this stack does not define`);
  const updated: FunctionRegistration = {
    ...registration,
    maximumRetryAttempts: props.MaximumRetryAttempts ?? registration.maximumRetryAttempts,
    maximumEventAgeInSeconds: props.MaximumEventAgeInSeconds ?? registration.maximumEventAgeInSeconds,
    onFailureDestinationArn: props.DestinationConfig?.OnFailure?.Destination ?? registration.onFailureDestinationArn,
    onSuccessDestinationArn: props.DestinationConfig?.OnSuccess?.Destination ?? registration.onSuccessDestinationArn,
  };
  ctx.registrations.set(name, updated);
  ctx.functions.registerFunction(updated);
  return { ref: `${name}|${props.Qualifier ?? '$LATEST'}`, attributes: {} };
};

const eventSourceMapping: Provisioner = async (props, ctx) => {
  const source = String(props.EventSourceArn);
  if (!source.startsWith('arn:aws:sqs:')) throw new TemplateError(`event source mapping ${ctx.logicalId}: only SQS sources are emulated, not ${source}`);
  await ctx.functions.createEventSourceMapping({
    functionName: String(props.FunctionName).split(':function:').pop()!.split(':')[0]!,
    queueArn: source,
    batchSize: props.BatchSize,
    maximumBatchingWindowInSeconds: props.MaximumBatchingWindowInSeconds,
    functionResponseTypes: props.FunctionResponseTypes,
    filterCriteria: props.FilterCriteria,
    enabled: props.Enabled,
  });
  return { ref: `${ctx.stackName}-${ctx.logicalId}`, attributes: {} };
};

/** AWS::SNS::Topic: Ref is the topic ARN; inline Subscription entries are subscribed too. */
const topic: Provisioner = async (props, ctx) => {
  const fifo = props.FifoTopic === true || props.FifoTopic === 'true';
  const name = (props.TopicName as string | undefined) ?? `${physicalName(ctx, fifo ? 251 : 256)}${fifo ? '.fifo' : ''}`;
  const attributes: Record<string, string> = {};
  for (const key of ['DisplayName', 'KmsMasterKeyId', 'SignatureVersion', 'TracingConfig', 'ContentBasedDeduplication', 'FifoThroughputScope']) {
    if (props[key] !== undefined) attributes[key] = String(props[key]);
  }
  if (props.ArchivePolicy !== undefined) attributes.ArchivePolicy = stringify(props.ArchivePolicy);
  if (fifo) attributes.FifoTopic = 'true';
  const { TopicArn } = await ctx.clients.sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes, Tags: props.Tags }));
  for (const subscription of (props.Subscription ?? []) as Props[]) {
    await ctx.clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: subscription.Protocol, Endpoint: subscription.Endpoint }));
  }
  return { ref: TopicArn, attributes: { TopicArn, TopicName: name } };
};

/** AWS::SNS::Subscription: Ref is the subscription ARN (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-subscription.html). */
const subscription: Provisioner = async (props, ctx) => {
  const attributes: Record<string, string> = {};
  for (const key of ['RawMessageDelivery', 'FilterPolicyScope', 'SubscriptionRoleArn']) if (props[key] !== undefined) attributes[key] = String(props[key]);
  for (const key of ['FilterPolicy', 'RedrivePolicy', 'DeliveryPolicy', 'ReplayPolicy']) if (props[key] !== undefined) attributes[key] = stringify(props[key]);
  const { SubscriptionArn } = await ctx.clients.sns.send(
    new SubscribeCommand({ TopicArn: props.TopicArn, Protocol: props.Protocol, Endpoint: props.Endpoint, Attributes: attributes, ReturnSubscriptionArn: true }),
  );
  return { ref: SubscriptionArn, attributes: { Arn: SubscriptionArn } };
};

const topicPolicy: Provisioner = async (props, ctx) => {
  for (const topicArn of props.Topics as string[]) {
    await ctx.clients.sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: stringify(props.PolicyDocument) }));
  }
  return { ref: physicalName(ctx), attributes: {} };
};

const numberOrUndefined = (value: unknown) => (value === undefined ? undefined : Number(value));

/** AWS::CloudWatch::Alarm: Ref is the alarm name, GetAtt Arn its ARN (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html). */
const alarm: Provisioner = async (props, ctx) => {
  const name = (props.AlarmName as string | undefined) ?? physicalName(ctx, 255);
  await ctx.clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      AlarmDescription: props.AlarmDescription,
      ActionsEnabled: props.ActionsEnabled === undefined ? undefined : props.ActionsEnabled === true || props.ActionsEnabled === 'true',
      AlarmActions: props.AlarmActions,
      OKActions: props.OKActions,
      InsufficientDataActions: props.InsufficientDataActions,
      Namespace: props.Namespace,
      MetricName: props.MetricName,
      Dimensions: props.Dimensions as Dimension[] | undefined,
      Statistic: props.Statistic,
      ExtendedStatistic: props.ExtendedStatistic,
      Metrics: props.Metrics,
      ThresholdMetricId: props.ThresholdMetricId,
      Period: numberOrUndefined(props.Period),
      Unit: props.Unit,
      EvaluationPeriods: numberOrUndefined(props.EvaluationPeriods),
      DatapointsToAlarm: numberOrUndefined(props.DatapointsToAlarm),
      Threshold: numberOrUndefined(props.Threshold),
      ComparisonOperator: props.ComparisonOperator,
      TreatMissingData: props.TreatMissingData,
      EvaluateLowSampleCountPercentile: props.EvaluateLowSampleCountPercentile,
      Tags: props.Tags,
    }),
  );
  return { ref: name, attributes: { Arn: arn(ctx, 'cloudwatch', `alarm:${name}`) } };
};

/** AWS::Logs::LogGroup: logs go to the console locally; Ref and GetAtt Arn answer what Step Functions' logging configuration needs. */
const logGroup: Provisioner = async (props, ctx) => {
  const name = (props.LogGroupName as string | undefined) ?? physicalName(ctx, 512);
  return { ref: name, attributes: { Arn: arn(ctx, 'logs', `log-group:${name}:*`) } };
};

/**
 * AWS::Cognito::UserPool: Ref is the pool id; GetAtt Arn, ProviderName and ProviderURL (the issuer of its tokens)
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpool.html).
 */
const userPool: Provisioner = async (props, ctx) => {
  const { UserPoolName, ...rest } = props;
  const { UserPool } = await ctx.clients.cognito.send(new CreateUserPoolCommand({ ...rest, PoolName: (UserPoolName as string | undefined) ?? physicalName(ctx, 128) }));
  const id = UserPool!.Id!;
  const providerName = `cognito-idp.${ctx.region}.amazonaws.com/${id}`;
  return { ref: id, attributes: { Arn: UserPool!.Arn, UserPoolId: id, ProviderName: providerName, ProviderURL: `https://${providerName}` } };
};

/** AWS::Cognito::UserPoolClient: Ref is the client id (GetAtt ClientId, Name). */
const userPoolClient: Provisioner = async (props, ctx) => {
  const { UserPoolClient } = await ctx.clients.cognito.send(new CreateUserPoolClientCommand({ ...props, ClientName: (props.ClientName as string | undefined) ?? physicalName(ctx, 128) } as never));
  return { ref: UserPoolClient!.ClientId, attributes: { ClientId: UserPoolClient!.ClientId, Name: UserPoolClient!.ClientName } };
};

/** AWS::Cognito::UserPoolGroup: Ref is the group name. */
const userPoolGroup: Provisioner = async (props, ctx) => {
  const name = (props.GroupName as string | undefined) ?? physicalName(ctx, 128);
  await ctx.clients.cognito.send(new CreateGroupCommand({ ...props, GroupName: name } as never));
  return { ref: name, attributes: {} };
};

const httpApi: Provisioner = async (props, ctx) => {
  if (!ctx.httpApis) return noLocalEffect(props, ctx);
  const apiId = ctx.httpApis.createApi(String(props.Name ?? physicalName(ctx)));
  return { ref: apiId, attributes: { ApiId: apiId, ApiEndpoint: `https://${apiId}.execute-api.${ctx.region}.amazonaws.com` } };
};

const httpIntegration: Provisioner = async (props, ctx) => {
  if (!ctx.httpApis) return noLocalEffect(props, ctx);
  if (props.IntegrationType !== 'AWS_PROXY') throw new TemplateError(`integration type ${props.IntegrationType} is not emulated locally (only AWS_PROXY to Lambda)`);
  const id = ctx.httpApis.createIntegration(props.ApiId, { functionArn: props.IntegrationUri, payloadFormatVersion: props.PayloadFormatVersion, timeoutMs: props.TimeoutInMillis });
  return { ref: id, attributes: {} };
};

const httpRoute: Provisioner = async (props, ctx) => {
  if (!ctx.httpApis) return noLocalEffect(props, ctx);
  ctx.httpApis.createRoute(props.ApiId, props.RouteKey, props.Target, { authorizationType: props.AuthorizationType, authorizerId: props.AuthorizerId, authorizationScopes: props.AuthorizationScopes });
  return { ref: `${props.ApiId}/${props.RouteKey}`, attributes: {} };
};

/** AWS::ApiGatewayV2::Authorizer: a JWT authorizer validates its routes' tokens locally (Ref is its id). */
const httpAuthorizer: Provisioner = async (props, ctx) => {
  if (!ctx.httpApis) return noLocalEffect(props, ctx);
  const id = ctx.httpApis.createAuthorizer(props.ApiId, {
    name: String(props.Name),
    authorizerType: props.AuthorizerType,
    identitySource: props.IdentitySource,
    issuer: props.JwtConfiguration?.Issuer,
    audience: props.JwtConfiguration?.Audience,
  });
  return { ref: id, attributes: { AuthorizerId: id } };
};

/** AWS::ApiGatewayV2::Stage: its route throttling acts locally (429 past a route's burst and rate). */
const httpStage: Provisioner = async (props, ctx) => {
  if (!ctx.httpApis) return noLocalEffect(props, ctx);
  ctx.httpApis.createStage(props.ApiId, String(props.StageName), { defaultRouteSettings: props.DefaultRouteSettings, routeSettings: props.RouteSettings });
  return { ref: String(props.StageName), attributes: {} };
};

/** Resource types with no local behaviour: REST APIs (v1) are not emulated (services use HTTP APIs). They still answer Ref / Fn::GetAtt. */
const noLocalEffect: Provisioner = async (props, ctx) => {
  const name = (props.FunctionName ?? props.Name ?? physicalName(ctx)) as string;
  return { ref: name, attributes: { Arn: arn(ctx, 'iam', `role/${name}`), RoleId: name, Name: name } };
};

export const PROVISIONERS: Record<string, Provisioner> = {
  'AWS::Events::EventBus': eventBus,
  'AWS::Events::Rule': rule,
  'AWS::Events::Archive': archive,
  'AWS::Scheduler::Schedule': schedulerSchedule,
  'AWS::SQS::Queue': queue,
  'AWS::SQS::QueuePolicy': queuePolicy,
  'AWS::DynamoDB::Table': table,
  'AWS::StepFunctions::StateMachine': stateMachine,
  'AWS::EventSchemas::Registry': registry,
  'AWS::EventSchemas::Schema': schema,
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::EventInvokeConfig': eventInvokeConfig,
  'AWS::Lambda::EventSourceMapping': eventSourceMapping,
  'AWS::ApiGatewayV2::Api': httpApi,
  'AWS::ApiGatewayV2::Integration': httpIntegration,
  'AWS::ApiGatewayV2::Route': httpRoute,
  'AWS::ApiGatewayV2::Stage': httpStage,
  'AWS::ApiGatewayV2::Authorizer': httpAuthorizer,
  'AWS::Cognito::UserPool': userPool,
  'AWS::Cognito::UserPoolClient': userPoolClient,
  'AWS::Cognito::UserPoolGroup': userPoolGroup,
  'AWS::SNS::Topic': topic,
  'AWS::SNS::Subscription': subscription,
  'AWS::SNS::TopicPolicy': topicPolicy,
  'AWS::CloudWatch::Alarm': alarm,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::IAM::Role': role,
  'AWS::IAM::Policy': inlinePolicy,
  'AWS::IAM::ManagedPolicy': managedPolicy,
  'AWS::Lambda::Permission': lambdaPermission,
  'AWS::Events::EventBusPolicy': eventBusPolicy,
};

export const NO_LOCAL_EFFECT = new Set([
  'AWS::Lambda::Version', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy',
  'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Deployment',
]);

export function provisionerFor(type: string): Provisioner | undefined {
  return PROVISIONERS[type] ?? (NO_LOCAL_EFFECT.has(type) ? noLocalEffect : undefined);
}
