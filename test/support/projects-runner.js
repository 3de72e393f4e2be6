// Jest's own runner, used by every project (see jest.config.js), so that jest hands it all the
// files of a run at once. The files of the projects whose globals say `serialProject: true` run one at a
// time in the main process, once the other projects' files have run in the parallel workers.
import TestRunner from 'jest-runner';

export default class ProjectsRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    // --runInBand: everything in the main process, one file after another, as jest does.
    if (options.serial) return super.runTests(tests, watcher, options);
    const isSerial = (test) => test.context.config.globals?.serialProject === true;
    const parallel = tests.filter((test) => !isSerial(test));
    const serial = tests.filter(isSerial);
    // The serial files run after the parallel ones, on a machine that has nothing else to do: they
    // assert answers within the request deadline, and beside two busy workers on two cores a
    // recovery step sometimes missed it (redis-outage's consent answered 503 in CI).
    if (parallel.length > 0) await super.runTests(parallel, watcher, { ...options, serial: false });
    if (serial.length === 0) return;
    // jest's in-band run names the main process worker 1: a port band of its own (test/support/ports.ts).
    process.env.JEST_WORKER_ID = String(this._globalConfig.maxWorkers + 1);
    await super.runTests(serial, watcher, { ...options, serial: true });
  }
}
