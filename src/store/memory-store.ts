import { EventEmitter } from 'node:events';
import type { Clock } from '../shared/clock.ts';
import { MemoryStream } from './memory-stream.ts';
import {
  assertSameSlot,
  type KeyType,
  type ScoredMember,
  type Store,
  type StoreWrite,
  type StreamRange,
} from './store.ts';
import { assertEpochSeconds, assertTtlSeconds } from './ttl.ts';

/** A sorted set: member -> score. */
class SortedSet extends Map<string, number> {}

type Entry = { value: string | Set<string> | SortedSet | MemoryStream; expiresAt?: number };

/**
 * The embedded store: one process, nothing on disk. For trying the product and for tests; the
 * server warns at start-up when it runs on it. Expiry follows the injected clock, so tests that
 * move time see keys expire exactly as Redis would expire them.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #bus = new EventEmitter();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#bus.setMaxListeners(0);
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #expiry(ttlSeconds?: number): number | undefined {
    if (ttlSeconds === undefined) return undefined;
    assertTtlSeconds(ttlSeconds);
    return this.#clock.now() + ttlSeconds * 1000;
  }

  #string(key: string): string | undefined {
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    if (typeof entry.value !== 'string') throw new TypeError(`key ${key} holds a ${this.#typeOf(entry)}`);
    return entry.value;
  }

  #typeOf(entry: Entry | undefined): KeyType {
    if (!entry) return 'none';
    if (typeof entry.value === 'string') return 'string';
    if (entry.value instanceof SortedSet) return 'zset';
    return entry.value instanceof Set ? 'set' : 'stream';
  }

  async get(key: string) {
    return this.#string(key);
  }

  async getMany(keys: string[]) {
    return keys.map((key) => this.#string(key));
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    this.#entries.set(key, { value, expiresAt: this.#expiry(ttlSeconds) });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt: this.#expiry(ttlSeconds) });
    return true;
  }

  async getAndMark(key: string, mark?: { key: string; ttlSeconds: number }) {
    if (mark) {
      assertSameSlot([key, mark.key]);
      assertTtlSeconds(mark.ttlSeconds);
    }
    const value = this.#string(key);
    if (value === undefined || !mark) return { value };
    if (this.#live(mark.key)) return { value, fresh: false };
    this.#entries.set(mark.key, { value: '1', expiresAt: this.#expiry(mark.ttlSeconds) });
    return { value, fresh: true };
  }

  async del(keys: string[]) {
    let existed = 0;
    for (const key of keys) {
      if (this.#live(key)) existed += 1;
      this.#entries.delete(key);
    }
    return existed;
  }

  async ttl(key: string) {
    const entry = this.#live(key);
    if (!entry || entry.expiresAt === undefined) return undefined;
    return Math.ceil((entry.expiresAt - this.#clock.now()) / 1000);
  }

  async incr(key: string, ttlSeconds?: number) {
    if (ttlSeconds !== undefined) assertTtlSeconds(ttlSeconds);
    const current = this.#string(key);
    const next = (current === undefined ? 0 : Number(current)) + 1;
    const expiresAt = current === undefined ? this.#expiry(ttlSeconds) : this.#live(key)?.expiresAt;
    this.#entries.set(key, { value: String(next), expiresAt });
    return next;
  }

  async addToSet(key: string, members: string[], ttlSeconds: number) {
    assertTtlSeconds(ttlSeconds);
    const wanted = this.#clock.now() + ttlSeconds * 1000;
    // Redis keeps no empty sets, and refuses to turn a string into one.
    if (members.length === 0) return;
    const entry = this.#live(key);
    const held = entry?.value;
    if (held !== undefined && !(held instanceof Set)) throw new TypeError(`key ${key} does not hold a set`);
    const set = held ?? new Set<string>();
    for (const m of members) set.add(m);
    // An existing set without expiry keeps none; otherwise the later expiry wins.
    const expiresAt = entry && entry.expiresAt === undefined ? undefined : Math.max(entry?.expiresAt ?? 0, wanted);
    this.#entries.set(key, { value: set, expiresAt });
  }

  async removeFromSet(key: string, members: string[]) {
    const entry = this.#live(key);
    if (!entry || !(entry.value instanceof Set)) return;
    for (const m of members) entry.value.delete(m);
    if (entry.value.size === 0) this.#entries.delete(key);
  }

  async setMembers(key: string) {
    const entry = this.#live(key);
    return entry && entry.value instanceof Set ? [...entry.value] : [];
  }

  #addToSortedSet(key: string, members: ScoredMember[], ttlSeconds: number, pruneBelow?: number) {
    assertTtlSeconds(ttlSeconds);
    if (members.length === 0) return;
    const wanted = this.#clock.now() + ttlSeconds * 1000;
    const entry = this.#live(key);
    const held = entry?.value;
    if (held !== undefined && !(held instanceof SortedSet))
      throw new TypeError(`key ${key} does not hold a sorted set`);
    const set = held ?? new SortedSet();
    for (const { member, score } of members) set.set(member, score);
    if (pruneBelow !== undefined) for (const [member, score] of set) if (score < pruneBelow) set.delete(member);
    if (set.size === 0) {
      this.#entries.delete(key);
      return;
    }
    const expiresAt = entry && entry.expiresAt === undefined ? undefined : Math.max(entry?.expiresAt ?? 0, wanted);
    this.#entries.set(key, { value: set, expiresAt });
  }

  #removeFromSortedSet(key: string, members: string[]) {
    const entry = this.#live(key);
    if (!entry || !(entry.value instanceof SortedSet)) return;
    for (const m of members) entry.value.delete(m);
    if (entry.value.size === 0) this.#entries.delete(key);
  }

  async addToSortedSet(key: string, members: ScoredMember[], ttlSeconds: number, pruneBelow?: number) {
    this.#addToSortedSet(key, members, ttlSeconds, pruneBelow);
  }

  async removeFromSortedSet(key: string, members: string[]) {
    this.#removeFromSortedSet(key, members);
  }

  async sortedSetRange(key: string, range: { min?: number; max?: number } = {}) {
    const entry = this.#live(key);
    if (!entry || !(entry.value instanceof SortedSet)) return [];
    const min = range.min ?? -Infinity;
    const max = range.max ?? Infinity;
    return [...entry.value]
      .filter(([, score]) => score >= min && score <= max)
      .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
      .map(([member, score]) => ({ member, score }));
  }

  async writeTogether(writes: StoreWrite[]) {
    if (writes.length === 0) return;
    assertSameSlot(writes.map((w) => w.key));
    // Validated before anything is applied: all or none, as the Redis script.
    for (const w of writes) {
      if (w.op === 'set' && w.ttlSeconds !== undefined) assertTtlSeconds(w.ttlSeconds);
      if (w.op === 'addToSortedSet') assertTtlSeconds(w.ttlSeconds);
      const existing = this.#live(w.key);
      if (
        (w.op === 'addToSortedSet' || w.op === 'removeFromSortedSet') &&
        existing &&
        !(existing.value instanceof SortedSet)
      )
        throw new TypeError(`key ${w.key} does not hold a sorted set`);
    }
    for (const w of writes) {
      if (w.op === 'set') this.#entries.set(w.key, { value: w.value, expiresAt: this.#expiry(w.ttlSeconds) });
      else if (w.op === 'del') this.#entries.delete(w.key);
      else if (w.op === 'addToSortedSet') this.#addToSortedSet(w.key, w.members, w.ttlSeconds, w.pruneBelow);
      else this.#removeFromSortedSet(w.key, w.members);
    }
  }

  async describeKey(key: string) {
    const entry = this.#live(key);
    const type = this.#typeOf(entry);
    if (!entry || entry.expiresAt === undefined) return { type };
    return { type, ttlSeconds: Math.ceil((entry.expiresAt - this.#clock.now()) / 1000) };
  }

  async markConsumed(key: string, atEpochSeconds: number) {
    assertEpochSeconds(atEpochSeconds);
    const entry = this.#live(key);
    if (!entry || typeof entry.value !== 'string') return;
    const payload = JSON.parse(entry.value);
    // The first consumption time stands, as in the Redis script.
    if (payload.consumed !== undefined && payload.consumed !== null) return;
    payload.consumed = atEpochSeconds;
    entry.value = JSON.stringify(payload);
  }

  #stream(key: string, create: boolean): MemoryStream | undefined {
    const held = this.#live(key)?.value;
    if (held !== undefined && !(held instanceof MemoryStream)) throw new TypeError(`key ${key} does not hold a stream`);
    if (held || !create) return held;
    const stream = new MemoryStream();
    this.#entries.set(key, { value: stream });
    return stream;
  }

  async appendToStream(key: string, entries: { atMs: number; value: string }[], trimBeforeMs?: number) {
    if (entries.length === 0) return [];
    return this.#stream(key, true)!.append(entries, trimBeforeMs);
  }

  async readStream(key: string, range?: StreamRange) {
    return this.#stream(key, false)?.read(range) ?? [];
  }

  async streamLength(key: string) {
    return this.#stream(key, false)?.length ?? 0;
  }

  async deleteFromStream(key: string, ids: string[]) {
    return this.#stream(key, false)?.delete(ids) ?? 0;
  }

  async publish(channel: string, message: string) {
    // Asynchronous like Redis: a publisher never runs subscribers inside its own call.
    setImmediate(() => this.#bus.emit(channel, message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void) {
    this.#bus.on(channel, onMessage);
    return async () => {
      this.#bus.off(channel, onMessage);
    };
  }

  async keysWithPrefix(prefix: string) {
    return [...this.#entries.keys()].filter((k) => k.startsWith(prefix) && this.#live(k));
  }

  async ping() {}

  async close() {
    this.#bus.removeAllListeners();
  }
}
