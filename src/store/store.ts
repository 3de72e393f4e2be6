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
  /** Removes entries by id (tooling and tests: the audit trail itself never deletes); answers how many existed. */
  deleteFromStream(key: string, ids: string[]): Promise<number>;

  /** Every key with this prefix (tests and admin tooling; never on a request path). */
  keysWithPrefix(prefix: string): Promise<string[]>;

  /** Resolves when the store answers; rejects otherwise (readiness, start-up). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

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
