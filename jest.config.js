// Jest runs the TypeScript sources as native ESM (oidc-provider 9 and jose 6 are ESM-only);
// @swc/jest strips the types, node resolves the explicit .ts import specifiers.
//
// Projects: `faults` (test/faults/) freezes, kills and restarts Redis and signals server processes;
// its files run one at a time (npm test runs in band) and assert against the configured request
// deadline plus a stated margin. `npm test -- --selectProjects faults` runs only them.
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
  setupFiles: ['<rootDir>/test/support/realm-fix.js'],
};

export default {
  // A global option: jest ignores it inside a project.
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  projects: [
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/faults/'],
    },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
};
