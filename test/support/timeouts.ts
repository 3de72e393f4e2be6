// Time limits for tests and hooks. jest-light-runner (test/support/projects-runner.js) runs
// jest-circus's test, it and hooks but enforces no timeout, so a hung test would hang the run:
// here each is wrapped to fail once its time is up. A test or hook that needs longer than its
// project's default gives its own time as the last argument, as in jest.

type Fn = (...args: unknown[]) => unknown;
type TestLike = ((name: string, fn?: Fn, ms?: number) => unknown) & {
  only: (name: string, fn?: Fn, ms?: number) => unknown;
  each: (...table: unknown[]) => (name: string, fn: Fn, ms?: number) => unknown;
  skip: unknown;
  todo: unknown;
};
type Hook = (fn: Fn, ms?: number) => unknown;

let defaultMs = 30_000;

/** The time a test or hook gets when it gives none (its project's, once the set-up has run). */
export const defaultTimeout = () => defaultMs;

/** `fn` made to reject when `ms` (or the project's default) has passed before it settles. */
export const timed = <F extends Fn | undefined>(fn: F, ms?: number): F => {
  if (typeof fn !== 'function') return fn;
  const limited = function (this: unknown, ...args: unknown[]) {
    const limit = ms ?? defaultMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Exceeded timeout of ${limit} ms for a test or hook.`)), limit);
    });
    const running = Promise.resolve().then(() => fn.apply(this, args));
    return Promise.race([running, expired]).finally(() => clearTimeout(timer));
  };
  // A typed function of the same parameters: what the wrapper returns is the original's result.
  return limited as F;
};

const withTimeouts = (original: TestLike): TestLike =>
  Object.assign((name: string, fn?: Fn, ms?: number) => original(name, timed(fn, ms), ms), {
    only: (name: string, fn?: Fn, ms?: number) => original.only(name, timed(fn, ms), ms),
    each:
      (...table: unknown[]) =>
      (name: string, fn: Fn, ms?: number) =>
        original.each(...table)(name, timed(fn, ms), ms),
    skip: original.skip,
    todo: original.todo,
  });

const INSTALLED = Symbol.for('test-support.timeouts');
const globals = globalThis as unknown as Record<string | symbol, unknown>;

/** Sets the default time per test and hook of the project whose workers import this (its set-up file). */
export const useDefaultTimeout = (ms: number) => {
  defaultMs = ms;
  if (globals[INSTALLED]) return;
  globals[INSTALLED] = true;
  globals.test = withTimeouts(globals.test as TestLike);
  globals.it = withTimeouts(globals.it as TestLike);
  for (const name of ['beforeAll', 'afterAll', 'beforeEach', 'afterEach']) {
    const original = globals[name] as Hook;
    globals[name] = (fn: Fn, ms?: number) => original(timed(fn, ms), ms);
  }
};
