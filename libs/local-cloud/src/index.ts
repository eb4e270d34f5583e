import './polyfills';
import { Cloud, type CloudOptions } from './cloud';
import { createCloudWatchEndpoint } from './cloudwatch/cloudwatch-endpoint';
import { createCognitoEndpoint } from './cognito/cognito-endpoint';
import type { CognitoService } from './cognito/user-pools';
import type { CloudWatchService } from './cloudwatch/cloudwatch-service';
import { createDynamoDb, type LocalDynamoDb } from './dynamodb/local-dynamodb';
import type { FaultInjector } from './faults/injector';
import { faultRoutes } from './faults/routes';
import { HttpApis } from './apigateway/http-api';
import { AccessKeys } from './iam/access-keys';
import { FunctionCredentials } from './iam/function-credentials';
import { functionCredentialsRoute } from './iam/function-credentials-route';
import { RequestGuard } from './iam/request-guard';
import { SigV4Verifier } from './iam/sigv4-verifier';
import { StsService, stsQueryHandler } from './iam/sts-service';
import { EventBridgeService } from './eventbridge/service';
import { LocalSchedules } from './scheduler/local-schedules';
import { createSchedulerRestService } from './scheduler/scheduler-rest';
import type { SchedulerService } from './scheduler/scheduler-service';
import { StepFunctionsService } from './stepfunctions';
import { InProcessInvoker } from './lambda/in-process-invoker';
import type { LambdaInvoker } from './lambda/invoker';
import { LambdaService } from './lambda/lambda-service';
import { lambdaRestHandler } from './lambda/rest-api';
import { createSchemasRestService } from './schemas/schemas-rest';
import type { SchemasService } from './schemas/schemas-service';
import { LocalCloudServer } from './server';
import { createSesRestService } from './ses/ses-rest';
import type { SesService } from './ses/ses-service';
import { createSnsEndpoint } from './sns/sns-endpoint';
import type { SnsService } from './sns/sns-service';
import { sqsQueryHandler } from './sqs/query-protocol';
import { SqsService } from './sqs/sqs-service';
import { usageRoutes } from './usage/routes';
import type { UsageMeter } from './usage/usage-meter';
import type { PolicyAuthorizer } from './iam/authorize';

export { Cloud, type CloudOptions } from './cloud';
export { AwsError } from './errors';
export { FaultInjector, type FaultSnapshot } from './faults/injector';
export { FaultPlanError, parseFaultPlan, type FaultPlanInput } from './faults/plan';
export { LocalCloudServer } from './server';
export { assertPortFree, listenOn, type PortAdvice } from './listen';
export { SqsService } from './sqs/sqs-service';
export { AccessKeys, type TemporaryCredentials } from './iam/access-keys';
export { FUNCTION_CREDENTIALS_PATH } from './iam/function-credentials-route';
export { UsageMeter, type Usage } from './usage/usage-meter';
export { PolicyAuthorizer, type AuthorizationRequest, type Authorizer, type Caller, type Decision } from './iam/authorize';
export { PolicyStore } from './iam/policy-store';
export { iamEnabledBy } from './iam/switch';
export { LambdaService } from './lambda/lambda-service';
export { InProcessInvoker } from './lambda/in-process-invoker';
export { HttpInvoker, type HttpInvokerOptions } from './lambda/http-invoker';
export type { LambdaInvoker, InvocationRequest } from './lambda/invoker';
export type { FunctionRegistration, LambdaFunction } from './lambda/function-config';
export type { EventSourceMappingOptions, SqsEventSourceMapping } from './lambda/sqs-event-source';
export type { SentEmail, SentEmailFilter } from './ses/ses-service';
export { CloudWatchService } from './cloudwatch/cloudwatch-service';
export { CognitoService } from './cognito/user-pools';
export { EMF_PATH } from './cloudwatch/cloudwatch-endpoint';
export { looksLikeEmf } from './cloudwatch/emf';
export type { MetricAlarm } from './cloudwatch/alarms';
export { SnsService, type SentSnsEmail, type SnsEmailFilter } from './sns/sns-service';
export { EventBridgeService } from './eventbridge/service';
export { SchedulerService } from './scheduler/scheduler-service';
export { LocalSchedules, type FireRequest, type Fired } from './scheduler/local-schedules';
export type { ScheduleMode } from './scheduler/schedule-clock';
export { StepFunctionsService, type ExecutionGraph } from './stepfunctions';
export { HttpApis, type HttpRequest, type HttpResponse } from './apigateway/http-api';
export { loadSystem, readPackagedService, type LoadedStack, type PackagedService } from './cloudformation/loader';
export { packageIfStale, templatePath } from './cloudformation/packaging';

export interface LocalCloudOptions extends CloudOptions {
  /** Default 4566; 0 picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Runs Lambda code; default InProcessInvoker (an HttpInvoker runs it in serverless-offline). */
  invoker?: LambdaInvoker;
  /** Directory where DynamoDB (dynalite) keeps its tables; in memory when absent. */
  dynamodbPath?: string;
}

export interface LocalCloud {
  /** The endpoint, e.g. `http://localhost:4566` (what AWS_ENDPOINT_URL should be). */
  url: string;
  port: number;
  cloud: Cloud;
  server: LocalCloudServer;
  sqs: SqsService;
  lambda: LambdaService;
  events: EventBridgeService;
  /** EventBridge Scheduler (CreateSchedule, GetSchedule, ListSchedules...). */
  scheduler: SchedulerService;
  /** Schedule rules and Scheduler schedules: `schedules.list()`, `schedules.fire({ name })` (also `/_local/schedules`). */
  schedules: LocalSchedules;
  states: StepFunctionsService;
  /** HTTP APIs loaded from templates; `http.listen(port)` serves them on one base URL. */
  http: HttpApis;
  schemas: SchemasService;
  /** SES v2 capture: `ses.listSentEmails(filter?)`. */
  ses: SesService;
  /** CloudWatch: the metrics kept (AWS's own, PutMetricData, EMF), alarms evaluated on a timer scaled by timeScale. */
  cloudwatch: CloudWatchService;
  /** SNS: topics, subscriptions, deliveries; `sns.listEmails(filter?)` for what e-mail subscriptions got. */
  sns: SnsService;
  /** Cognito user pools: the admin API, USER_PASSWORD_AUTH sign-in, the issuers' JWKS (the JWT authorizers' keys). */
  cognito: CognitoService;
  dynamodb: LocalDynamoDb;
  /** The access keys the endpoint accepts; `keys.issue(roleArn, sessionName)` makes a role session's. */
  keys: AccessKeys;
  /** Each function's credentials, a session of its execution role. */
  functionCredentials: FunctionCredentials;
  /** The fault plan in force: `faults.set(plan)`, `faults.snapshot()` (also `GET`/`PUT /_local/faults`). */
  faults: FaultInjector;
  /** What AWS would bill, counted per resource: `usage.snapshot()`, `usage.reset()` (also `GET /_local/usage`, `POST /_local/usage/reset`). */
  usage: UsageMeter;
  /** IAM: `iam.authorize(request)`, `iam.enabled`, and `iam.policies`, the policy model (give it to loadSystem as `iam`). */
  iam: PolicyAuthorizer;
  stop(): Promise<void>;
}

export const DEFAULT_PORT = 4566;

/** Starts the emulator's endpoint with every service registered on it. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const cloud = new Cloud(options);
  const keys = new AccessKeys();
  const guard = new RequestGuard(new SigV4Verifier(keys), keys, cloud.iam, cloud);
  const server = new LocalCloudServer({ admit: (request, serve) => guard.admit(request, serve) });
  for (const route of faultRoutes(cloud)) server.registerLocalRoute(route);
  for (const route of usageRoutes(cloud)) server.registerLocalRoute(route);
  const host = options.host ?? '127.0.0.1';
  const { port } = await server.listen(options.port ?? DEFAULT_PORT, host);
  const url = `http://${publicHostname(host)}:${port}`;

  const sqs = new SqsService(cloud, { baseUrl: url });
  cloud.sqs = sqs;
  const sqsDispatch = guard.guarded('sqs', (operation, input) => sqs.dispatch(operation, input));
  server.registerJsonService({ targetPrefix: 'AmazonSQS', signingName: 'sqs', contentType: 'application/x-amz-json-1.0', dispatch: sqsDispatch });
  server.registerRestService({ signingName: 'sqs', handle: sqsQueryHandler(sqsDispatch) });

  const functionCredentials = new FunctionCredentials(keys);
  const lambda = new LambdaService(cloud, {
    invoker: options.invoker ?? new InProcessInvoker(),
    environment: functionEnvironment(url, cloud),
    sqs: (operation, input) => sqs.dispatch(operation, input),
    credentials: (fn) => functionCredentials.environmentOf(fn),
  });
  cloud.lambda = lambda;
  server.registerRestService({ signingName: 'lambda', handle: lambdaRestHandler(lambda, guard.authorizerFor('lambda')) });
  server.registerLocalRoute(functionCredentialsRoute(lambda, functionCredentials));

  const sts = new StsService({ accountId: cloud.accountId, keys, roles: { has: (roleArn) => cloud.iam.policies.hasRole(roleArn) }, caller: () => guard.caller('sts') });
  server.registerRestService({ signingName: 'sts', handle: stsQueryHandler(guard.guarded('sts', (operation, input) => sts.dispatch(operation, input))) });

  const events = new EventBridgeService(cloud);
  cloud.events = events;
  server.registerJsonService({ targetPrefix: 'AWSEvents', signingName: 'events', contentType: 'application/x-amz-json-1.1', dispatch: guard.guarded('events', (op, input) => events.dispatch(op, input)) });

  // Scheduler's targets are delivered by EventBridge's delivery code, so events.drain() waits for them too.
  const scheduler = createSchedulerRestService(cloud, events.targetDeliveries, guard.authorizerFor('scheduler'));
  server.registerRestService(scheduler);
  const schedules = new LocalSchedules(events, scheduler.service);
  for (const route of schedules.routes()) server.registerLocalRoute(route);

  const states = new StepFunctionsService(cloud);
  cloud.states = states;
  server.registerJsonService({ targetPrefix: 'AWSStepFunctions', signingName: 'states', contentType: 'application/x-amz-json-1.0', dispatch: guard.guarded('states', (op, input) => states.dispatch(op, input)) });

  const http = new HttpApis(cloud, lambda);

  const schemas = createSchemasRestService(cloud, guard.authorizerFor('schemas'));
  server.registerRestService(schemas);

  const ses = createSesRestService(cloud, guard.authorizerFor('ses'));
  server.registerRestService(ses);
  for (const route of ses.localRoutes) server.registerLocalRoute(route);

  const sns = createSnsEndpoint(cloud, url, guard.authorizerFor('sns'));
  cloud.sns = sns.service;
  server.registerRestService(sns.rest);
  for (const route of sns.localRoutes) server.registerLocalRoute(route);

  const cloudwatch = createCloudWatchEndpoint(cloud, { queueGauges: () => sqs.queueGauges() }, guard.authorizerFor('monitoring'));
  cloud.cloudwatch = cloudwatch.service;
  server.registerJsonService(cloudwatch.json);
  server.registerRestService(cloudwatch.rest);
  for (const route of cloudwatch.localRoutes) server.registerLocalRoute(route);

  const cognito = createCognitoEndpoint(cloud, url);
  cloud.identityProviders = cognito.service;
  server.registerJsonService({ ...cognito.json, dispatch: guard.guarded('cognito-idp', cognito.json.dispatch) });
  for (const route of cognito.pathRoutes) server.registerPathRoute(route);

  const dynamodb = await createDynamoDb(cloud, { path: options.dynamodbPath, authorize: guard.authorizerFor('dynamodb') });
  server.registerRawService(dynamodb);
  // Step Functions' DynamoDB tasks reach it through the endpoint too, so they meet the same faults as the SDK's calls.
  cloud.dynamodbEndpoint = url;

  return {
    url,
    port,
    cloud,
    server,
    sqs,
    lambda,
    events,
    scheduler: scheduler.service,
    schedules,
    states,
    http,
    schemas: schemas.service,
    ses: ses.service,
    cloudwatch: cloudwatch.service,
    sns: sns.service,
    cognito: cognito.service,
    dynamodb,
    keys,
    functionCredentials,
    faults: cloud.faults,
    usage: cloud.usage,
    iam: cloud.iam,
    async stop() {
      cloudwatch.service.stop();
      scheduler.service.stop();
      events.stop();
      states.close();
      await http.close();
      await lambda.stop();
      sqs.stop();
      await server.close();
      await dynamodb.close();
    },
  };
}

/** Queue URLs and AWS_ENDPOINT_URL name the endpoint the way clients reach it: `localhost` for a loopback or wildcard bind. */
function publicHostname(host: string): string {
  return ['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(host) ? 'localhost' : host;
}

/**
 * In-process functions call the emulator. A function with a role gets its session's keys over these; one without
 * (a test's fixture) acts as the administrator (iam/access-keys.ts), never with the host's own credentials.
 */
function functionEnvironment(url: string, cloud: Cloud): Record<string, string> {
  return { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: cloud.region };
}
