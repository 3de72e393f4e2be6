import { UnavailableError } from '../shared/unavailable.ts';

/**
 * The store port. Everything the server keeps between requests goes through it: oidc-provider's
 * models (through ./oidc-adapter.ts), partner overrides, lockout counters, replay markers, grant
 * records and their indexes, restrictions. Implementations: ./memory-store.ts (embedded, trial
 * only) and ./redis-store.ts (single node or Cluster). Both pass test/store/contract.test.ts.
 *
 * Keys are plain strings chosen by the callers, each module under its own prefix. Values are strings
 * (callers JSON encode). TTLs are in whole seconds; a missing TTL means the key does not expire.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';

  get(key: string): Promise<string | undefined>;
  /** Several keys in one round trip; missing keys give undefined at their position. */
  getMany(keys: string[]): Promise<(string | undefined)[]>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it (replay detection, one-time codes). */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Reads a key and, only when it exists, sets `mark.key` (to "1", with its TTL) unless that is
   * present: one round trip, atomically (a Lua script on Redis). `fresh` is true when this call set
   * the mark, false when it was there already, undefined when the key is missing or no mark was
   * asked for. Both keys must lie in one hash slot (the same `{tag}`), as on a Cluster they must;
   * both stores refuse keys that are not. (A token read with its DPoP replay check.)
   */
  getAndMark(key: string, mark?: { key: string; ttlSeconds: number }): Promise<{ value?: string; fresh?: boolean }>;
  /** Deletes the keys; answers how many existed. */
  del(keys: string[]): Promise<number>;
  /** Remaining TTL in seconds; undefined when the key is missing or has no TTL. */
  ttl(key: string): Promise<number | undefined>;

  /** Increments a counter; the TTL is set when the counter is created and left alone after. */
  incr(key: string, ttlSeconds?: number): Promise<number>;

  /**
   * Adds members to a set. The set's TTL only ever grows: it becomes max(current, ttlSeconds),
   * so an index outlives every member added to it and then disappears by itself.
   */
  addToSet(key: string, members: string[], ttlSeconds: number): Promise<void>;
  removeFromSet(key: string, members: string[]): Promise<void>;
  setMembers(key: string): Promise<string[]>;

  /**
   * oidc-provider's "consume": marks a stored JSON payload as consumed (payload.consumed = epoch
   * seconds) atomically, keeping its TTL; does nothing when the key is gone (never resurrects it).
   */
  markConsumed(key: string, atEpochSeconds: number): Promise<void>;

  /** Publish/subscribe between instances (restrictions, partner changes). */
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;

  /**
   * Append-only streams (Redis Streams; the audit trail). Entries get ids "<ms>-<n>" that only ever
   * grow: ms is the entry's `atMs`, or the stream's newest ms when `atMs` is earlier (another
   * instance's clock ahead of this one). All entries of one call are appended together, in order.
   * With `trimBeforeMs`, entries whose ms is below it may be dropped — approximately, a block at a
   * time, as Redis does with `MINID ~` — while newer ones never are. A stream never expires.
   */
  appendToStream(key: string, entries: { atMs: number; value: string }[], trimBeforeMs?: number): Promise<string[]>;
  /**
   * Entries in id order: from `fromMs` (or after the id `after`) up to `toMs`, both in ms and inclusive; at most
   * `count`.
   */
  readStream(key: string, range?: StreamRange): Promise<StreamEntry[]>;
  /** How many entries the stream holds (0 when it does not exist). */
  streamLength(key: string): Promise<number>;
  /** Removes entries by id (tooling and tests: the audit trail itself never deletes); answers how many existed. */
  deleteFromStream(key: string, ids: string[]): Promise<number>;

  /**
   * Sorted sets (indexes whose members expire): members are added with a score, usually their
   * expiry in epoch seconds; members scored below `pruneBelow` are dropped in the same call, so an
   * index never keeps what has expired. The set's TTL grows as addToSet's does.
   */
  addToSortedSet(key: string, members: ScoredMember[], ttlSeconds: number, pruneBelow?: number): Promise<void>;
  removeFromSortedSet(key: string, members: string[]): Promise<void>;
  /** Members with min <= score <= max (both optional), in score order. */
  sortedSetRange(key: string, range?: { min?: number; max?: number }): Promise<ScoredMember[]>;

  /**
   * Several writes applied all or none, in order (one Lua script on Redis). Every key must be in
   * one hash slot — the same `{tag}` (see sameSlot) — so that this holds on a Cluster too; both
   * stores refuse keys that are not.
   */
  writeTogether(writes: StoreWrite[]): Promise<void>;

  /** What a key holds and its remaining TTL (undefined: none); 'none' for a missing key (store:check). */
  describeKey(key: string): Promise<{ type: KeyType; ttlSeconds?: number }>;

  /** Every key with this prefix (tests and admin tooling; never on a request path). */
  keysWithPrefix(prefix: string): Promise<string[]>;

  /** Resolves when the store answers; rejects otherwise (readiness, start-up). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ScoredMember {
  member: string;
  score: number;
}

export type KeyType = 'string' | 'set' | 'zset' | 'stream' | 'none';

/** One write of Store.writeTogether. */
export type StoreWrite =
  | { op: 'set'; key: string; value: string; ttlSeconds?: number }
  | { op: 'del'; key: string }
  | { op: 'addToSortedSet'; key: string; members: ScoredMember[]; ttlSeconds: number; pruneBelow?: number }
  | { op: 'removeFromSortedSet'; key: string; members: string[] };

/**
 * The Redis Cluster hash tag of a key: the text between its first '{' and the next '}', when not
 * empty; otherwise the whole key. Keys with one tag share a slot.
 */
export const slotTag = (key: string): string => {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
};

/** Throws unless every key lies in one hash slot (by tag), as a Cluster demands of one script. */
export const assertSameSlot = (keys: string[]): void => {
  const tags = new Set(keys.map(slotTag));
  if (tags.size > 1) throw new TypeError(`keys used together must share one hash slot, got ${keys.join(', ')}`);
};

/** `{id}`: a hash tag putting every key built with it into one slot. */
export const tagged = (id: string): string => `{${id}}`;

export interface StreamEntry {
  id: string;
  value: string;
}

export interface StreamRange {
  fromMs?: number;
  /** Exclusive: paging goes on after the last id read. Wins over fromMs. */
  after?: string;
  toMs?: number;
  count?: number;
}

/** Raised by a store implementation when the backing service cannot be reached; answered with 503. */
export class StoreUnavailableError extends UnavailableError {
  override name = 'StoreUnavailableError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('store', message, options);
  }
}
