// `npm run bench:records`: what the system of record costs and whether Redis stays flat.
//
// The real server (src/main.ts, its own process) on a private redis-server and a private
// PostgreSQL, demo data, one linkage. It measures:
//   1. Redis after the first 1,000 data calls and after --calls (default 100,000), each time once
//      the archiver has caught up, and the second time once the DPoP replay window has passed too:
//      keys without a TTL (must not grow) and used memory (within 5 MB);
//   2. that every one of those calls has its audit row in PostgreSQL: the request id of every call
//      answered 2xx (its X-Request-Id) is matched against the data.access rows in one pass
//      (bench/records-audit.ts): answered, found, missing (target 0), extra; and PostgreSQL bytes per event;
//   3. the archiver (src/records/audit-archiver.ts, its default batch) draining a pre-filled
//      backlog of --backlog (default 1,000,000) events into PostgreSQL with every index in place,
//      against the data API's rate measured in step 1 (target: at least 5 times).
// The DPoP replay window is shortened (dpop.iatToleranceSeconds) so that its markers expire
// within the run; everything else is the shipped configuration. Prints a table and one JSON line.
//
// Settings: --calls N or BENCH_RECORDS_CALLS (100,000), --backlog N or BENCH_RECORDS_BACKLOG
// (1,000,000); a flag wins over the variable. Every server it starts (redis-server, PostgreSQL, the
// server) is stopped on the way out, on failure and on SIGINT / SIGTERM / SIGHUP too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createEventIds, emptyChain, linkSerialised, newChainName, serialiseEvent } from '../src/audit/hash-chain.ts';
import { CHECKPOINTS_STREAM, eventsStreamOf } from '../src/audit/trail-stream.ts';
import { createAuditArchiver } from '../src/records/audit-archiver.ts';
import { createPostgresRecordStore } from '../src/records/postgres-record-store.ts';
import { recordsSettingsSchema } from '../src/records/settings-schema.ts';
import { systemClock } from '../src/shared/clock.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { RedisStore } from '../src/store/redis-store.ts';
import { link } from './linkage.ts';
import { dpopProof, es256Signer } from './proofs.ts';
import { answeredCalls, matchAuditRows } from './records-audit.ts';
import {
  freePort,
  startDatabase,
  startNode,
  startRedis,
  type NodeProcess,
  type PrivateDatabase,
  type PrivateRedis,
} from './support.ts';

/** --name N, else the variable, else the default: a whole number ≥ 1 (`min`), or the bench refuses. */
const setting = (name: string, variable: string, fallback: number, min: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const given = i > 0 ? process.argv[i + 1] : process.env[variable];
  if (given === undefined || given === '') return fallback;
  const n = Number(given.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} / ${variable}: a whole number ≥ ${min}, not ${given}`);
  return n;
};
const CALLS = setting('calls', 'BENCH_RECORDS_CALLS', 100_000, 1);
const FIRST = Math.min(1_000, CALLS);
const BACKLOG = setting('backlog', 'BENCH_RECORDS_BACKLOG', 1_000_000, 1);
const CONNECTIONS = 50;
/** The replay window is 2 × tolerance + 5 s (src/web/tokens/check-sender-constraint.ts). */
const IAT_TOLERANCE_S = 5;
const REPLAY_WINDOW_MS = (2 * IAT_TOLERANCE_S + 5) * 1000;
const INSTANCE = 'bench-records';
/** The server's key prefix (store.keyPrefix's default). */
const KEY_PREFIX = 'renkei:';
const METRICS_TOKEN = 'bench-records-metrics-token-0123';
const MB = 1024 * 1024;

const startedAt = performance.now();
/** Progress on stderr, with the seconds since start (the phases' lengths, for planning a long run). */
const log = (m: string) =>
  process.stderr.write(`[bench:records +${((performance.now() - startedAt) / 1000).toFixed(0)} s] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const work = mkdtempSync(join(tmpdir(), 'bench-records-'));
/** What has been started so far, for cleanUp; `closers`: what the backlog phase opens. */
const started: { redis?: PrivateRedis; db?: PrivateDatabase; server?: NodeProcess; owner?: pg.Client } = {};
const closers: (() => Promise<void>)[] = [];

/** Stops everything started so far, each part whatever the others did; once. */
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    const steps: [string, () => Promise<unknown>][] = [
      ['the server', async () => started.server?.stop()],
      ...closers.map((close): [string, () => Promise<unknown>] => ['the backlog store', close]),
      ['the PostgreSQL client', async () => started.owner?.end()],
      ['redis-server', async () => started.redis?.stop()],
      ['PostgreSQL', async () => started.db?.stop()],
    ];
    for (const [what, stop] of steps) {
      try {
        await stop();
      } catch (e) {
        log(`stopping ${what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    rmSync(work, { recursive: true, force: true });
  })());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.once(signal, () => {
    log(`${signal}: stopping the servers`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });

try {
  const redis = (started.redis = await startRedis());
  const db = (started.db = await startDatabase());
  if (!db) throw new Error('npm run bench:records needs PostgreSQL (Debian postgresql binaries)');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const overlay = join(work, 'settings.json');
  writeFileSync(
    overlay,
    JSON.stringify({
      identityCheck: { ipLimit: { maxFailures: 1_000_000 } },
      dpop: { iatToleranceSeconds: IAT_TOLERANCE_S },
    }),
  );
  const server = (started.server = startNode('records', 'src/main.ts', {
    env: {
      NODE_ENV: 'development',
      PORT: String(port),
      ISSUER: url,
      INSTANCE_NAME: INSTANCE,
      REDIS_URL: redis.url,
      DATABASE_URL: db.url,
      DATABASE_OWNER_URL: db.ownerUrl,
      DATABASE_MIGRATE_AT_START: 'true',
      DEMO_DATA: 'on',
      METRICS_TOKEN,
      CONFIG_FILE: overlay,
      CALENDAR_FILE: 'config/demo/calendar-always-open.json',
    },
  }));
  const owner = (started.owner = new pg.Client({ connectionString: db.ownerUrl }));
  for (let i = 0; ; i += 1) {
    const ready = await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (server.child.exitCode !== null || i > 1200)
      throw new Error(`the server did not start:\n${server.lines.join('\n')}`);
    await sleep(50);
  }
  await owner.connect();
  log('server ready; linking the demo customer');
  const linked = await link(url);
  const accessToken = linked.tokens.access_token;
  const signer = es256Signer(linked.dpopJwk);
  const htu = `${url}/api/v1/accounts`;

  /** The request id of every data call answered 2xx, over both phases. */
  const answered = answeredCalls();
  /** `amount` data calls at CONNECTIONS concurrent, each with a fresh proof; answers the rate and the statuses. */
  const calls = (amount: number) =>
    new Promise<{ rps: number; non2xx: number; seconds: number }>((resolve, reject) => {
      const t0 = performance.now();
      autocannon(
        {
          url,
          connections: Math.min(CONNECTIONS, amount),
          amount,
          requests: [
            {
              setupRequest: (req: autocannon.Request) => ({
                ...req,
                method: 'GET',
                path: '/api/v1/accounts',
                headers: { authorization: `DPoP ${accessToken}`, dpop: dpopProof(signer, 'GET', htu, accessToken) },
              }),
              onResponse: (status: number, _body: string, _context: object, headers: autocannon.Request['headers']) =>
                answered.onResponse(status, headers ?? {}),
            },
          ],
        },
        (err, result) => {
          if (err) return reject(err);
          const seconds = (performance.now() - t0) / 1000;
          resolve({ rps: result.requests.total / seconds, non2xx: result.non2xx + result.errors, seconds });
        },
      );
    });

  const streamLengths = async () => {
    const [events, checkpoints] = await Promise.all([
      redis.client.xlen(`${KEY_PREFIX}${eventsStreamOf(INSTANCE)}`),
      redis.client.xlen(`${KEY_PREFIX}${CHECKPOINTS_STREAM}`),
    ]);
    return events + checkpoints;
  };
  const caughtUp = async () => {
    for (let i = 0; (await streamLengths()) > 0; i += 1) {
      if (i > 6000) throw new Error('the archiver did not catch up within 10 minutes');
      await sleep(100);
    }
  };
  /** Keys without a TTL (each key asked, in pipelines) and used memory. */
  const redisSnapshot = async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.client.scan(cursor, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    const noTtl: string[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const pipe = redis.client.pipeline();
      for (const k of keys.slice(i, i + 1000)) pipe.pttl(k);
      const ttls = (await pipe.exec()) ?? [];
      ttls.forEach(([, ms], j) => ms === -1 && noTtl.push(keys[i + j]));
    }
    const memory = Number(/^used_memory:(\d+)/m.exec(await redis.client.info('memory'))?.[1] ?? 0);
    return { keys: keys.length, noTtl: noTtl.sort(), memory };
  };
  const auditRows = async () =>
    Number(
      (await owner.query<{ n: string }>("SELECT count(*) AS n FROM records.audit_events WHERE kind = 'data.access'"))
        .rows[0].n,
    );

  log(`first ${FIRST} data calls`);
  const first = await calls(FIRST);
  await caughtUp();
  const atFirst = await redisSnapshot();
  if (CALLS > FIRST) log(`${CALLS - FIRST} more data calls`);
  const rest = CALLS > FIRST ? await calls(CALLS - FIRST) : first;
  const dataRate = rest.rps;
  await caughtUp();
  log(`archiver caught up; waiting out the replay window (${REPLAY_WINDOW_MS / 1000} s)`);
  await sleep(REPLAY_WINDOW_MS + 2000);
  const atEnd = await redisSnapshot();
  const rows = await auditRows();
  log(`matching the ${answered.ids.length} answered calls' request ids against the data.access rows`);
  const audit = await matchAuditRows(owner, answered.ids);
  const sizes = await owner.query<{ bytes: string; n: string }>(
    `SELECT (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits
              WHERE inhparent = 'records.audit_events'::regclass) AS bytes,
            (SELECT count(*) FROM records.audit_events) AS n`,
  );
  const pgBytesPerEvent = Number(sizes.rows[0].bytes) / Number(sizes.rows[0].n);
  await server.stop();
  log('server stopped');
  // The first figures now: the backlog phase is long on a busy machine.
  log(
    `keys without TTL ${atFirst.noTtl.length} → ${atEnd.noTtl.length}; memory ${(atFirst.memory / MB).toFixed(2)} → ` +
      `${(atEnd.memory / MB).toFixed(2)} MB; rows ${rows}/${CALLS}; ` +
      `answered ${audit.answered}, found ${audit.found}, missing ${audit.missing}, extra ${audit.extra}; ` +
      `${pgBytesPerEvent.toFixed(0)} PG bytes/event; ` +
      `data API ${dataRate.toFixed(0)} req/s; non-2xx ${first.non2xx + (CALLS > FIRST ? rest.non2xx : 0)}`,
  );

  // 3. A pre-filled backlog of audit events as the trail writes them (data calls, linked in one chain).
  // A long command timeout: a script appending 1,000 entries may take a while on a busy machine.
  const store = new RedisStore({ url: redis.url, keyPrefix: '', commandTimeoutMs: 60_000 });
  closers.push(() => store.close());
  const stream = eventsStreamOf('bench-backlog');
  const nextId = createEventIds();
  let head = emptyChain(newChainName('bench-backlog'));
  const t0 = Date.now() - BACKLOG; // one event a ms, ending now: all in this month's partitions or the last
  log(`pre-filling a backlog of ${BACKLOG} events`);
  for (let i = 0; i < BACKLOG; i += 1000) {
    const entries: { atMs: number; value: string }[] = [];
    for (let k = i; k < Math.min(BACKLOG, i + 1000); k += 1) {
      const now = t0 + k;
      const event = {
        kind: 'data.access',
        result: 'success' as const,
        partnerId: 'demo-kakeibo',
        customerId: `C${String(k % 50_000).padStart(7, '0')}`,
        actor: 'demo-kakeibo',
        accountIds: [`acc-${k % 50_000}`],
        requestId: `req-${k.toString(36)}-bench`,
        details: {
          route: '/api/v1/accounts',
          method: 'GET',
          status: 200,
          grantId: `grant-${k % 50_000}`,
          sub: `sub-${k % 50_000}`,
        },
        id: nextId(now),
        time: new Date(now).toISOString(),
        instance: 'bench-backlog',
      };
      const step = linkSerialised(head, event, serialiseEvent(event));
      head = step.head;
      entries.push({ atMs: now, value: step.text });
    }
    await store.appendToStream(stream, entries);
  }
  const records = createPostgresRecordStore({ url: db.url });
  closers.unshift(() => records.close());
  const defaults = recordsSettingsSchema.properties.archiver.properties;
  const archiver = createAuditArchiver({
    store,
    records,
    clock: systemClock,
    logger: silentLogger,
    streams: { events: stream, checkpoints: CHECKPOINTS_STREAM },
    settings: {
      batchSize: defaults.batchSize.default,
      intervalMs: defaults.intervalMs.default,
      retryMs: defaults.retryMs.default,
    },
  });
  log('draining it');
  const d0 = performance.now();
  await archiver.drain();
  const drainSeconds = (performance.now() - d0) / 1000;
  const archiverRate = archiver.status().archived / drainSeconds;
  const left = await store.streamLength(stream);
  for (const close of closers.splice(0)) await close();

  const memoryDelta = atEnd.memory - atFirst.memory;
  const grownKeys = atEnd.noTtl.filter((k) => !atFirst.noTtl.includes(k));
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const checks = {
    keysWithoutTtl: atEnd.noTtl.length <= atFirst.noTtl.length,
    memoryWithin5Mb: Math.abs(memoryDelta) <= 5 * MB,
    // Every call made was answered 2xx with its id, each has its success row, and no row is left over.
    everyCallArchived:
      audit.answered === CALLS &&
      answered.withoutId === 0 &&
      audit.repeatedIds === 0 &&
      audit.missing === 0 &&
      audit.extra === 0,
    archiverAtLeast5x: archiverRate >= 5 * dataRate && left === 0,
  };
  const extraIds = [
    answered.withoutId ? `${answered.withoutId} 2xx without X-Request-Id` : '',
    audit.repeatedIds ? `${audit.repeatedIds} ids repeated` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const line = (a: string, b: string, c = '') => `  ${a.padEnd(52)}${b.padStart(16)}  ${c}`;
  const out = [
    `bench:records  ${new Date().toISOString()}  ${CALLS} data calls at c=${CONNECTIONS}, backlog ${BACKLOG}`,
    line('Redis keys without TTL after the first calls', String(atFirst.noTtl.length), atFirst.noTtl.join(' ')),
    line(`Redis keys without TTL after ${CALLS} calls`, String(atEnd.noTtl.length), verdict(checks.keysWithoutTtl)),
    line('Redis used memory after the first calls', `${(atFirst.memory / MB).toFixed(2)} MB`),
    line(`Redis used memory after ${CALLS} calls`, `${(atEnd.memory / MB).toFixed(2)} MB`),
    line('  difference (target within 5 MB)', `${(memoryDelta / MB).toFixed(2)} MB`, verdict(checks.memoryWithin5Mb)),
    line('Redis keys in all (with a TTL: tokens, sessions...)', `${atFirst.keys} → ${atEnd.keys}`),
    line('data.access rows in PostgreSQL / calls made', `${rows} / ${CALLS}`),
    line('calls not answered 2xx', String(first.non2xx + (CALLS > FIRST ? rest.non2xx : 0))),
    line('calls answered 2xx, request id kept', String(audit.answered), extraIds),
    line('  with their data.access row in PostgreSQL', String(audit.found)),
    line('  missing (target 0)', String(audit.missing), verdict(checks.everyCallArchived)),
    line(
      "  rows extra (no answered call's success row)",
      String(audit.extra),
      `matched in ${audit.seconds.toFixed(1)} s`,
    ),
    line('PostgreSQL bytes per audit event (table + indexes)', pgBytesPerEvent.toFixed(0)),
    line('data API rate (c=50, the load generator on the same host)', `${dataRate.toFixed(0)} req/s`),
    line(`archiver draining ${BACKLOG} events`, `${archiverRate.toFixed(0)} ev/s`, `${drainSeconds.toFixed(1)} s`),
    line(
      '  ÷ data API rate (target ≥ 5)',
      (archiverRate / dataRate).toFixed(2),
      verdict(checks.archiverAtLeast5x) + (left ? ` (${left} left)` : ''),
    ),
  ];
  if (grownKeys.length) out.push(`  keys without TTL that appeared: ${grownKeys.slice(0, 10).join(' ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'records',
      calls: CALLS,
      backlog: BACKLOG,
      redis: { first: { ...atFirst, noTtl: atFirst.noTtl.length }, end: { ...atEnd, noTtl: atEnd.noTtl.length } },
      auditRows: rows,
      audit: {
        answered: audit.answered,
        found: audit.found,
        missing: audit.missing,
        extra: audit.extra,
        withoutId: answered.withoutId,
        repeatedIds: audit.repeatedIds,
      },
      pgBytesPerEvent,
      dataRate,
      archiverRate,
      drainSeconds,
      checks,
    })}\n`,
  );
  process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
} finally {
  await cleanUp();
}
