import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One Powertools Tracer per process, made at first use (it reads POWERTOOLS_SERVICE_NAME then). It traces only inside
 * Lambda (AWS_EXECUTION_ENV is set) with active tracing on (serverless.common.yml): under `npm start` and in the tests
 * it is disabled and hands clients back untouched.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/tracer/
 */
let tracer: Tracer | undefined;
export const processTracer = (): Tracer => (tracer ??= new Tracer());

/** An AWS SDK v3 client whose calls are X-Ray subsegments of the invocation's trace. */
export const traced = <Client>(client: Client): Client => processTracer().captureAWSv3Client(client);
