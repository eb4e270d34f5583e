export * from './aws-clients';
export * from './saga-starter';
export * from './sweep';
