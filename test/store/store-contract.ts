import type { Store } from '../../src/store/store.ts';
import type { StoreContext, StoreHarness } from './store-harness.ts';

const nextMessage = (store: Store, channel: string) =>
  new Promise<string>((resolve, reject) => {
    store.subscribe(channel, resolve).catch(reject);
  });

/** The behaviour every Store implementation must show; registered inside a describe block. */
export const storeContract = (harness: StoreHarness): void => {
  let ctx: StoreContext;
  let store: Store;

  beforeEach(async () => {
    ctx = await harness.open();
    store = ctx.store;
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  it('reads back what it stored, and undefined for a missing key', async () => {
    await store.set('a', 'value a');
    expect(await store.get('a')).toBe('value a');
    expect(await store.get('missing')).toBeUndefined();
  });

  it('keeps values byte for byte, including Japanese text and JSON', async () => {
    const value = JSON.stringify({ name: '普通預金', note: 'a/b "quoted"', list: [] });
    await store.set('json', value);
    expect(await store.get('json')).toBe(value);
  });

  it('getMany answers in key order, with undefined where a key is missing', async () => {
    await store.set('m:1', 'one');
    await store.set('m:3', 'three');
    expect(await store.getMany(['m:1', 'm:2', 'm:3'])).toEqual(['one', undefined, 'three']);
    expect(await store.getMany([])).toEqual([]);
  });

  it('ttl answers the remaining seconds, or undefined without a key or without expiry', async () => {
    await store.set('with-ttl', 'v', 100);
    await store.set('without-ttl', 'v');
    expect(await store.ttl('with-ttl')).toBe(100);
    expect(await store.ttl('without-ttl')).toBeUndefined();
    expect(await store.ttl('missing')).toBeUndefined();
  });

  it('set without a TTL replaces the value and drops the earlier TTL', async () => {
    await store.set('k', 'first', 100);
    await store.set('k', 'second');
    expect(await store.get('k')).toBe('second');
    expect(await store.ttl('k')).toBeUndefined();
  });

  it('rejects a TTL that is not a whole number of seconds above zero', async () => {
    await expect(store.set('k', 'v', 0)).rejects.toThrow(RangeError);
    await expect(store.set('k', 'v', 1.5)).rejects.toThrow(RangeError);
    await expect(store.setIfAbsent('k', 'v', -1)).rejects.toThrow(RangeError);
    expect(await store.get('k')).toBeUndefined();
  });

  it('setIfAbsent sets only once: of 20 concurrent calls exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.setIfAbsent('once', `caller ${i}`, 60)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.get('once')).toBe(`caller ${results.indexOf(true)}`);
    expect(await store.ttl('once')).toBe(60);
    expect(await store.setIfAbsent('once', 'late', 60)).toBe(false);
  });

  it('getAndMark reads the key and sets the mark once: of 20 concurrent calls exactly one is fresh', async () => {
    await store.set('tok:{t1}', 'payload of t1', 300);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.getAndMark('tok:{t1}', { key: 'mark:{t1}:j1', ttlSeconds: 60 })),
    );
    expect(results.every((r) => r.value === 'payload of t1')).toBe(true);
    expect(results.filter((r) => r.fresh === true)).toHaveLength(1);
    expect(results.filter((r) => r.fresh === false)).toHaveLength(19);
    expect(await store.get('mark:{t1}:j1')).toBe('1');
    expect(await store.ttl('mark:{t1}:j1')).toBe(60);
    // Another mark of the same key is fresh again; the read key is left as it was.
    expect(await store.getAndMark('tok:{t1}', { key: 'mark:{t1}:j2', ttlSeconds: 60 })).toEqual({
      value: 'payload of t1',
      fresh: true,
    });
    expect(await store.ttl('tok:{t1}')).toBe(300);
  });

  it('getAndMark sets no mark for a missing key and reads without one', async () => {
    expect(await store.getAndMark('tok:{none}', { key: 'mark:{none}:j1', ttlSeconds: 5 })).toEqual({});
    expect(await store.get('mark:{none}:j1')).toBeUndefined();
    await store.set('tok:{t2}', 'v2');
    expect(await store.getAndMark('tok:{t2}')).toEqual({ value: 'v2' });
    expect(await store.getAndMark('tok:{t2}', { key: 'mark:{t2}:j', ttlSeconds: 60 })).toEqual({
      value: 'v2',
      fresh: true,
    });
    expect(await store.getAndMark('tok:{t2}', { key: 'mark:{t2}:j', ttlSeconds: 60 })).toEqual({
      value: 'v2',
      fresh: false,
    });
  });

  it('getAndMark refuses a mark of another hash slot and a bad TTL, marking nothing', async () => {
    await store.set('tok:{t3}', 'v3');
    await expect(store.getAndMark('tok:{t3}', { key: 'mark:{other}:j', ttlSeconds: 60 })).rejects.toThrow(TypeError);
    await expect(store.getAndMark('tok:{t3}', { key: 'mark:{t3}:j', ttlSeconds: 0 })).rejects.toThrow(RangeError);
    expect(await store.get('mark:{other}:j')).toBeUndefined();
    expect(await store.get('mark:{t3}:j')).toBeUndefined();
  });

  it('incr counts from 1 and keeps the TTL it was created with', async () => {
    expect(await store.incr('counter', 100)).toBe(1);
    expect(await store.incr('counter', 5000)).toBe(2);
    expect(await store.incr('counter')).toBe(3);
    expect(await store.get('counter')).toBe('3');
    const ttl = await store.ttl('counter');
    expect(ttl).toBeGreaterThan(95);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  it('incr without a TTL makes a counter that does not expire', async () => {
    expect(await store.incr('plain')).toBe(1);
    expect(await store.ttl('plain')).toBeUndefined();
  });

  it('addToSet collects members, and the set TTL grows but never shrinks', async () => {
    await store.addToSet('set', ['a'], 100);
    expect(await store.ttl('set')).toBe(100);
    await store.addToSet('set', ['b'], 50);
    expect(await store.ttl('set')).toBeGreaterThan(95);
    await store.addToSet('set', ['c', 'a'], 1000);
    expect(await store.ttl('set')).toBe(1000);
    expect((await store.setMembers('set')).sort()).toEqual(['a', 'b', 'c']);
  });

  it('addToSet with no members creates nothing', async () => {
    await store.addToSet('empty', [], 100);
    expect(await store.setMembers('empty')).toEqual([]);
    expect(await store.keysWithPrefix('empty')).toEqual([]);
  });

  it('removeFromSet removes members, and the set disappears with its last member', async () => {
    await store.addToSet('set', ['a', 'b', 'c'], 100);
    await store.removeFromSet('set', ['a', 'c', 'not-a-member']);
    expect(await store.setMembers('set')).toEqual(['b']);
    await store.removeFromSet('set', ['b']);
    expect(await store.setMembers('set')).toEqual([]);
    expect(await store.keysWithPrefix('set')).toEqual([]);
    await store.removeFromSet('never-existed', ['x']);
    expect(await store.setMembers('never-existed')).toEqual([]);
  });

  it('markConsumed records the time, keeps the TTL and leaves the rest of the payload intact', async () => {
    // An empty array and a 16-digit number: what a naive cjson round trip would corrupt.
    const payload = { jti: 'code-1', list: [], nested: { deep: [1, 2] }, big: 1234567890123456, text: '定期預金 a/b' };
    await store.set('code', JSON.stringify(payload), 100);
    await store.markConsumed('code', 1_900_000_000);
    expect(JSON.parse((await store.get('code'))!)).toEqual({ ...payload, consumed: 1_900_000_000 });
    expect(await store.ttl('code')).toBeGreaterThan(95);
  });

  it('markConsumed keeps the first consumption time', async () => {
    await store.set('code', JSON.stringify({}), 100);
    await store.markConsumed('code', 1_900_000_000);
    await store.markConsumed('code', 1_900_000_555);
    expect(JSON.parse((await store.get('code'))!)).toEqual({ consumed: 1_900_000_000 });
  });

  it('markConsumed never brings back a deleted or missing key', async () => {
    await store.set('code', JSON.stringify({ jti: 'x' }), 100);
    await store.del(['code']);
    await store.markConsumed('code', 1_900_000_000);
    await store.markConsumed('never-existed', 1_900_000_000);
    expect(await store.get('code')).toBeUndefined();
    expect(await store.get('never-existed')).toBeUndefined();
    expect(await store.keysWithPrefix('')).toEqual([]);
  });

  it('del removes the keys, strings and sets alike, and counts those that existed', async () => {
    await store.set('d:1', 'x');
    await store.set('d:2', 'y', 100);
    await store.addToSet('d:set', ['m'], 100);
    expect(await store.del(['d:1', 'd:2', 'd:set', 'd:missing'])).toBe(3);
    expect(await store.getMany(['d:1', 'd:2'])).toEqual([undefined, undefined]);
    expect(await store.setMembers('d:set')).toEqual([]);
    expect(await store.del(['d:1'])).toBe(0);
    expect(await store.del([])).toBe(0);
  });

  it('keysWithPrefix lists exactly the keys under the prefix, taking glob characters literally', async () => {
    await store.set('user:1', 'a');
    await store.set('user:2', 'b', 100);
    await store.addToSet('user:index', ['1'], 100);
    await store.set('users', 'not under "user:"');
    await store.set('glob*:1', 'a');
    await store.set('globX:1', 'b');
    expect((await store.keysWithPrefix('user:')).sort()).toEqual(['user:1', 'user:2', 'user:index']);
    expect(await store.keysWithPrefix('glob*:')).toEqual(['glob*:1']);
    expect(await store.keysWithPrefix('nothing:')).toEqual([]);
  });

  it('publish reaches a subscriber on another instance, and unsubscribing stops delivery', async () => {
    const peer = await ctx.peer();
    const received: string[] = [];
    const stop = await peer.subscribe('restrictions', (m) => received.push(m));
    const first = nextMessage(peer, 'partners');
    await store.publish('restrictions', '{"scope":"service"}');
    await store.publish('partners', 'p-1');
    expect(await first).toBe('p-1');
    expect(received).toEqual(['{"scope":"service"}']);

    await stop();
    const second = nextMessage(peer, 'partners');
    await store.publish('restrictions', 'after unsubscribe');
    await store.publish('partners', 'p-2');
    // Messages on one connection arrive in order: once p-2 is in, the other would have been too.
    expect(await second).toBe('p-2');
    expect(received).toEqual(['{"scope":"service"}']);
  });

  it('appendToStream gives growing ids from the entry times, and readStream reads them back in order', async () => {
    const t = 1_900_000_000_000;
    const ids = await store.appendToStream('log', [
      { atMs: t, value: 'a' },
      { atMs: t, value: '普通預金 "b"' },
      { atMs: t + 5, value: 'c' },
    ]);
    expect(ids).toEqual([`${t}-0`, `${t}-1`, `${t + 5}-0`]);
    expect(await store.appendToStream('log', [{ atMs: t + 9, value: 'd' }])).toEqual([`${t + 9}-0`]);
    expect((await store.readStream('log')).map((e) => e.value)).toEqual(['a', '普通預金 "b"', 'c', 'd']);
    expect(await store.readStream('log', { fromMs: t + 1, toMs: t + 5 })).toEqual([{ id: `${t + 5}-0`, value: 'c' }]);
    expect(await store.readStream('log', { after: `${t}-0`, count: 2 })).toEqual([
      { id: `${t}-1`, value: '普通預金 "b"' },
      { id: `${t + 5}-0`, value: 'c' },
    ]);
    expect(await store.readStream('missing')).toEqual([]);
    expect(await store.appendToStream('log', [])).toEqual([]);
  });

  it("appendToStream keeps ids growing when an entry's time is behind the newest, even after deletions", async () => {
    const t = 1_900_000_000_000;
    await store.appendToStream('log', [{ atMs: t + 100, value: 'ahead' }]);
    expect(await store.appendToStream('log', [{ atMs: t, value: 'behind' }])).toEqual([`${t + 100}-1`]);
    expect(await store.deleteFromStream('log', [`${t + 100}-1`, `${t + 100}-7`])).toBe(1);
    expect(await store.appendToStream('log', [{ atMs: t, value: 'after delete' }])).toEqual([`${t + 100}-2`]);
    expect((await store.readStream('log')).map((e) => e.value)).toEqual(['ahead', 'after delete']);
    expect(await store.deleteFromStream('log', [])).toBe(0);
    expect(await store.deleteFromStream('missing', [`${t}-0`])).toBe(0);
    expect(await store.streamLength('log')).toBe(2);
    expect(await store.streamLength('missing')).toBe(0);
  });

  it('appendToStream with trimBeforeMs never drops newer entries; the stream is a key that del removes', async () => {
    const t = 1_900_000_000_000;
    const old = Array.from({ length: 5 }, (_, i) => ({ atMs: t + i, value: `old ${i}` }));
    const recent = Array.from({ length: 5 }, (_, i) => ({ atMs: t + 1000 + i, value: `recent ${i}` }));
    await store.appendToStream('log', old);
    await store.appendToStream('log', recent, t + 1000);
    const values = (await store.readStream('log')).map((e) => e.value);
    // Redis trims whole blocks only (MINID ~), so old entries may stay; recent ones always do.
    expect(values.slice(-5)).toEqual(recent.map((e) => e.value));
    const keptOld = values.slice(0, -5);
    expect(keptOld).toEqual(old.slice(old.length - keptOld.length).map((e) => e.value));
    expect(await store.keysWithPrefix('lo')).toEqual(['log']);
    expect(await store.del(['log'])).toBe(1);
    expect(await store.readStream('log')).toEqual([]);
  });

  it('addToSortedSet keeps members in score order, prunes those below pruneBelow, and grows the TTL', async () => {
    await store.addToSortedSet(
      'z',
      [
        { member: 'b', score: 20 },
        { member: 'a', score: 10 },
      ],
      100,
    );
    expect(await store.sortedSetRange('z')).toEqual([
      { member: 'a', score: 10 },
      { member: 'b', score: 20 },
    ]);
    expect(await store.ttl('z')).toBe(100);
    await store.addToSortedSet('z', [{ member: 'c', score: 30 }], 50, 15);
    expect((await store.sortedSetRange('z')).map((m) => m.member)).toEqual(['b', 'c']);
    expect(await store.ttl('z')).toBe(100);
    await store.addToSortedSet('z', [{ member: 'b', score: 40 }], 200);
    expect(await store.sortedSetRange('z', { min: 25 })).toEqual([
      { member: 'c', score: 30 },
      { member: 'b', score: 40 },
    ]);
    expect(await store.sortedSetRange('z', { max: 35 })).toEqual([{ member: 'c', score: 30 }]);
    expect(await store.ttl('z')).toBe(200);
    await store.removeFromSortedSet('z', ['b', 'c', 'never']);
    expect(await store.sortedSetRange('z')).toEqual([]);
    expect(await store.keysWithPrefix('z')).toEqual([]);
  });

  it('addToSortedSet that prunes every member leaves no key', async () => {
    await store.addToSortedSet('pruned', [{ member: 'old', score: 1 }], 100, 5);
    expect(await store.keysWithPrefix('pruned')).toEqual([]);
    await store.addToSortedSet('pruned', [], 100);
    expect(await store.keysWithPrefix('pruned')).toEqual([]);
  });

  it('writeTogether applies writes of one hash slot in order, all of them', async () => {
    await store.set('w:{g1}:old', 'x');
    await store.writeTogether([
      { op: 'set', key: 'w:{g1}:a', value: JSON.stringify({ name: '普通預金', list: [] }), ttlSeconds: 100 },
      { op: 'set', key: 'w:{g1}:b', value: 'plain' },
      { op: 'del', key: 'w:{g1}:old' },
      { op: 'addToSortedSet', key: 'w:{g1}:z', members: [{ member: 'm', score: 1_900_000_000 }], ttlSeconds: 60 },
      { op: 'addToSortedSet', key: 'w:{g1}:z', members: [{ member: 'n', score: 5 }], ttlSeconds: 60, pruneBelow: 10 },
    ]);
    expect(JSON.parse((await store.get('w:{g1}:a'))!)).toEqual({ name: '普通預金', list: [] });
    expect(await store.ttl('w:{g1}:a')).toBe(100);
    expect(await store.get('w:{g1}:b')).toBe('plain');
    expect(await store.ttl('w:{g1}:b')).toBeUndefined();
    expect(await store.get('w:{g1}:old')).toBeUndefined();
    expect(await store.sortedSetRange('w:{g1}:z')).toEqual([{ member: 'm', score: 1_900_000_000 }]);
    await store.writeTogether([{ op: 'removeFromSortedSet', key: 'w:{g1}:z', members: ['m'] }]);
    expect(await store.keysWithPrefix('w:{g1}:z')).toEqual([]);
  });

  it('writeTogether refuses keys of different slots, and a write of the wrong type, writing nothing', async () => {
    await expect(
      store.writeTogether([
        { op: 'set', key: 'x:{g1}', value: '1' },
        { op: 'set', key: 'x:{g2}', value: '2' },
      ]),
    ).rejects.toThrow(TypeError);
    await store.set('t:{g3}:string', 'v');
    await expect(
      store.writeTogether([
        { op: 'set', key: 't:{g3}:first', value: '1' },
        { op: 'addToSortedSet', key: 't:{g3}:string', members: [{ member: 'm', score: 1 }], ttlSeconds: 10 },
      ]),
    ).rejects.toThrow();
    expect(await store.keysWithPrefix('x:')).toEqual([]);
    expect(await store.get('t:{g3}:first')).toBeUndefined();
  });

  it('describeKey names the type and the TTL, and none for a missing key', async () => {
    await store.set('d:s', 'v', 100);
    await store.set('d:p', 'v');
    await store.addToSet('d:set', ['a'], 100);
    await store.addToSortedSet('d:z', [{ member: 'a', score: 1 }], 100);
    await store.appendToStream('d:x', [{ atMs: 1000, value: 'v' }]);
    expect(await store.describeKey('d:s')).toEqual({ type: 'string', ttlSeconds: 100 });
    expect(await store.describeKey('d:p')).toEqual({ type: 'string' });
    expect(await store.describeKey('d:set')).toEqual({ type: 'set', ttlSeconds: 100 });
    expect(await store.describeKey('d:z')).toEqual({ type: 'zset', ttlSeconds: 100 });
    expect(await store.describeKey('d:x')).toEqual({ type: 'stream' });
    expect(await store.describeKey('d:missing')).toEqual({ type: 'none' });
  });

  it('ping answers', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  // The only test that lets time pass; on Redis it waits just over a second.
  it('after the TTL keys are gone, and nothing about them survives', async () => {
    await store.set('s', 'v', 1);
    await store.set('token', JSON.stringify({ jti: 't' }), 1);
    await store.addToSet('index', ['a'], 1);
    await store.incr('counter', 1);
    await store.set('kept', 'v');
    await store.set('read:{x}', 'v');
    await store.getAndMark('read:{x}', { key: 'mark:{x}', ttlSeconds: 1 });
    await ctx.passSeconds(1);

    expect(await store.getMany(['s', 'token', 'counter'])).toEqual([undefined, undefined, undefined]);
    expect(await store.setMembers('index')).toEqual([]);
    await store.markConsumed('token', 1_900_000_000);
    expect(await store.get('token')).toBeUndefined();
    expect(await store.incr('counter', 100)).toBe(1);
    expect(await store.ttl('counter')).toBe(100);
    await store.addToSet('index', ['b'], 100);
    expect(await store.setMembers('index')).toEqual(['b']);
    expect(await store.ttl('index')).toBe(100);
    expect(await store.setIfAbsent('s', 'again', 100)).toBe(true);
    expect(await store.getAndMark('read:{x}', { key: 'mark:{x}', ttlSeconds: 100 })).toEqual({
      value: 'v',
      fresh: true,
    });
    expect((await store.keysWithPrefix('')).sort()).toEqual(['counter', 'index', 'kept', 'mark:{x}', 'read:{x}', 's']);
  });
};
