import { Cluster, Redis } from 'ioredis';
import {
  addToSetScript,
  addToSortedSetScript,
  writeTogetherScript,
  appendToStreamScript,
  getAndMarkScript,
  incrScript,
  markConsumedScript,
  type LuaScript,
} from './redis-scripts.ts';
import { noDeadlines, type Deadlines } from '../shared/deadline.ts';
import { messageOf } from '../shared/thrown.ts';
import { isStringArray } from '../shared/unknown-json.ts';
import {
  assertSameSlot,
  StoreUnavailableError,
  type KeyType,
  type ScoredMember,
  type Store,
  type StoreWrite,
  type StreamRange,
} from './store.ts';
import { assertEpochSeconds, assertTtlSeconds } from './ttl.ts';

export interface StoreLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL of a single node. */
  url?: string;
  /** Seed nodes of a Redis Cluster; when given, `url` is not used. */
  clusterNodes?: { host: string; port: number }[];
  /** Prepended to every key and channel, so several deployments (or test runs) share one Redis safely. */
  keyPrefix?: string;
  logger?: StoreLogger;
  /** The current request's deadline bounds every operation made on its behalf. */
  deadlines?: Deadlines;
  /** How long one command waits for its answer (settings.store.commandTimeoutMs); default 1500. */
  commandTimeoutMs?: number;
}

type Client = Redis | Cluster;

/**
 * How long an operation waits for a connection that is still being made (a new one, or one coming
 * back): a busy machine may take seconds. Once an attempt has failed (refused, reset, timed out) it
 * waits only FAILED_WAIT_MS. A request's own deadline may cut either shorter.
 */
const READY_WAIT_MS = 3000;
const FAILED_WAIT_MS = 1000;
const SCAN_COUNT = 500;

// Fail fast instead of queueing: no offline queue (an operation waits for 'ready' itself, bounded by
// READY_WAIT_MS, so nothing it gave up on is sent later), a short connect timeout, and a command
// timeout for a connection that died without closing. Reconnection keeps going in the background.
// A short disconnectTimeout: closing during an outage otherwise holds the process open for 2 s.
const DEFAULT_COMMAND_TIMEOUT_MS = 1500;
const nodeOptions = (commandTimeout: number) => ({
  connectTimeout: 1000,
  disconnectTimeout: 200,
  commandTimeout,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  // Commands issued in the same turn go out in one socket write: on a busy machine, one write per
  // command (a syscall each) was 15-20 % of a data call's CPU (docs/performance.md).
  enableAutoPipelining: true,
});
const retryDelay = (attempt: number) => Math.min(attempt * 100, 1000);

// Errors Redis answers while it cannot serve (starting, failing over, out of memory): an outage,
// not a bug in the command.
const UNAVAILABLE_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|BUSY|OOM|NOREPLICAS)\b/;

const toStoreError = (error: unknown): Error => {
  if (error instanceof StoreUnavailableError) return error;
  if (!(error instanceof Error)) return new StoreUnavailableError(`redis: ${String(error)}`);
  if (error.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(error.message)) return error;
  return new StoreUnavailableError(`redis: ${error.message}`, { cause: error });
};

/** Where the store is, for logs: host and port only, never the URL's user or password. */
const describe = (options: RedisStoreOptions): string => {
  if (options.clusterNodes?.length) return options.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',');
  try {
    const url = new URL(options.url ?? '');
    return `${url.hostname}:${url.port || '6379'}`;
  } catch {
    return 'an invalid Redis URL';
  }
};

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * The store on Redis, a single node or a Cluster. Every command and script touches one key, or keys
 * of one hash tag, so no operation ever spans hash slots; operations on several keys are sent
 * together but key by key on a Cluster. While Redis cannot be reached, operations reject with
 * StoreUnavailableError within about a second instead of waiting for it.
 */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly #client: Client;
  readonly #prefix: string;
  readonly #logger?: StoreLogger;
  readonly #deadlines: Deadlines;
  readonly #where: string;
  #subscriber?: Client;
  readonly #subscriptions = new Map<string, { handlers: Set<(message: string) => void>; ready: Promise<unknown> }>();
  readonly #readySignals = new WeakMap<Client, Promise<void>>();
  /** Clients whose last connection attempt failed, until they are ready again. */
  readonly #failing = new WeakSet<Client>();
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.keyPrefix ?? '';
    this.#logger = options.logger;
    this.#deadlines = options.deadlines ?? noDeadlines;
    this.#where = describe(options);
    const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (options.clusterNodes?.length) {
      this.#client = new Cluster(options.clusterNodes, {
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: retryDelay,
        redisOptions: nodeOptions(commandTimeout),
      });
    } else if (options.url) {
      this.#client = new Redis(options.url, {
        ...nodeOptions(commandTimeout),
        enableOfflineQueue: false,
        retryStrategy: retryDelay,
      });
    } else {
      throw new TypeError('RedisStore needs a url or clusterNodes');
    }
    this.#watch(this.#client, 'store');
  }

  /** Logs a lost connection once, not once per reconnection attempt; never the URL (it may hold a password). */
  #watch(client: Client, role: string): void {
    let reported = false;
    client.on('error', (error: Error) => {
      this.#failing.add(client);
      if (reported) return;
      reported = true;
      this.#logger?.warn('redis connection failed; retrying in the background', {
        store: 'redis',
        at: this.#where,
        role,
        error: error.message,
      });
    });
    client.on('ready', () => {
      this.#failing.delete(client);
      if (reported) this.#logger?.warn('redis connection restored', { store: 'redis', at: this.#where, role });
      reported = false;
    });
  }

  #readySignal(client: Client): Promise<void> {
    let signal = this.#readySignals.get(client);
    if (!signal) {
      signal = new Promise<void>((resolve) => {
        client.once('ready', () => {
          this.#readySignals.delete(client);
          resolve();
        });
      });
      this.#readySignals.set(client, signal);
    }
    return signal;
  }

  /** Ready, or refused: after FAILED_WAIT_MS once an attempt has failed, after READY_WAIT_MS in any case. */
  #connected(client: Client, unreachable: () => Error): Promise<void> {
    const started = Date.now();
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(early);
        clearTimeout(late);
        client.off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      const onError = () => {
        if (Date.now() - started >= FAILED_WAIT_MS) done(unreachable());
      };
      const early = setTimeout(() => this.#failing.has(client) && done(unreachable()), FAILED_WAIT_MS);
      const late = setTimeout(() => done(unreachable()), READY_WAIT_MS);
      client.on('error', onError);
      this.#readySignal(client).then(() => done());
    });
  }

  async #ready(client: Client): Promise<Client> {
    if (this.#closed) throw new StoreUnavailableError('the store is closed');
    if (client.status === 'ready') return client;
    const unreachable = () => new StoreUnavailableError(`redis is not reachable (${client.status})`);
    await this.#deadlines.within(this.#connected(client, unreachable), unreachable, READY_WAIT_MS);
    return client;
  }

  /**
   * One operation, bounded by the request's deadline when there is one (each command is also
   * bounded by commandTimeout): a stalled Redis costs a request its own deadline, no more.
   */
  async #run<T>(operation: (client: Client) => Promise<T>, client: Client = this.#client): Promise<T> {
    const attempt = (async () => {
      const ready = await this.#ready(client);
      try {
        return await operation(ready);
      } catch (error) {
        throw toStoreError(error);
      }
    })();
    return this.#deadlines.within(attempt, () => new StoreUnavailableError('redis did not answer within the deadline'));
  }

  #eval(script: LuaScript, key: string | string[], args: (string | number)[]): Promise<unknown> {
    const keys = typeof key === 'string' ? [key] : key;
    return this.#run(async (client) => {
      try {
        return await client.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT'))
          return client.eval(script.lua, keys.length, ...keys, ...args);
        throw error;
      }
    });
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  get isCluster(): boolean {
    return this.#client instanceof Cluster;
  }

  async get(key: string) {
    return (await this.#run((c) => c.get(this.#key(key)))) ?? undefined;
  }

  async getMany(keys: string[]) {
    if (keys.length === 0) return [];
    const full = keys.map((k) => this.#key(k));
    // MGET needs all keys in one slot on a Cluster; there, single GETs go out together instead.
    const values = await this.#run((c) => (this.isCluster ? Promise.all(full.map((k) => c.get(k))) : c.mget(full)));
    return values.map((v) => v ?? undefined);
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds === undefined) {
      await this.#run((c) => c.set(this.#key(key), value));
      return;
    }
    assertTtlSeconds(ttlSeconds);
    await this.#run((c) => c.set(this.#key(key), value, 'EX', ttlSeconds));
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    assertTtlSeconds(ttlSeconds);
    return (await this.#run((c) => c.set(this.#key(key), value, 'EX', ttlSeconds, 'NX'))) === 'OK';
  }

  async getAndMark(key: string, mark?: { key: string; ttlSeconds: number }) {
    if (!mark) return { value: (await this.#run((c) => c.get(this.#key(key)))) ?? undefined };
    assertSameSlot([key, mark.key]);
    assertTtlSeconds(mark.ttlSeconds);
    // The script answers nil (no value) or {value, 1 when the mark is new else 0}.
    const reply = await this.#eval(getAndMarkScript, [this.#key(key), this.#key(mark.key)], [mark.ttlSeconds]);
    if (reply === null) return {};
    const [value, fresh]: unknown[] = Array.isArray(reply) ? reply : [];
    if (typeof value !== 'string') throw new TypeError('getAndMark: unexpected reply from redis');
    return { value, fresh: fresh === 1 };
  }

  async del(keys: string[]) {
    if (keys.length === 0) return 0;
    const full = keys.map((k) => this.#key(k));
    return this.#run(async (c) => {
      if (!this.isCluster) return c.del(full);
      const counts = await Promise.all(full.map((k) => c.del(k)));
      return counts.reduce((sum, n) => sum + n, 0);
    });
  }

  async ttl(key: string) {
    // PTTL rounded up, as the embedded store counts: a key with 200 ms left still has "1 s".
    const ms = await this.#run((c) => c.pttl(this.#key(key)));
    return ms < 0 ? undefined : Math.ceil(ms / 1000);
  }

  async incr(key: string, ttlSeconds?: number) {
    if (ttlSeconds !== undefined) assertTtlSeconds(ttlSeconds);
    return Number(await this.#eval(incrScript, this.#key(key), [ttlSeconds ?? '']));
  }

  async addToSet(key: string, members: string[], ttlSeconds: number) {
    assertTtlSeconds(ttlSeconds);
    if (members.length === 0) return;
    await this.#eval(addToSetScript, this.#key(key), [ttlSeconds, ...members]);
  }

  async removeFromSet(key: string, members: string[]) {
    if (members.length === 0) return;
    await this.#run((c) => c.srem(this.#key(key), ...members));
  }

  async setMembers(key: string) {
    return this.#run((c) => c.smembers(this.#key(key)));
  }

  async addToSortedSet(key: string, members: ScoredMember[], ttlSeconds: number, pruneBelow?: number) {
    assertTtlSeconds(ttlSeconds);
    if (members.length === 0) return;
    const args = members.flatMap(({ member, score }) => [score, member]);
    await this.#eval(addToSortedSetScript, this.#key(key), [ttlSeconds, pruneBelow ?? '', ...args]);
  }

  async removeFromSortedSet(key: string, members: string[]) {
    if (members.length === 0) return;
    await this.#run((c) => c.zrem(this.#key(key), ...members));
  }

  async sortedSetRange(key: string, range: { min?: number; max?: number } = {}) {
    const min = range.min === undefined ? '-inf' : String(range.min);
    const max = range.max === undefined ? '+inf' : String(range.max);
    const reply = await this.#run((c) => c.zrangebyscore(this.#key(key), min, max, 'WITHSCORES'));
    const members: ScoredMember[] = [];
    for (let i = 0; i < reply.length; i += 2) members.push({ member: reply[i], score: Number(reply[i + 1]) });
    return members;
  }

  async writeTogether(writes: StoreWrite[]) {
    if (writes.length === 0) return;
    assertSameSlot(writes.map((w) => w.key));
    const encoded = writes.map((w) => {
      if (w.op === 'set') {
        if (w.ttlSeconds !== undefined) assertTtlSeconds(w.ttlSeconds);
        return { op: w.op, value: w.value, ...(w.ttlSeconds === undefined ? {} : { ttl: w.ttlSeconds }) };
      }
      if (w.op === 'addToSortedSet') {
        assertTtlSeconds(w.ttlSeconds);
        return {
          op: w.op,
          ttl: w.ttlSeconds,
          ...(w.pruneBelow === undefined ? {} : { prune: w.pruneBelow }),
          members: w.members.map(({ member, score }) => [score, member]),
        };
      }
      if (w.op === 'removeFromSortedSet') return { op: w.op, members: w.members };
      return { op: w.op };
    });
    await this.#eval(
      writeTogetherScript,
      writes.map((w) => this.#key(w.key)),
      [JSON.stringify(encoded)],
    );
  }

  async describeKey(key: string) {
    const full = this.#key(key);
    const [type, ms] = await this.#run((c) => Promise.all([c.type(full), c.pttl(full)]));
    const known: KeyType[] = ['string', 'set', 'zset', 'stream', 'none'];
    const kind = known.find((k) => k === type) ?? 'string';
    return ms < 0 ? { type: kind } : { type: kind, ttlSeconds: Math.ceil(ms / 1000) };
  }

  async markConsumed(key: string, atEpochSeconds: number) {
    assertEpochSeconds(atEpochSeconds);
    await this.#eval(markConsumedScript, this.#key(key), [atEpochSeconds]);
  }

  async appendToStream(key: string, entries: { atMs: number; value: string }[], trimBeforeMs?: number) {
    if (entries.length === 0) return [];
    const args = entries.flatMap(({ atMs, value }) => [Math.floor(atMs), value]);
    const trim = trimBeforeMs === undefined ? '' : Math.max(0, Math.floor(trimBeforeMs));
    // The script answers the new entries' ids.
    const ids = await this.#eval(appendToStreamScript, this.#key(key), [trim, ...args]);
    if (!isStringArray(ids)) throw new TypeError('appendToStream: unexpected reply from redis');
    return ids;
  }

  async readStream(key: string, range: StreamRange = {}) {
    const start =
      range.after !== undefined
        ? `(${range.after}`
        : range.fromMs !== undefined
          ? String(Math.floor(range.fromMs))
          : '-';
    const end = range.toMs !== undefined ? String(Math.floor(range.toMs)) : '+';
    const reply = await this.#run((c) =>
      range.count !== undefined
        ? c.xrange(this.#key(key), start, end, 'COUNT', range.count)
        : c.xrange(this.#key(key), start, end),
    );
    // Each entry is [id, [field, value, ...]]; the store writes one field, "v".
    return reply.map(([id, fields]) => ({ id, value: fields[fields.indexOf('v') + 1] }));
  }

  async streamLength(key: string) {
    return this.#run((c) => c.xlen(this.#key(key)));
  }

  async deleteFromStream(key: string, ids: string[]) {
    if (ids.length === 0) return 0;
    return this.#run((c) => c.xdel(this.#key(key), ...ids));
  }

  async publish(channel: string, message: string) {
    await this.#run((c) => c.publish(this.#key(channel), message));
  }

  /** A subscribed connection cannot run other commands, so subscriptions get their own, made on first use. */
  #subscriberClient(): Client {
    if (!this.#subscriber) {
      const subscriber: Client = this.#client instanceof Cluster ? this.#client.duplicate() : this.#client.duplicate();
      this.#watch(subscriber, 'subscriber');
      subscriber.on('message', (channel: string, message: string) => {
        for (const handler of this.#subscriptions.get(channel)?.handlers ?? []) {
          try {
            handler(message);
          } catch (error) {
            this.#logger?.warn('a subscriber failed on a message', { channel, error: messageOf(error) });
          }
        }
      });
      this.#subscriber = subscriber;
    }
    return this.#subscriber;
  }

  async subscribe(channel: string, onMessage: (message: string) => void) {
    const name = this.#key(channel);
    const subscriber = this.#subscriberClient();
    let subscription = this.#subscriptions.get(name);
    if (!subscription) {
      const ready = this.#run((c) => c.subscribe(name), subscriber);
      subscription = { handlers: new Set(), ready };
      this.#subscriptions.set(name, subscription);
      ready.catch(() => this.#subscriptions.delete(name));
    }
    await subscription.ready;
    subscription.handlers.add(onMessage);
    const { handlers } = subscription;
    return async () => {
      handlers.delete(onMessage);
      if (handlers.size > 0 || this.#subscriptions.get(name)?.handlers !== handlers) return;
      this.#subscriptions.delete(name);
      // The handler is already gone; a server-side subscription left by an outage only costs
      // messages that are dropped on arrival, so there is nothing to report to the caller.
      await this.#run((c) => c.unsubscribe(name), subscriber).catch(() => undefined);
    };
  }

  async keysWithPrefix(prefix: string) {
    const pattern = `${escapeGlob(this.#key(prefix))}*`;
    const found = await this.#run(async (client) => {
      const nodes = client instanceof Cluster ? client.nodes('master') : [client];
      const perNode = await Promise.all(
        nodes.map(async (node) => {
          const keys: string[] = [];
          let cursor = '0';
          do {
            const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
            keys.push(...batch);
            cursor = next;
          } while (cursor !== '0');
          return keys;
        }),
      );
      return new Set(perNode.flat());
    });
    return [...found].map((k) => k.slice(this.#prefix.length));
  }

  async ping() {
    await this.#run((c) => c.ping());
  }

  async close() {
    this.#closed = true;
    await Promise.all(
      [this.#client, this.#subscriber].map(async (client) => {
        if (!client || client.status === 'end') return;
        if (client.status !== 'ready') {
          client.disconnect();
          return;
        }
        await client.quit().catch(() => client.disconnect());
      }),
    );
  }
}
