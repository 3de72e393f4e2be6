import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAuditTrail, createCheckpointSigner, type AuditTrail } from '../../src/audit/index.ts';
import { canonicalJson } from '../../src/audit/hash-chain.ts';
import { CHECKPOINTS_STREAM, eventStreams, eventsStreamOf } from '../../src/audit/trail-stream.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { applyAuditRetention, verifyRecordedTrail } from '../../src/audit/verify-records.ts';
import { createAuditArchiver, type AuditArchiver } from '../../src/records/audit-archiver.ts';
import { createPostgresRecordStore, type RecordStore } from '../../src/records/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { RedisStore } from '../../src/store/redis-store.ts';
import { connectedRedis, dataCall, demoSigningKeys } from '../audit/support.ts';
import { ensurePartitions } from '../../src/records/migrate.ts';
import pg from 'pg';
import { asOwner, freshRecordDatabase, type RecordDatabase } from '../support/records.ts';

// The audit trail with Redis as its buffer and PostgreSQL as its record: archived, searched,
// verified, tampered with, and trimmed by retention.
const START = Date.UTC(2026, 0, 10);
let db: RecordDatabase;
let records: RecordStore;
let store: RedisStore;
let clock: ManualClock;

beforeAll(async () => {
  db = await freshRecordDatabase({ partitionsFromMs: START });
});
afterAll(async () => db.drop());
beforeEach(async () => {
  await asOwner(db, 'TRUNCATE records.audit_events, records.audit_checkpoints, records.audit_retention');
  // A test of retention drops months: make them again.
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await ensurePartitions(owner, { nowMs: Date.now(), monthsAhead: 3, fromMs: START }).finally(() => owner.end());
  records = createPostgresRecordStore({ url: db.url, ownerUrl: db.ownerUrl });
  store = await connectedRedis(`test:${randomUUID()}:`);
  clock = new ManualClock(START);
});
afterEach(async () => {
  await store.del(await store.keysWithPrefix(''));
  await store.close();
  await records.close();
});

const logger = createLogger({ write: () => {} });
/** The archiver of one instance's buffer stream. */
const archiverOn = (instance: string): AuditArchiver =>
  createAuditArchiver({
    store,
    records,
    clock,
    logger,
    streams: { events: eventsStreamOf(instance), checkpoints: CHECKPOINTS_STREAM },
    settings: { batchSize: 7, intervalMs: 50, retryMs: 20 },
  });
const trailWith = (archiver: AuditArchiver, instance: string): AuditTrail =>
  createAuditTrail({
    store,
    clock,
    instance,
    logger,
    settings: { retentionDays: 400, checkpointEveryEvents: 10, checkpointEverySeconds: 86_400 },
    signer: createCheckpointSigner(demoSigningKeys()),
    checkpointTimer: false,
    records: { store: records, archiver },
  });
const verify = () => verifyRecordedTrail({ records, signingKeys: demoSigningKeys() });

/** 30 data calls from each of two instances, checkpointed every 10 and at close, all archived. */
const writeTrail = async (each = 30, stepMs = 60_000) => {
  const archivers = [archiverOn('web-1'), archiverOn('web-2')];
  const trails = [trailWith(archivers[0], 'web-1'), trailWith(archivers[1], 'web-2')];
  for (let i = 0; i < each; i += 1) {
    clock.advance(stepMs);
    await Promise.all(trails.map((t) => t.record(dataCall(i))));
  }
  await Promise.all(trails.map((t) => t.close()));
  for (const archiver of archivers) await archiver.drain();
  return { archivers, trails };
};

const rowsOf = async (instance: string) =>
  (
    await asOwner<{ id: string; time: Date; seq: string; chain: string }>(
      db,
      'SELECT id, time, seq, chain FROM records.audit_events WHERE instance = $1 ORDER BY seq',
      [instance],
    )
  ).rows;

describe('the audit trail archived to PostgreSQL', () => {
  test('every event reaches PostgreSQL in batches and leaves the Redis buffer, checkpoints too', async () => {
    const { archivers, trails } = await writeTrail();
    for (const archiver of archivers)
      expect(archiver.status()).toMatchObject({ archived: 30, lagMs: 0, failing: false });
    expect(await store.readStream(eventsStreamOf('web-1'))).toEqual([]);
    expect(await store.readStream(eventsStreamOf('web-2'))).toEqual([]);
    expect(await store.readStream(CHECKPOINTS_STREAM)).toEqual([]);
    const count = await asOwner<{ n: number }>(db, 'SELECT count(*)::int AS n FROM records.audit_events');
    expect(count.rows[0].n).toBe(60);
    const page = await trails[0].search({ partnerId: 'demo-kakeibo' }, { limit: 25 });
    expect(page.events).toHaveLength(25);
    expect(page.next).toBeDefined();
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.instance, c.events, c.checkpointedSeq])).toEqual(
      expect.arrayContaining([
        ['web-1', 30, 30],
        ['web-2', 30, 30],
      ]),
    );
  });

  test('audit:verify names an altered event', async () => {
    await writeTrail();
    const target = (await rowsOf('web-1'))[16];
    await asOwner(db, `UPDATE records.audit_events SET body = replace(body, '"n":16', '"n":99') WHERE id = $1`, [
      target.id,
    ]);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'altered', chain: target.chain, seq: 17 });
    expect(report.problems[0].message).toContain(target.id);
  });

  test('audit:verify names an event whose search columns were changed to hide it', async () => {
    await writeTrail();
    const target = (await rowsOf('web-2'))[4];
    await asOwner(db, `UPDATE records.audit_events SET partner_id = 'someone-else' WHERE id = $1`, [target.id]);
    const report = await verify();
    expect(report.problems[0]).toMatchObject({ kind: 'altered', chain: target.chain, seq: 5 });
    expect(report.problems[0].message).toContain('partner');
  });

  test('audit:verify names a deleted event', async () => {
    await writeTrail();
    const target = (await rowsOf('web-2'))[11];
    await asOwner(db, 'DELETE FROM records.audit_events WHERE id = $1', [target.id]);
    const report = await verify();
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'deleted', chain: target.chain, seq: 12 })]);
  });

  test('audit:verify names events missing from the end of a chain, by its signed checkpoint', async () => {
    await writeTrail();
    const rows = await rowsOf('web-1');
    await asOwner(db, 'DELETE FROM records.audit_events WHERE chain = $1 AND seq > 27', [rows[0].chain]);
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'missing_at_end', chain: rows[0].chain, seq: 28 }),
    ]);
  });

  test('audit:verify names the first events of a chain deleted', async () => {
    await writeTrail();
    const rows = await rowsOf('web-1');
    await asOwner(db, 'DELETE FROM records.audit_events WHERE chain = $1 AND seq <= 2', [rows[0].chain]);
    const report = await verify();
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'deleted', chain: rows[0].chain, seq: 1 })]);
  });

  test('audit:verify rejects a forged checkpoint', async () => {
    await writeTrail();
    await asOwner(
      db,
      `UPDATE records.audit_checkpoints SET jws = jws || 'x'
        WHERE id = (SELECT min(id) FROM records.audit_checkpoints)`,
    );
    const report = await verify();
    expect(report.problems.map((p) => p.kind)).toContain('bad_checkpoint');
  });

  test('retention drops whole months and what remains verifies from a signed checkpoint; a deletion after it is still named', async () => {
    // One event a day from 10 January for 60 days: January, February and March.
    await writeTrail(60, 86_400_000);
    clock.set(Date.UTC(2026, 2, 20));
    const result = await applyAuditRetention({
      records,
      signingKeys: demoSigningKeys(),
      retentionDays: 40, // 40 days before 20 March: 8 February, rounded down to 1 February
      now: clock.now(),
    });
    expect(result).toEqual({ cutBefore: Date.UTC(2026, 1, 1), checkpoints: 2 });
    const partitions = await asOwner<{ relname: string }>(
      db,
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'audit_events' ORDER BY 1`,
    );
    expect(partitions.rows.map((r) => r.relname)).not.toContain('audit_events_p202601');
    const ok = await verify();
    expect(ok.problems).toEqual([]);
    expect(ok.notes.join('\n')).toMatch(/removed by retention; verified from checkpoint/);
    const rows = await rowsOf('web-2');
    expect(new Date(rows[0].time).getTime()).toBeGreaterThanOrEqual(Date.UTC(2026, 1, 1));
    await asOwner(db, 'DELETE FROM records.audit_events WHERE id = $1', [rows[0].id]);
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'deleted', chain: rows[0].chain, seq: Number(rows[0].seq) }),
    ]);
  });

  test('npm run audit:verify reads the trail in PostgreSQL: exit 0 when intact, 1 naming the event altered', async () => {
    await writeTrail(12);
    const run = () =>
      promisify(execFile)(
        process.execPath,
        ['--experimental-strip-types', '--no-warnings', 'src/cli/audit-verify.ts'],
        {
          cwd: join(import.meta.dirname, '..', '..'),
          env: { ...process.env, DATABASE_URL: db.url, NODE_ENV: 'test' },
        },
      );
    const intact = await run();
    expect(intact.stdout).toContain('audit trail: 24 events in 2 chains');
    expect(intact.stdout).toContain('OK: every chain is intact');
    const target = (await rowsOf('web-1'))[3];
    await asOwner(
      db,
      `UPDATE records.audit_events SET body = replace(body, '"status":200', '"status":500') WHERE id = $1`,
      [target.id],
    );
    const failed = await run().then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(new RegExp(`event 4 \\(data.access at [^)]*id ${target.id}\\) altered`));
  });

  test('the application role cannot apply retention: only the owner drops partitions', async () => {
    await writeTrail(3);
    const appOnly = createPostgresRecordStore({ url: db.url });
    try {
      await expect(appOnly.dropAuditBefore(Date.UTC(2026, 5, 1))).rejects.toThrow(/owner role/);
    } finally {
      await appOnly.close();
    }
  });
});

describe("each instance's buffer", () => {
  test('the record store keeps the text the buffer held, byte for byte: the event was serialised once', async () => {
    const archiver = archiverOn('web-1');
    const trail = trailWith(archiver, 'web-1');
    await trail.record({ ...dataCall(1), details: { z: 1, a: [undefined, 2], m: { y: '普通', x: 1 } } });
    await trail.flush();
    const [entry] = await store.readStream(eventsStreamOf('web-1'));
    expect(canonicalJson(JSON.parse(entry.value))).toBe(entry.value);
    await archiver.drain();
    const rows = await asOwner<{ body: string }>(db, 'SELECT body FROM records.audit_events');
    expect(rows.rows.map((r) => r.body)).toEqual([entry.value]);
    expect(entry.value).toContain('"details":{"a":[null,2],"m":{"x":1,"y":"普通"},"z":1}');
  });

  test("an instance's archiver sweeps the streams nobody drains any more (a stopped instance, the older shared one)", async () => {
    const gone = trailWith(archiverOn('web-9'), 'web-9');
    for (let i = 0; i < 3; i += 1) await gone.record(dataCall(i));
    await gone.close();
    await store.appendToStream('audit:events', [{ atMs: START, value: 'not an event' }]);
    const archiver = createAuditArchiver({
      store,
      records,
      clock,
      logger,
      streams: { events: eventsStreamOf('web-1'), checkpoints: CHECKPOINTS_STREAM },
      eventStreams: () => eventStreams(store),
      settings: { batchSize: 2, intervalMs: 50, retryMs: 20 },
    });
    await archiver.drain();
    expect(await store.readStream(eventsStreamOf('web-9'))).toEqual([]);
    // What is not an event stays, as evidence.
    expect(await store.readStream('audit:events')).toHaveLength(1);
    expect((await rowsOf('web-9')).map((r) => Number(r.seq))).toEqual([1, 2, 3]);
    expect((await verify()).problems).toEqual([]);
  });

  test('bounded: data calls are refused (503) once it holds its data share, other events use the reserved rest; emptied, calls go on', async () => {
    const archiver = archiverOn('web-1');
    const trail = createAuditTrail({
      store,
      clock,
      instance: 'web-1',
      logger,
      // 10 events: 8 for data calls, 2 reserved.
      settings: {
        retentionDays: 400,
        checkpointEveryEvents: 1000,
        checkpointEverySeconds: 86_400,
        buffer: { hours: 10 / 3600, peakEventsPerSecond: 1, reservedShare: 0.2 },
      },
      signer: createCheckpointSigner(demoSigningKeys()),
      checkpointTimer: false,
      records: { store: records, archiver },
    });
    for (let i = 0; i < 8; i += 1) await trail.record(dataCall(i));
    expect(trail.buffer?.()).toMatchObject({ length: 8, capacity: 10, dataLimit: 8, refusing: false });
    await expect(trail.record(dataCall(8))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(trail.buffer?.().refusing).toBe(true);
    // A revocation still goes in; the trail itself noted from when data calls were refused.
    await trail.record({ kind: 'grant.ended', result: 'success', partnerId: 'demo-kakeibo', customerId: 'c1' });
    await trail.flush();
    const kinds = (await store.readStream(eventsStreamOf('web-1'))).map((e) => JSON.parse(e.value).kind);
    expect(kinds.slice(8).sort()).toEqual(['audit.buffer_full', 'grant.ended']);
    // Full to the bound: nothing more.
    await expect(trail.record({ kind: 'grant.ended', result: 'success' })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    // PostgreSQL takes the backlog: data calls are served again, and the trail says so.
    await archiver.drain();
    // (The note that calls are served again may be in the buffer already.)
    expect(trail.buffer?.()).toMatchObject({ refusing: false });
    expect(trail.buffer?.().length).toBeLessThanOrEqual(1);
    await trail.record(dataCall(9));
    await trail.close();
    await archiver.drain();
    const archived = await asOwner<{ kind: string }>(db, 'SELECT kind FROM records.audit_events ORDER BY seq');
    expect(archived.rows.map((r) => r.kind)).toEqual([
      ...Array(8).fill('data.access'),
      ...kinds.slice(8),
      'audit.buffer_resumed',
      'data.access',
    ]);
    expect((await verify()).problems).toEqual([]);
  });
});
