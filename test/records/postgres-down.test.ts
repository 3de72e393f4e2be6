import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { verifyRecordedTrail } from '../../src/audit/verify-records.ts';
import { createPostgresRecordStore, migrate } from '../../src/records/index.ts';
import { demoSigningKeys } from '../audit/support.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
// @ts-expect-error: a plain JavaScript test helper
import { startPostgres } from '../support/postgres-server.js';
import { freePort, startServer, type TestServer } from '../support/server.ts';

// PostgreSQL stopped under a running server: data calls go on (their audit waits in the buffer),
// and once PostgreSQL is back the archiver catches up by itself and the trail verifies.
type Pg = {
  ownerUrl: string;
  appRole: string;
  binDir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  stop(): void;
};
let own: Pg;
let server: TestServer | undefined;

const pgCtl = (...args: string[]) => {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', join(own.binDir, 'pg_ctl'), '-D', own.dataDir, ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
};
const until = async (what: () => boolean, label: string) => {
  for (let i = 0; i < 600; i += 1) {
    if (what()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting: ${label}`);
};

beforeAll(async () => {
  own = (await startPostgres(await freePort())) as Pg;
  const admin = new pg.Client({ connectionString: own.ownerUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE faults');
  await admin.end();
});
afterAll(async () => {
  await server?.close();
  own?.stop();
});

test('data calls keep working while PostgreSQL is down; back up, the archiver catches up and audit:verify passes', async () => {
  if (process.getuid?.() !== 0) return; // stopping the server needs runuser
  const ownerUrl = own.ownerUrl.replace(/\/postgres$/, '/faults');
  const appUrl = ownerUrl.replace('records_owner@', `${own.appRole}@`);
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  await migrate(pool, { appRole: own.appRole, nowMs: Date.now(), monthsAhead: 3 });
  await pool.end();
  const records = createPostgresRecordStore({ url: appUrl, statementTimeoutMs: 2000 });
  server = await startServer({ overrides: { records } });
  const partner = await partnerFor(server);
  const linked = await link(server, partner, customers.allTypes);
  const call = () =>
    partner.resource(`${server!.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys);
  expect((await call()).status).toBe(200);
  await server.app.audit.flush();
  await server.app.archiver.drain();

  pgCtl('-m', 'fast', '-w', 'stop');
  for (let i = 0; i < 5; i += 1) expect((await call()).status).toBe(200);
  await server.app.audit.flush();
  await expect(server.app.archiver.drain()).rejects.toThrow();
  expect(server.app.archiver.status().failing).toBe(true);

  pgCtl(
    '-l',
    join(own.socketDir, 'log2'),
    '-w',
    '-o',
    `-p ${own.port} -k ${own.socketDir} -c listen_addresses=127.0.0.1`,
    'start',
  );
  await until(() => !server!.app.archiver.status().failing, 'the archiver to catch up by itself');
  await server.close();
  server = undefined;

  const check = createPostgresRecordStore({ url: appUrl });
  try {
    const report = await verifyRecordedTrail({ records: check, signingKeys: demoSigningKeys() });
    expect(report.problems).toEqual([]);
    const page = await check.searchAudit({ kind: 'data.access' }, { limit: 100 });
    expect(page.events).toHaveLength(6);
  } finally {
    await check.close();
  }
});
