export * from './aws-clients';
export * from './business-metrics';
export * from './json-body';
export * from './saga-starter';
export * from './sweep';
export * from './tracing';
