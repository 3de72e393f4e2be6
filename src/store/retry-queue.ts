import type { Store } from './store.ts';

/** A member of the pending set: the item's due time and lane travel with its id. */
export interface DueEntry {
  id: string;
  /** Items of one lane (a partner, a channel) are sent one after the other. */
  lane: string;
  dueAt: number;
  member: string;
}

export interface RetryQueueKeys {
  /** The set of "{dueAt}:{lane}:{id}" members. */
  pending: string;
  item: (id: string) => string;
  lock: (id: string) => string;
}

/**
 * A store-backed queue of items to send with retries, on plain keys and one set so that it works
 * alike on every store: each item is a key, and the pending set holds "{dueAt}:{lane}:{id}"
 * members — a sorted set in all but name: finding what is due reads that one set and no item
 * that is not due. The item's own `nextAttemptAt` is the truth: a member whose time differs from
 * it is stale (left by a crash between two writes) and is dropped when met. Everything expires
 * `retentionSeconds` after its last write, so nothing outlives the retry schedule. Neither lanes
 * nor ids may contain a colon.
 */
export const createRetryQueue = <T extends { nextAttemptAt: number }>(deps: {
  store: Store;
  retentionSeconds: number;
  keys: RetryQueueKeys;
  idOf: (item: T) => string;
  laneOf: (item: T) => string;
  /** Whether a value read back from an item's key is an item: checked, not assumed. */
  isItem: (value: unknown) => value is T;
}) => {
  const { store, retentionSeconds, keys } = deps;
  const memberOf = (item: T) => `${item.nextAttemptAt}:${deps.laneOf(item)}:${deps.idOf(item)}`;
  const parseMember = (member: string): DueEntry | undefined => {
    const [at, lane, id, ...rest] = member.split(':');
    const dueAt = Number(at);
    return lane && id && rest.length === 0 && Number.isFinite(dueAt) ? { id, lane, dueAt, member } : undefined;
  };
  const write = (id: string, item: T) => store.set(keys.item(id), JSON.stringify(item), retentionSeconds);

  return {
    /** Two writes: the item, then its entry in the pending set. */
    async enqueue(item: T): Promise<void> {
      await write(deps.idOf(item), item);
      await store.addToSet(keys.pending, [memberOf(item)], retentionSeconds);
    },

    /** Entries due at `now`, earliest first. */
    async due(now: number): Promise<DueEntry[]> {
      const entries = (await store.setMembers(keys.pending))
        .map(parseMember)
        .filter((e): e is DueEntry => e !== undefined && e.dueAt <= now);
      return entries.sort((a, b) => a.dueAt - b.dueAt);
    },

    /** The item, or undefined when its key is gone or holds something else (then it is never sent). */
    async read(id: string): Promise<T | undefined> {
      const raw = await store.get(keys.item(id));
      if (raw === undefined) return undefined;
      const item: unknown = JSON.parse(raw);
      return deps.isItem(item) ? item : undefined;
    },

    /** Only one sender at a time, across instances; the lock outlives a send by a margin, then frees itself. */
    claim: (id: string, seconds: number) => store.setIfAbsent(keys.lock(id), '1', seconds),
    release: async (id: string) => {
      await store.del([keys.lock(id)]);
    },

    /**
     * Moves an item to a later time. The new member goes in before the item changes and the old
     * one goes last, so a crash in between never leaves the item without a current member.
     */
    async reschedule(entry: DueEntry, item: T): Promise<void> {
      await store.addToSet(keys.pending, [memberOf(item)], retentionSeconds);
      await write(entry.id, item);
      await store.removeFromSet(keys.pending, [entry.member]);
    },

    /** Done with an item (sent, refused or given up): the key first, then its member. */
    async remove(entry: DueEntry): Promise<void> {
      await store.del([keys.item(entry.id)]);
      await store.removeFromSet(keys.pending, [entry.member]);
    },

    /** A member that no longer matches its item. */
    dropMember: (entry: DueEntry) => store.removeFromSet(keys.pending, [entry.member]),
  };
};

export type RetryQueue<T extends { nextAttemptAt: number }> = ReturnType<typeof createRetryQueue<T>>;
