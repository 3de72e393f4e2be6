import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { verifyRecordedTrail } from '../../src/audit/verify-records.ts';
import { createPostgresRecordStore, migrate } from '../../src/records/index.ts';
import { demoSigningKeys } from '../audit/support.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
// @ts-expect-error: a plain JavaScript test helper
import { startPostgres } from '../support/postgres-server.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { freePort, startServer, type TestServer } from '../support/server.ts';

/**
 * PostgreSQL stopped under data calls on Redis: the calls go on while their audit waits in the
 * buffer, until the buffer reaches its bound; then they answer 503 (never served unaudited), while
 * the reserved headroom still takes a revocation. Back up, the archiver catches up by itself, data
 * calls are served again, and audit:verify passes on what reached PostgreSQL.
 */
type Pg = {
  ownerUrl: string;
  appRole: string;
  binDir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  stop(): void;
};
/** test/fixtures/test-settings.json, with a buffer of 40 events: 30 for data calls, 10 reserved. */
const CAPACITY = 40;
const DATA_LIMIT = 30;
const CONCURRENCY = 8;

let own: Pg;
let redis: PrivateRedis;
let server: TestServer | undefined;
let dir: string;

const pgCtl = (...args: string[]) => {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', join(own.binDir, 'pg_ctl'), '-D', own.dataDir, ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
};
const until = async (what: () => boolean | Promise<boolean>, label: string) => {
  for (let i = 0; i < 600; i += 1) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting: ${label}`);
};

beforeAll(async () => {
  own = (await startPostgres(await freePort())) as Pg;
  redis = await startPrivateRedis();
  const admin = new pg.Client({ connectionString: own.ownerUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE faults');
  await admin.end();
  dir = mkdtempSync(join(tmpdir(), 'pg-down-'));
});
afterAll(async () => {
  await server?.close();
  own?.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('PostgreSQL down under load: data calls until the buffer is at its bound, then 503; a revocation still goes in; back up, everything catches up and verifies', async () => {
  if (process.getuid?.() !== 0) return; // stopping the server needs runuser
  const ownerUrl = own.ownerUrl.replace(/\/postgres$/, '/faults');
  const appUrl = ownerUrl.replace('records_owner@', `${own.appRole}@`);
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  await migrate(pool, { appRole: own.appRole, nowMs: Date.now(), monthsAhead: 3 });
  await pool.end();
  const overlay = join(dir, 'settings.json');
  writeFileSync(
    overlay,
    JSON.stringify({
      server: { requestDeadlineMs: 10000 },
      identityCheck: { failureDelaysMs: [0], responseFloorMs: 0, ipLimit: { maxFailures: 1000 } },
      audit: { buffer: { hours: CAPACITY / 3600, peakEventsPerSecond: 1, reservedShare: 0.25 } },
      records: { archiver: { retryMs: 50 } },
    }),
  );
  const records = createPostgresRecordStore({ url: appUrl, statementTimeoutMs: 2000 });
  server = await startServer({
    env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'faults-pg:', CONFIG_FILE: overlay },
    overrides: { records },
  });
  const partner = await partnerFor(server);
  const [linked, other] = [
    await link(server, partner, customers.allTypes),
    await link(server, partner, customers.twoBranches),
  ];
  const call = (l = linked) =>
    partner.resource(`${server!.url}/api/v1/accounts`, l.tokens.access_token, l.pending.dpopKeys);
  expect((await call()).status).toBe(200);
  await server.app.audit.flush();
  await server.app.archiver.drain();
  expect(server.app.audit.buffer?.()).toMatchObject({ capacity: CAPACITY, dataLimit: DATA_LIMIT });

  pgCtl('-m', 'fast', '-w', 'stop');
  const statuses: number[] = [];
  const bodies = new Set<string>();
  // Waves of concurrent calls until one is refused whole.
  for (
    let wave = 0;
    wave < 20 && !(statuses.length && statuses.slice(-CONCURRENCY).every((s) => s === 503));
    wave += 1
  ) {
    const answers = await Promise.all(Array.from({ length: CONCURRENCY }, () => call()));
    for (const res of answers) {
      statuses.push(res.status);
      if (res.status === 503) bodies.add(((await res.json()) as { errorCode: string }).errorCode);
      else await res.body?.cancel();
    }
  }
  const served = statuses.filter((s) => s === 200).length;
  // Served while the buffer had room, never beyond its data share; refused (not lost) after.
  expect(served).toBeGreaterThanOrEqual(DATA_LIMIT - CONCURRENCY);
  expect(served).toBeLessThanOrEqual(DATA_LIMIT);
  expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
  expect(statuses.slice(-CONCURRENCY).every((s) => s === 503)).toBe(true);
  expect([...bodies]).toHaveLength(1);
  expect(server.app.audit.buffer?.().refusing).toBe(true);
  // The archiver's timer may not have come round during the waves: one pass of its own, which fails.
  await expect(server.app.archiver.drain()).rejects.toThrow();
  expect(server.app.archiver.status().failing).toBe(true);
  expect((await call(other)).status).toBe(503);
  expect(server.logLines.join('\n')).toContain('the audit buffer is full');

  // The reserved headroom: the partner still ends the other linkage.
  const ended = await partner.resource(
    `${server.url}/grants/${encodeURIComponent(other.tokens.grant_id as string)}`,
    other.tokens.access_token,
    other.pending.dpopKeys,
    'DELETE',
  );
  expect(ended.status).toBe(204);

  pgCtl(
    '-l',
    join(own.socketDir, 'log2'),
    '-w',
    '-o',
    `-p ${own.port} -k ${own.socketDir} -c listen_addresses=127.0.0.1`,
    'start',
  );
  await until(() => !server!.app.archiver.status().failing, 'the archiver to catch up by itself');
  await until(async () => (await call()).status === 200, 'data calls to be served again');
  expect(server.app.audit.buffer?.().refusing).toBe(false);
  // The linkage ended during the outage stays ended.
  expect((await call(other)).status).toBe(401);
  await server.close();
  server = undefined;

  const check = createPostgresRecordStore({ url: appUrl });
  try {
    const report = await verifyRecordedTrail({ records: check, signingKeys: demoSigningKeys() });
    expect(report.problems).toEqual([]);
    const calls = await check.searchAudit({ kind: 'data.access', result: 'success' }, { limit: 1000 });
    // The first call, those served during the outage, the one after.
    expect(calls.events.length).toBe(1 + served + 1);
    expect(
      (await check.searchAudit({ kind: 'data.access', result: 'denied' }, { limit: 10 })).events.map(
        (e) => e.details?.status,
      ),
    ).toEqual([401]);
    const kinds = new Set((await check.searchAudit({}, { limit: 1000 })).events.map((e) => e.kind));
    for (const kind of ['audit.buffer_full', 'audit.buffer_resumed', 'grant.ended']) expect(kinds.has(kind)).toBe(true);
  } finally {
    await check.close();
  }
}, 120_000);
