import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { messageOf } from '../shared/thrown.ts';

/** The versioned migrations, applied in name order. A released file is never edited: its hash is checked. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: string;
  file: string;
  sql: string;
  sha256: string;
}

export const readMigrations = (dir = MIGRATIONS_DIR): Migration[] =>
  readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: file.slice(0, 4), file, sql, sha256: createHash('sha256').update(sql).digest('hex') };
    });

const MONTH_NAME = /^audit_events_p(\d{4})(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The month partitions from the month of `fromMs` to `monthsAhead` months after the month of `nowMs`. */
export const ensurePartitions = async (
  client: pg.ClientBase,
  options: { nowMs: number; monthsAhead: number; fromMs?: number },
): Promise<string[]> => {
  const created: string[] = [];
  const start = new Date(options.fromMs ?? options.nowMs);
  const now = new Date(options.nowMs);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth();
  const endIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() + options.monthsAhead;
  while (y * 12 + m <= endIndex) {
    const name = `audit_events_p${y}${pad(m + 1)}`;
    const ny = m === 11 ? y + 1 : y;
    const nm = m === 11 ? 0 : m + 1;
    const from = `${y}-${pad(m + 1)}-01 00:00:00+00`;
    const to = `${ny}-${pad(nm + 1)}-01 00:00:00+00`;
    const exists = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'records' AND tablename = $1`, [
      name,
    ]);
    if (exists.rowCount === 0) {
      await client.query(
        `CREATE TABLE IF NOT EXISTS records.${quoteIdent(name)} PARTITION OF records.audit_events
           FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
      created.push(name);
    }
    y = ny;
    m = nm;
  }
  return created;
};

/** Month partitions that hold only events before `cutMs` (a month start), oldest first. */
export const partitionsBefore = async (client: pg.ClientBase, cutMs: number): Promise<string[]> => {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = 'records' AND p.relname = 'audit_events'
      ORDER BY c.relname`,
  );
  return rows
    .map((r) => r.name)
    .filter((name) => {
      const match = MONTH_NAME.exec(name);
      if (!match) return false;
      const y = Number(match[1]);
      const m = Number(match[2]);
      return Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1) <= cutMs;
    });
};

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock
 * (two instances starting at once never both migrate); refuses to go on when an applied
 * migration's file changed. Then grants the application role INSERT and SELECT only, and
 * creates the month partitions ahead. Runs as the owner role.
 */
export const migrate = async (
  pool: pg.Pool,
  options: { appRole?: string; nowMs: number; monthsAhead: number; dir?: string },
): Promise<{ applied: string[]; partitions: string[] }> => {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727110)');
    await client.query('CREATE SCHEMA IF NOT EXISTS records');
    await client.query(`CREATE TABLE IF NOT EXISTS records.schema_migrations (
      version text PRIMARY KEY, file text NOT NULL, sha256 text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: string; file: string; sha256: string }>(
      'SELECT version, file, sha256 FROM records.schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    const applied: string[] = [];
    for (const migration of readMigrations(options.dir)) {
      const earlier = done.get(migration.version);
      if (earlier) {
        if (earlier.sha256 !== migration.sha256)
          throw new Error(
            `migration ${migration.file} was changed after it was applied (as ${earlier.file}): ` +
              'write a new migration instead',
          );
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO records.schema_migrations (version, file, sha256) VALUES ($1, $2, $3)', [
          migration.version,
          migration.file,
          migration.sha256,
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.file} failed: ${messageOf(e)}`, { cause: e });
      }
      applied.push(migration.file);
    }
    if (options.appRole) await grantApplicationRole(client, options.appRole);
    const partitions = await ensurePartitions(client, { nowMs: options.nowMs, monthsAhead: options.monthsAhead });
    return { applied, partitions };
  } finally {
    await client.query('SELECT pg_advisory_unlock(727110)').catch(() => undefined);
    client.release();
  }
};

/** The application may read and append records, nothing else: no UPDATE, DELETE, TRUNCATE or DDL. */
export const grantApplicationRole = async (client: pg.ClientBase, role: string): Promise<void> => {
  const r = quoteIdent(role);
  await client.query(`GRANT USAGE ON SCHEMA records TO ${r}`);
  await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA records FROM ${r}`);
  await client.query(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA records TO ${r}`);
  await client.query(`REVOKE INSERT ON records.schema_migrations, records.audit_retention FROM ${r}`);
};
