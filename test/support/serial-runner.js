// Jest's own runner, marked serial: the files of a project that uses it run one at a time in the
// main process (see jest.config.js), while the other projects' files still run in parallel workers.
import TestRunner from 'jest-runner';

export default class SerialRunner extends TestRunner {
  isSerial = true;
}
