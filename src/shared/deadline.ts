import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Each request has a deadline (settings.server.requestDeadlineMs) by which it answers, whatever
 * its dependencies do. The deadline travels with the request's async context, so that the store
 * and the audit trail bound every wait by the time the request has left, without each caller
 * passing it down. Real time (not the service clock, which tests move): it bounds real waiting.
 */
export interface Deadlines {
  /** Runs `task` with a deadline `ms` from now; nested runs keep the earlier deadline. */
  run<T>(ms: number, task: () => Promise<T>): Promise<T>;
  /** Milliseconds left before the current deadline; undefined outside any (background work). */
  remainingMs(): number | undefined;
  /**
   * The promise, or `onTimeout()`'s error once the current deadline (or `capMs`, whichever is
   * sooner) passes. The promise goes on; its late rejection is swallowed.
   */
  within<T>(promise: Promise<T>, onTimeout: () => Error, capMs?: number): Promise<T>;
  /** Runs `task` outside any deadline (work done for many requests at once). */
  detached<T>(task: () => T): T;
}

/** The promise, or `onTimeout()`'s error after `wait` ms (at once when it is not positive). */
const raceTimeout = <T>(promise: Promise<T>, onTimeout: () => Error, wait: number | undefined): Promise<T> => {
  if (wait === undefined) return promise;
  // The promise goes on after a timeout: its late rejection has no one left to tell.
  promise.catch(() => undefined);
  if (wait <= 0) return Promise.reject(onTimeout());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), wait);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

export const createDeadlines = (now: () => number = () => performance.now()): Deadlines => {
  const storage = new AsyncLocalStorage<number>();

  const remainingMs = () => {
    const at = storage.getStore();
    return at === undefined ? undefined : at - now();
  };

  return {
    run(ms, task) {
      const current = storage.getStore();
      const at = now() + ms;
      return storage.run(current === undefined ? at : Math.min(current, at), task);
    },
    remainingMs,
    detached: (task) => storage.exit(task),
    within(promise, onTimeout, capMs) {
      const left = remainingMs();
      const wait = left === undefined ? capMs : capMs === undefined ? left : Math.min(left, capMs);
      return raceTimeout(promise, onTimeout, wait);
    },
  };
};

/** No request deadlines (tools and tests that build parts on their own): waits are bounded elsewhere. */
export const noDeadlines: Deadlines = {
  run: (_ms, task) => task(),
  remainingMs: () => undefined,
  detached: (task) => task(),
  within: (promise, onTimeout, capMs) => raceTimeout(promise, onTimeout, capMs),
};
