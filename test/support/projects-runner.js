// Jest's own runner, used by every project (see jest.config.js), so that jest hands it all the
// files of a run at once. The files of the projects whose globals say `serialProject: true` run one at a
// time in the main process while the other projects' files run in the parallel workers, instead of
// before or after them: jest runs one runner after another, so a serial runner of its own would
// add its files' whole time to the run's. Serial files still never run beside each other.
import TestRunner from 'jest-runner';

export default class ProjectsRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    // --runInBand: everything in the main process, one file after another, as jest does.
    if (options.serial) return super.runTests(tests, watcher, options);
    const isSerial = (test) => test.context.config.globals?.serialProject === true;
    const parallel = tests.filter((test) => !isSerial(test));
    const serial = tests.filter(isSerial);
    const runs = [];
    // The workers are forked now, with the environment as it is (JEST_WORKER_ID 1, 2, … of their own).
    if (parallel.length > 0) runs.push(super.runTests(parallel, watcher, { ...options, serial: false }));
    if (serial.length > 0) {
      runs.push(super.runTests(serial, watcher, { ...options, serial: true }));
      // jest's in-band run names the main process worker 1: give it a port band of its own
      // (test/support/ports.ts), past the workers' bands, so that it never races worker 1 for a port.
      process.env.JEST_WORKER_ID = String(this._globalConfig.maxWorkers + 1);
    }
    await Promise.all(runs);
  }
}
