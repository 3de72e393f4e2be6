import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

/**
 * Failures counted over a sliding window, across instances: two fixed buckets in the store (this
 * window's and the last one's), the last one weighted by how much of it still lies inside the
 * window. One read to check, one increment to count; both keys of a subject share a hash tag, so
 * the read is one round trip on a Redis Cluster too.
 */
export const createFailureWindow = (deps: { store: Store; clock: Clock }, name: string, windowSeconds: number) => {
  const windowMs = windowSeconds * 1000;
  const key = (subject: string, index: number) =>
    `throttle:identity-check:${name}:{${encodeURIComponent(subject)}}:${index}`;
  return {
    /** Failures of `subject` within the last window (an estimate: the older bucket is prorated). */
    async count(subject: string): Promise<number> {
      const now = deps.clock.now();
      const index = Math.floor(now / windowMs);
      const [current, previous] = await deps.store.getMany([key(subject, index), key(subject, index - 1)]);
      const overlap = 1 - (now - index * windowMs) / windowMs;
      return Number(current ?? 0) + Number(previous ?? 0) * overlap;
    },
    async record(subject: string): Promise<void> {
      const index = Math.floor(deps.clock.now() / windowMs);
      await deps.store.incr(key(subject, index), windowSeconds * 2);
    },
    /** Seconds until the current bucket closes: when a refused client may sensibly try again. */
    retryAfterSeconds(): number {
      const now = deps.clock.now();
      return Math.max(1, Math.ceil(((Math.floor(now / windowMs) + 1) * windowMs - now) / 1000));
    },
  };
};
