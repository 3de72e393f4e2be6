import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, canonicalText, eventHash, GENESIS } from '../../src/audit/hash-chain.ts';
import { CHECKPOINTS_STREAM, eventsStreamOf } from '../../src/audit/trail-stream.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createDeadlines } from '../../src/shared/deadline.ts';
import { UnavailableError } from '../../src/shared/unavailable.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { dataCall, RETENTION_DAYS, trailOn, verify } from './support.ts';

const START = Date.UTC(2030, 3, 1, 0, 0, 0);
/** The buffer stream of instance web-1. */
const WEB_1 = eventsStreamOf('web-1');
let clock: ManualClock;
let store: MemoryStore;

beforeEach(() => {
  clock = new ManualClock(START);
  store = new MemoryStore(clock);
});

describe('hash chain', () => {
  test('canonical JSON sorts keys at every level and drops undefined, so a stored copy hashes the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: '普通' }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":"普通","y":2}]},"b":1}',
    );
    const event = {
      id: 'e1',
      time: '2030-04-01T00:00:00.000Z',
      instance: 'i',
      chain: 'i/1',
      seq: 1,
      prev: GENESIS,
      kind: 'k',
      result: 'success' as const,
      details: { z: 1, a: 2 },
    };
    const roundTripped = JSON.parse(JSON.stringify({ ...event, details: { a: 2, z: 1 } }));
    expect(eventHash(roundTripped)).toBe(eventHash(event));
    expect(eventHash({ ...event, details: { z: 1, a: 3 } })).not.toBe(eventHash(event));
  });
});

describe('serialised once', () => {
  test('the text written is what a verifier hashes: canonicalJson of its parse gives it back, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
        for (const value of [json, { a: anything, b: [anything] }]) {
          let text: string | undefined;
          try {
            text = canonicalText(value);
          } catch {
            continue; // what JSON.stringify refuses too (BigInt)
          }
          if (text === undefined) continue;
          expect(canonicalJson(JSON.parse(text))).toBe(text);
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  test("each stored entry is canonical text, and the next event's prev is its SHA-256", async () => {
    const trail = trailOn(store, clock, { instance: 'web-1' });
    await Promise.all([1, 2, 3].map((n) => trail.record({ ...dataCall(n), details: { z: n, a: { y: 1, x: [n] } } })));
    const entries = await store.readStream(WEB_1);
    expect(entries).toHaveLength(3);
    for (const [i, entry] of entries.entries()) {
      expect(canonicalJson(JSON.parse(entry.value))).toBe(entry.value);
      if (i > 0)
        expect(JSON.parse(entry.value).prev).toBe(
          createHash('sha256')
            .update(entries[i - 1].value)
            .digest('hex'),
        );
    }
    expect((await verify(store, clock)).ok).toBe(true);
  });
});

describe('audit trail on the embedded store', () => {
  test('events are stored in order with time, instance and a chain of hashes; the log gets the same line', async () => {
    const lines: string[] = [];
    const trail = trailOn(store, clock, { instance: 'web-1', logger: createLogger({ write: (l) => lines.push(l) }) });
    await trail.record({
      kind: 'identity_check.success',
      result: 'success',
      partnerId: 'demo-kakeibo',
      customerId: 'c1',
    });
    clock.advance(1000);
    await Promise.all([trail.record(dataCall(1)), trail.record(dataCall(2))]);

    const events = await trail.query({});
    expect(events.map((e) => [e.kind, e.seq])).toEqual([
      ['identity_check.success', 1],
      ['data.access', 2],
      ['data.access', 3],
    ]);
    expect(events[0]).toMatchObject({
      instance: 'web-1',
      time: new Date(START).toISOString(),
      prev: GENESIS,
      customerId: 'c1',
    });
    expect(events[0].chain).toMatch(/^web-1\/[0-9a-f]{8}$/);
    expect(events[1].prev).toBe(eventHash(events[0]));
    expect(events[2].prev).toBe(eventHash(events[1]));
    expect(events[2].prevTime).toBe(events[1].time);
    const logged = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'audit')
      .map((l) => l.audit);
    expect(logged).toEqual(events);
  });

  test("query filters by customer (with the events of the customer's grants), partner, kind family and time, oldest first", async () => {
    const trail = trailOn(store, clock, { instance: 'web-1' });
    await trail.record({
      kind: 'consent.granted',
      result: 'success',
      partnerId: 'p1',
      customerId: 'c1',
      details: { grantId: 'g1' },
    });
    clock.advance(1000);
    await trail.record({
      kind: 'consent.granted',
      result: 'success',
      partnerId: 'p2',
      customerId: 'c2',
      details: { grantId: 'g2' },
    });
    clock.advance(1000);
    const third = clock.now();
    await trail.record(dataCall(1, 'p1', 'g1'));
    await trail.record(dataCall(2, 'p2', 'g2'));
    clock.advance(1000);
    await trail.record({ kind: 'identity_check.failure', result: 'failure', partnerId: 'p1' });

    const kinds = async (filter: Parameters<typeof trail.query>[0]) =>
      (await trail.query(filter)).map((e) => `${e.kind}:${e.partnerId}`);
    expect(await kinds({ customerId: 'c1' })).toEqual(['consent.granted:p1', 'data.access:p1']);
    // The consent lies before `from`, yet it still ties grant g1 to the customer.
    expect(await kinds({ customerId: 'c1', from: third })).toEqual(['data.access:p1']);
    expect(await kinds({ partnerId: 'p1' })).toEqual([
      'consent.granted:p1',
      'data.access:p1',
      'identity_check.failure:p1',
    ]);
    expect(await kinds({ kind: 'identity_check.' })).toEqual(['identity_check.failure:p1']);
    expect(await kinds({ kind: 'data.*', partnerId: 'p2' })).toEqual(['data.access:p2']);
    expect(await kinds({ from: START + 1000, to: third })).toEqual(['consent.granted:p2']);
    expect(await kinds({ limit: 2 })).toEqual(['consent.granted:p1', 'consent.granted:p2']);
  });

  test('a checkpoint is signed every N events, when the interval has passed, and at close', async () => {
    const trail = trailOn(store, clock, { instance: 'web-1', every: 3, seconds: 60 });
    for (let i = 0; i < 4; i += 1) await trail.record(dataCall(i));
    expect(await store.readStream(CHECKPOINTS_STREAM)).toHaveLength(1);
    clock.advance(61_000);
    await trail.record(dataCall(5));
    await trail.flush();
    expect(await store.readStream(CHECKPOINTS_STREAM)).toHaveLength(2);
    await trail.record(dataCall(6));
    await trail.close();
    const report = await verify(store, clock);
    expect(report.checkpoints).toBe(3);
    expect(report.chains).toEqual([expect.objectContaining({ events: 6, checkpointedSeq: 6 })]);
    expect(report.ok).toBe(true);
  });

  test('a failed write rejects, is still logged, and the next events start a new chain that verifies', async () => {
    const lines: string[] = [];
    const trail = trailOn(store, clock, { instance: 'web-1', logger: createLogger({ write: (l) => lines.push(l) }) });
    await trail.record(dataCall(1));
    const append = store.appendToStream.bind(store);
    store.appendToStream = async () => {
      throw new StoreUnavailableError('redis: down');
    };
    await expect(trail.record(dataCall(2))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(
      lines.some((l) => JSON.parse(l).msg === 'audit event not stored' && JSON.parse(l).audit.details.n === 2),
    ).toBe(true);
    store.appendToStream = append;
    await trail.record(dataCall(3));
    await trail.close();

    const events = await trail.query({});
    expect(events.map((e) => e.details?.n)).toEqual([1, 3]);
    expect(events[1].chain).not.toBe(events[0].chain);
    expect(events[1].seq).toBe(1);
    expect((await verify(store, clock)).ok).toBe(true);
  });

  test('retention trims old events, and the verifier accepts a chain whose beginning was trimmed', async () => {
    const trail = trailOn(store, clock, { instance: 'web-1', every: 2 });
    await trail.record(dataCall(1));
    await trail.record(dataCall(2));
    clock.advance((RETENTION_DAYS + 1) * 86_400_000);
    await trail.record(dataCall(3));
    await trail.close();

    expect((await trail.query({})).map((e) => e.details?.n)).toEqual([3]);
    const report = await verify(store, clock);
    expect(report.problems).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/events before 3 are past the retention period/);
  });

  test('exportEvents gives JSON Lines, and CSV with a header, quoting and formula protection', async () => {
    const trail = trailOn(store, clock, { instance: 'web-1' });
    await trail.record({
      kind: 'grant.ended',
      result: 'success',
      actor: '=HYPERLINK("x")',
      partnerId: 'p1',
      customerId: 'c1',
      details: { grantId: 'g1', note: 'a, "b"\nc' },
    });
    const jsonl: string[] = [];
    for await (const line of trail.exportEvents({}, 'jsonl')) jsonl.push(line);
    expect(jsonl).toHaveLength(1);
    expect(JSON.parse(jsonl[0])).toMatchObject({ kind: 'grant.ended', grantId: 'g1', details: { note: 'a, "b"\nc' } });

    const csv: string[] = [];
    for await (const line of trail.exportEvents({}, 'csv')) csv.push(line);
    expect(csv[0]).toBe(
      '\uFEFFtime,kind,result,actor,partnerId,customerId,accountIds,requestId,grantId,details,' +
        'id,instance,chain,seq\r\n',
    );
    expect(csv[1]).toContain(
      `,grant.ended,success,"'=HYPERLINK(""x"")",p1,c1,,,g1,"{""grantId"":""g1"",""note"":""a, \\""b\\""\\nc""}",`,
    );
  });

  test("the stored events are the entries of the instance's buffer stream, one per event", async () => {
    const trail = trailOn(store, clock, { instance: 'web-1' });
    await trail.record(dataCall(1));
    const [entry] = await store.readStream(WEB_1);
    expect(entry.id).toBe(`${START}-0`);
    expect(JSON.parse(entry.value)).toMatchObject({ kind: 'data.access', seq: 1 });
  });
});

describe('group commit and request deadlines', () => {
  test('the events of concurrent requests go to the buffer stream in one write, each caller told once it is stored', async () => {
    const trail = trailOn(store, clock, { instance: 'web-1' });
    const append = jest.spyOn(store, 'appendToStream');
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((n) => trail.record(dataCall(n))));
    const eventWrites = append.mock.calls.filter(([key]) => key === WEB_1);
    expect(eventWrites).toHaveLength(1);
    expect(eventWrites[0][1]).toHaveLength(8);
    expect(await store.readStream(WEB_1)).toHaveLength(8);
  });

  test('a request whose event cannot be stored by its deadline is told "unavailable", and one behind it is not held beyond its own', async () => {
    const deadlines = createDeadlines();
    const trail = trailOn(store, clock, { instance: 'web-1', deadlines });
    // A store that stalls: the write never answers.
    const stalled = new Promise<string[]>(() => undefined);
    jest.spyOn(store, 'appendToStream').mockReturnValue(stalled);
    const first = deadlines.run(30, () => trail.record(dataCall(1)));
    await expect(first).rejects.toBeInstanceOf(StoreUnavailableError);
    // The first write still hangs; a second request still answers by its own deadline, not after the first write.
    const second = deadlines.run(30, () => trail.record(dataCall(2)));
    await expect(second).rejects.toBeInstanceOf(UnavailableError);
  });

  test('an event whose request gave up before it was sent is not written later', async () => {
    const deadlines = createDeadlines();
    const lines: string[] = [];
    const trail = trailOn(store, clock, {
      instance: 'web-1',
      deadlines,
      logger: createLogger({ write: (l) => lines.push(l) }),
    });
    await expect(deadlines.run(0, () => trail.record(dataCall(1)))).rejects.toBeInstanceOf(StoreUnavailableError);
    await trail.record(dataCall(2));
    const stored = (await store.readStream(WEB_1)).map((e) => JSON.parse(e.value).details.n);
    expect(stored).toEqual([2]);
    expect(lines.join('\n')).toContain('audit event not stored');
  });
});
