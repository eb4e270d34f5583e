import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { clientPerCredentials } from './client-per-credentials';
import { traced } from './tracing';

/** The process's EventBridge client (see dynamodb.ts). */
export const eventBridge = clientPerCredentials(() => traced(new EventBridgeClient({})));
