// The runner of every project (see jest.config.js): jest-light-runner, which runs each test file
// in a worker process by a native import(). Node strips the types itself, and a worker keeps the
// modules it has loaded, so the sources, oidc-provider and the other libraries load once per worker
// rather than once per test file as in jest's vm sandbox (which also evaluated them again for each
// file): on the 2-core machine the unit and integration files summed to 253 worker-seconds this
// way against 409 in the sandbox. The cost: test files of one worker share modules and globals, so
// a file must not change either for the files after it (CONTRIBUTING.md, "Tests").
//
// The files of the projects whose globals say `serialProject: true` run one at a time in jest's
// main process, once the other projects' files have run in the parallel workers: they stop and
// stall processes and assert answers within the request deadline, and beside two busy workers on
// two cores a recovery step sometimes missed it (redis-outage's consent answered 503 in CI).
import { createRunner } from 'jest-light-runner';

const LightRunner = createRunner({ runtime: 'child_process' });

export default class ProjectsRunner {
  #globalConfig;
  #context;

  constructor(globalConfig, context) {
    this.#globalConfig = globalConfig;
    this.#context = context;
  }

  async runTests(tests, watcher, onStart, onResult, onFailure) {
    const isSerial = (test) => test.context.config.globals?.serialProject === true;
    const parallel = tests.filter((test) => !isSerial(test));
    const serial = tests.filter(isSerial);
    const run = (files, globalConfig) =>
      new LightRunner(globalConfig, this.#context).runTests(files, watcher, onStart, onResult, onFailure);
    // In jest's main process (maxWorkers 1: the serial files, or everything under --runInBand) the
    // light runner keeps one project's set-up per process until its run ends: one run per project.
    const inMainProcess = async (files) => {
      for (const projectFiles of byProject(files)) await run(projectFiles, { ...this.#globalConfig, maxWorkers: 1 });
    };
    if (parallel.length > 0) {
      if (this.#globalConfig.maxWorkers === 1) await inMainProcess(parallel);
      else await run(parallel, this.#globalConfig);
    }
    if (serial.length > 0) await inMainProcess(serial);
  }
}

/** The files grouped by their project, each group in the order given. */
function byProject(tests) {
  const groups = new Map();
  for (const test of tests) {
    const group = groups.get(test.context.config) ?? [];
    group.push(test);
    groups.set(test.context.config, group);
  }
  return [...groups.values()];
}
