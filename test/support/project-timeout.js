// Each jest project's default time per test and hook (its `globals.testTimeoutMs` in
// jest.config.js): jest itself only has one for the whole run. A test that needs longer gives its
// own timeout as the last argument of `test`.
import { jest } from '@jest/globals';

jest.setTimeout(globalThis.testTimeoutMs);
