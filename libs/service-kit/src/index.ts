export * from './config';
export * from './dynamodb';
export * from './event-bridge';
export * from './business-metrics';
export * from './saga-starter';
export * from './step-functions';
export * from './sweep';
export * from './tracing';
