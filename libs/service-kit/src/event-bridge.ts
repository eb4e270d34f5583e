import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { traced } from './tracing';

/** The process's EventBridge client (see dynamodb.ts). */
let eventBridgeClient: EventBridgeClient | undefined;

export const eventBridge = () => (eventBridgeClient ??= traced(new EventBridgeClient({})));
