import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrate, MIGRATIONS_DIR } from '../../src/records/migrate.ts';
import { asOwner, freshRecordDatabase, type RecordDatabase } from '../support/records.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

describe('record store migrations and roles (PostgreSQL)', () => {
  let db: RecordDatabase;
  beforeAll(async () => {
    db = await freshRecordDatabase({ migrate: false });
  });
  afterAll(async () => db.drop());

  const asApp = async (sql: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return await c.query(sql, params);
    } finally {
      await c.end();
    }
  };

  it('npm run db:migrate applies every migration, grants the application role and creates partitions ahead', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings', 'src/cli/db-migrate.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl, NODE_ENV: 'test' },
      },
    );
    for (const file of readdirSync(MIGRATIONS_DIR)) expect(stdout).toContain(file);
    const { rows } = await asOwner<{ relname: string }>(
      db,
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'audit_events' ORDER BY 1`,
    );
    expect(rows.length).toBe(4); // this month and three ahead
    const again = await run(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings', 'src/cli/db-migrate.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl, NODE_ENV: 'test' },
      },
    );
    expect(again.stdout).toContain('schema up to date');
  }, 60_000);

  it('has no DEFAULT partition: an event outside every month partition is refused, not hidden away', async () => {
    const { rows } = await asOwner(
      db,
      `SELECT 1 FROM pg_partitioned_table t JOIN pg_class c ON c.oid = t.partrelid
        WHERE c.relname = 'audit_events' AND t.partdefid <> 0`,
    );
    expect(rows).toHaveLength(0);
    await expect(
      asApp(
        `INSERT INTO records.audit_events (time, id, chain, seq, instance, kind, result, body)
         VALUES ('1999-01-01Z', gen_random_uuid(), 'c', 1, 'i', 'k', 'success', '{}')`,
      ),
    ).rejects.toThrow(/no partition/);
  });

  it('lets the application role INSERT and SELECT records, and nothing else', async () => {
    if (!db.appRole) return; // a shared DATABASE_URL has one role only
    await asApp(
      `INSERT INTO records.audit_events (time, id, chain, seq, instance, kind, result, body)
       VALUES (now(), gen_random_uuid(), 'c', 1, 'i', 'k', 'success', '{}')`,
    );
    expect((await asApp('SELECT count(*)::int AS n FROM records.audit_events')).rows[0].n).toBe(1);
    await expect(asApp(`UPDATE records.audit_events SET kind = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(asApp('DELETE FROM records.audit_events')).rejects.toThrow(/permission denied/);
    await expect(asApp('TRUNCATE records.audit_events')).rejects.toThrow(/permission denied/);
    await expect(asApp('DELETE FROM records.consent_evidence')).rejects.toThrow(/permission denied/);
    await expect(asApp('DELETE FROM records.linkage_events')).rejects.toThrow(/permission denied/);
    await expect(asApp('DELETE FROM records.audit_checkpoints')).rejects.toThrow(/permission denied/);
    await expect(asApp('DROP TABLE records.audit_checkpoints')).rejects.toThrow(/must be owner/);
    await expect(asApp(`INSERT INTO records.audit_retention (cut_before) VALUES (now())`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(asApp('CREATE TABLE records.x (a int)')).rejects.toThrow(/permission denied/);
  });

  it('refuses to go on when a released migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const first = readdirSync(dir).sort()[0];
    writeFileSync(join(dir, first), `${readFileSync(join(dir, first), 'utf8')}\n-- edited\n`);
    const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 1 });
    try {
      await expect(migrate(pool, { nowMs: Date.now(), monthsAhead: 1, dir })).rejects.toThrow(
        new RegExp(`${first} was changed after it was applied`),
      );
    } finally {
      await pool.end();
    }
  });
});
