/** One jest run for the whole monorepo; TypeScript is stripped by swc (type-checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  // Integration tests run whole flows on a shared 2-core machine; their own waits bound them more tightly than this.
  testTimeout: 60_000,
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/scripts', '<rootDir>/schemas', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.serverless/', '/.esbuild/', '/.esbuild-package/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  globalSetup: "<rootDir>/tests/global-setup.ts",
  setupFiles: ['<rootDir>/libs/local-cloud/src/polyfills.ts', '<rootDir>/tests/setup-env.ts'],
};
