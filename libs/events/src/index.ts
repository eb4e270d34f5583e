export * from './catalog';
export * from './consumer';
export * from './envelope';
export * from './idempotency';
export * from './money';
export * from './publisher';
export * from './validation';
export * from './versions';
