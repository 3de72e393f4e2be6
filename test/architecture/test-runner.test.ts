import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/demo.ts';

/**
 * The suite's own runner (test/support/projects-runner.js) under --runInBand: files of two projects
 * in jest's main process, each project with its own set-up and time limits, and jest ends with 0.
 * (The light runner alone kept the first project's set-up for the second and then crashed jest.)
 */
test('--runInBand runs files of two projects in the main process and exits 0', () => {
  const run = spawnSync(
    process.execPath,
    [
      '--no-warnings=ExperimentalWarning',
      join(ROOT, 'node_modules/jest/bin/jest.js'),
      '--runInBand',
      '--selectProjects',
      'unit',
      'integration',
      '--',
      'test/architecture/test-timeouts.test.ts',
      'test/identity-check/admission.test.ts',
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, JEST_WORKER_ID: undefined } },
  );
  // jest's output ends with the crash, if any: kept in the failure's message.
  expect({ status: run.status, end: run.status === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ status: 0, end: '' });
  expect(run.stderr).toMatch(/PASS unit test\/architecture\/test-timeouts\.test\.ts/);
  expect(run.stderr).toMatch(/PASS integration test\/identity-check\/admission\.test\.ts/);
  expect(run.stderr).toMatch(/Tests: +\d+ passed, \d+ total/);
}, 60_000);
