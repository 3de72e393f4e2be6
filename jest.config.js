// Jest runs the test files in worker processes of jest-light-runner (test/support/projects-runner.js):
// native ESM imports (oidc-provider 9 and jose 6 are ESM-only) of the TypeScript files, whose types
// Node itself strips, as `npm start` runs them. There is no transform and no vm sandbox: test files
// of one worker share the modules it has loaded. The test functions are jest-circus's (`test`,
// `describe`, hooks, `expect`, `jest.fn`/`spyOn`) as globals; import/require mocks are not available.
//
// The suite is split into projects that run side by side in jest's worker processes:
//   unit         no server, no Redis, no PostgreSQL, no browser (child processes are fine)
//   integration  the server in process, the private Redis and PostgreSQL of the global setup
//   browser      headless Chromium against a server (the slowest: left out of `npm run test:fast`)
// A new test file is an integration test unless it is listed under unit or browser below.
// Tests may run at the same time as any other file, so each file takes its own Redis key prefix
// (REDIS_KEY_PREFIX / keyPrefix with a random part) and its ports from test/support/ports.ts.
//
// A project whose files must not run beside each other (they stop or stall processes, say) says
// `serialProject: true` in its globals: test/support/projects-runner.js runs its files one after another in
// jest's main process, once the parallel workers have run the other projects' files.
// `npm test -- --selectProjects NAME` runs one project; `npm test -- test/path/file.test.ts` one file.

// `faults` (test/faults/) freezes, kills and restarts Redis and signals server processes, each file
// its own private redis-server and server on ports of its own: its files run one at a time, after
// the parallel workers, and assert against the configured request deadline plus a stated margin.
// deploy/production-gateway runs with them: it asserts the production deadline (2 s) against a
// slowed and a stopped gateway, the same kind of margin. `npm test -- --selectProjects faults` runs them alone.

/**
 * What every project shares, and its own set-up (test/support/projects/NAME.js): the default time
 * per test and per hook, and whether its workers lower their CPU priority.
 */
const project = (name) => ({
  displayName: name,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/child-compile-cache.js'],
  setupFilesAfterEnv: [`<rootDir>/test/support/projects/${name}.js`],
  // One runner for every project: jest then gives it every file of the run at once.
  runner: '<rootDir>/test/support/projects-runner.js',
});

const unit = [
  'admin/demo-staff',
  'admin/console-labels',
  'admin/console-format',
  'audit/audit-trail',
  'audit/settings',
  'availability/availability',
  'calendar/*',
  'config/partner-legal',
  'core-banking/balances',
  'core-banking/data-file',
  'core-banking/eligibility',
  'core-banking/login-failures',
  'core-banking/pin-verification',
  'core-banking/time-deposits',
  'core-banking/transactions',
  'deploy/*',
  'my-page/demo-outbox',
  'ops/prometheus-text',
  'shared/*',
  'architecture/*',
].map((name) => `<rootDir>/test/${name}.test.ts`);

const browser = ['browser/*', 'admin/console-browser'].map((name) => `<rootDir>/test/${name}.test.ts`);

const productionGateway = '<rootDir>/test/deploy/production-gateway.test.ts';
const faults = ['<rootDir>/test/faults/**/*.test.ts', productionGateway];

// Files that belong to a project other than integration.
const ownProjects = [...unit, ...browser];

export default {
  // Two cores: jest's default (cores − 1) would be a single worker. The tests wait on servers,
  // Redis and Chromium much of the time, so two workers keep both cores busy.
  maxWorkers: 2,
  // Long files first, also on a clean checkout without jest's cache of last times.
  testSequencer: '<rootDir>/test/support/sequencer.js',
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  projects: [
    {
      ...project('unit'),
      testMatch: unit,
      testPathIgnorePatterns: [toPathPattern(productionGateway)],
    },
    {
      ...project('integration'),
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [...ownProjects.map(toPathPattern), '<rootDir>/test/faults/'],
    },
    { ...project('browser'), testMatch: browser },
    { ...project('faults'), globals: { serialProject: true }, testMatch: faults },
  ],
};

/** A testMatch glob above as a regular expression for testPathIgnorePatterns. */
function toPathPattern(glob) {
  return glob.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*');
}
