import { randomUUID } from 'node:crypto';
import { CHECKPOINTS_STREAM, readEventEntries } from '../../src/audit/trail-stream.ts';
import type { RecordedAuditEvent } from '../../src/audit/audit-log.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import type { RedisStore } from '../../src/store/redis-store.ts';
import { connectedRedis, dataCall, trailOn, verify } from './support.ts';

const EVENTS_PER_INSTANCE = 50;
let clock: ManualClock;
let stores: RedisStore[];
let store: RedisStore;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2030, 3, 1));
  const keyPrefix = `test:${randomUUID()}:`;
  stores = await Promise.all([0, 1, 2].map(() => connectedRedis(keyPrefix)));
  store = stores[2];
});
afterEach(async () => {
  await store.del(await store.keysWithPrefix(''));
  await Promise.all(stores.map((s) => s.close()));
});

/** Two instances, each with its own connection, recording at once; checkpoints every 10 events and at close. */
const writeTwoInstances = async () => {
  const trails = [
    trailOn(stores[0], clock, { instance: 'web-1', every: 10 }),
    trailOn(stores[1], clock, { instance: 'web-2', every: 10 }),
  ];
  for (let i = 0; i < EVENTS_PER_INSTANCE; i += 1) {
    clock.advance(7);
    await Promise.all(trails.map((t) => t.record(dataCall(i))));
  }
  await Promise.all(trails.map((t) => t.close()));
};

/** Every event as the verifier reads them: each instance's stream, merged in id order. */
const storedEvents = async () => {
  const out: { id: string; stream: string; event: RecordedAuditEvent }[] = [];
  for await (const e of readEventEntries(store))
    out.push({ id: e.id, stream: e.stream, event: JSON.parse(e.value) as RecordedAuditEvent });
  return out;
};
const chainOf = async (instance: string) => (await storedEvents()).filter((e) => e.event.instance === instance);

describe('audit:verify on a trail two instances wrote at once (Redis)', () => {
  test('an untouched trail passes: two chains, each checkpointed to its end', async () => {
    await writeTwoInstances();
    const report = await verify(store, clock);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.events).toBe(2 * EVENTS_PER_INSTANCE);
    expect(report.chains.map((c) => [c.instance, c.events, c.firstSeq, c.lastSeq, c.checkpointedSeq]).sort()).toEqual([
      ['web-1', 50, 1, 50, 50],
      ['web-2', 50, 1, 50, 50],
    ]);
    // The two chains really interleave in the trail (each instance's buffer stream, merged).
    const instances = (await storedEvents()).slice(0, 10).map((e) => e.event.instance);
    expect(new Set(instances)).toEqual(new Set(['web-1', 'web-2']));
  });

  test('an altered event is named: the stream cannot edit in place, so it is deleted and re-added changed', async () => {
    await writeTwoInstances();
    const target = (await chainOf('web-1')).find((e) => e.event.seq === 17)!;
    await store.deleteFromStream(target.stream, [target.id]);
    const forged = { ...target.event, details: { ...target.event.details, status: 500 } };
    const [newId] = await store.appendToStream(target.stream, [{ atMs: clock.now(), value: JSON.stringify(forged) }]);

    const report = await verify(store, clock);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'altered', chain: target.event.chain, seq: 17 });
    expect(report.problems[0].message).toContain(newId);
  });

  test('the newest event, which no later event links to, is caught by the checkpoint when altered', async () => {
    await writeTwoInstances();
    const chain = await chainOf('web-2');
    const newest = chain.find((e) => e.event.seq === EVENTS_PER_INSTANCE)!;
    await store.deleteFromStream(newest.stream, [newest.id]);
    await store.appendToStream(newest.stream, [
      { atMs: clock.now(), value: JSON.stringify({ ...newest.event, partnerId: 'someone-else' }) },
    ]);

    const report = await verify(store, clock);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([['altered', EVENTS_PER_INSTANCE]]);
    expect(report.problems[0].message).toMatch(/does not match checkpoint/);
  });

  test('a deleted event is named with its neighbours', async () => {
    await writeTwoInstances();
    const chain = await chainOf('web-2');
    const deleted = chain.find((e) => e.event.seq === 23)!;
    await store.deleteFromStream(deleted.stream, [deleted.id]);

    const report = await verify(store, clock);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'deleted', chain: chain[0].event.chain, seq: 23 }),
    ]);
    expect(report.problems[0].message).toMatch(/^event 23 deleted: between event 22 .* and event 24/);
  });

  test('the newest events cut off are named as missing from the end', async () => {
    await writeTwoInstances();
    const chain = await chainOf('web-1');
    await store.deleteFromStream(
      chain[0].stream,
      chain.slice(-3).map((e) => e.id),
    );

    const report = await verify(store, clock);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'missing_at_end', chain: chain[0].event.chain, seq: 48 }),
    ]);
    expect(report.problems[0].message).toMatch(
      /^events 48–50 missing from the end: checkpoint .* fixed the chain at 50 events, the newest present is event 47/,
    );
  });

  test('a checkpoint that was edited or signed with another key is rejected', async () => {
    await writeTwoInstances();
    const [first] = await store.readStream(CHECKPOINTS_STREAM);
    const [header, payload, signature] = first.value.split('.');
    const edited = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), seq: 1 }),
    ).toString('base64url');
    await store.appendToStream(CHECKPOINTS_STREAM, [{ atMs: clock.now(), value: `${header}.${edited}.${signature}` }]);

    const report = await verify(store, clock);
    expect(report.problems.map((p) => p.kind)).toEqual(['bad_checkpoint']);
  });
});
