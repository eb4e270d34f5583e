/** One jest run for the whole monorepo; TypeScript is stripped by swc (type-checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  // Integration tests run whole flows on a shared 2-core machine; their own waits bound them more tightly than this.
  testTimeout: 60_000,
  // In one process every test file leaves some memory behind (1.4 GB resident by the 120th file), and the suites that
  // ran last ran slower than alone (the chaos suite: over 170 s in CI, 85 s alone). A worker whose heap is past this after a
  // file is replaced by a fresh one (https://jestjs.io/docs/configuration#workeridlememorylimit-numberstring).
  workerIdleMemoryLimit: '512MB',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/scripts', '<rootDir>/schemas', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.serverless/', '/.esbuild/', '/.esbuild-package/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  globalSetup: "<rootDir>/tests/global-setup.ts",
  setupFiles: ['<rootDir>/libs/local-cloud/src/polyfills.ts', '<rootDir>/tests/setup-env.ts'],
};
