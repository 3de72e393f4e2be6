import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { tagged, type Store, type StoreWrite } from '../store/store.ts';
import { nameOf } from '../shared/thrown.ts';

/** In the grant's hash slot: deleted with the grant when the linkage ends. */
const key = (grantId: string) => `grant-last-used:${tagged(grantId)}`;

/** Deletes the linkage's last-used time, in one script with the rest of its ending. */
export const lastUsedDelete = (grantId: string): StoreWrite => ({ op: 'del', key: key(grantId) });

/**
 * When each linkage last served data, for the customer's own page. Written from the data API at
 * most once a minute per grant and process, so a data call stays one store read in the normal
 * case. Kept in a key of its own, not on the grant record: rewriting the record from a data call
 * would race with the changes that do rewrite it (key binding, an account dropping out). The key
 * lives as long as the grant can, and goes when it ends.
 */
export const createLastUsed = (deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  maxTracked?: number;
}) => {
  const interval = deps.intervalMs ?? 60_000;
  const maxTracked = deps.maxTracked ?? 10_000;
  // grant id -> when this process last wrote it; cleared when full (a few extra writes, no growth).
  const written = new Map<string, number>();

  return {
    /** A successful data call under the grant; `grantExpiresAt` in epoch seconds. Never throws. */
    async touch(grantId: string, grantExpiresAt: number | undefined): Promise<void> {
      const now = deps.clock.now();
      const last = written.get(grantId);
      if (last !== undefined && now - last < interval) return;
      if (written.size >= maxTracked) written.clear();
      written.set(grantId, now);
      const ttl = grantExpiresAt === undefined ? 90 * 86400 : Math.max(1, grantExpiresAt - Math.floor(now / 1000));
      try {
        await deps.store.set(key(grantId), String(now), ttl);
      } catch (err) {
        // The data call has been answered; a missing "last used" is not worth failing it.
        written.delete(grantId);
        deps.logger.warn('last-used time not recorded', { grantId, error: nameOf(err) });
      }
    },

    /** ms epoch per grant id, undefined where no use is recorded; one round trip. */
    async of(grantIds: string[]): Promise<(number | undefined)[]> {
      const raw = await deps.store.getMany(grantIds.map(key));
      return raw.map((v) => (v === undefined ? undefined : Number(v)));
    },
  };
};

export type LastUsed = ReturnType<typeof createLastUsed>;
