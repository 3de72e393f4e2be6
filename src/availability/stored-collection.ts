import type { Store } from '../store/store.ts';

// The index outlives every member; members whose record is gone are dropped on the next read.
const INDEX_TTL_SECONDS = 10 * 365 * 86400;

/**
 * Records kept in the store by id: one key per record and a set indexing them, so that two
 * instances changing different records at once never overwrite each other, and a record with an
 * end disappears by itself (its key's TTL).
 */
export interface StoredCollection<T> {
  /** Creates or replaces. */
  put(id: string, record: T, ttlSeconds?: number): Promise<void>;
  /** Creates only; false when the id is taken. */
  create(id: string, record: T, ttlSeconds: number): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /**
   * Every stored record, in no particular order; two round trips. Unknown JSON: another instance
   * (another version) may have written it, so the caller checks each one before use.
   */
  readAll(): Promise<unknown[]>;
}

export const createStoredCollection = <T>(store: Store, name: string): StoredCollection<T> => {
  const index = `${name}:index`;
  const key = (id: string) => `${name}:${id}`;
  return {
    async put(id, record, ttlSeconds) {
      // The record first: an index member must never point at a record not yet written.
      await store.set(key(id), JSON.stringify(record), ttlSeconds);
      await store.addToSet(index, [id], INDEX_TTL_SECONDS);
    },
    async create(id, record, ttlSeconds) {
      if (!(await store.setIfAbsent(key(id), JSON.stringify(record), ttlSeconds))) return false;
      await store.addToSet(index, [id], INDEX_TTL_SECONDS);
      return true;
    },
    async remove(id) {
      const removed = (await store.del([key(id)])) > 0;
      await store.removeFromSet(index, [id]);
      return removed;
    },
    async readAll() {
      const ids = await store.setMembers(index);
      const raw = await store.getMany(ids.map(key));
      const gone = ids.filter((_, i) => raw[i] === undefined);
      if (gone.length > 0) await store.removeFromSet(index, gone);
      return raw.filter((r): r is string => r !== undefined).map((r): unknown => JSON.parse(r));
    },
  };
};
