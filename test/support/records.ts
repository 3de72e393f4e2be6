import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePartitions, migrate } from '../../src/records/migrate.ts';

export interface RecordDatabase {
  /** The application role's URL (INSERT and SELECT only). */
  url: string;
  /** The owner role's URL (migrations, retention). */
  ownerUrl: string;
  appRole?: string;
  name: string;
  drop(): Promise<void>;
}

const withDatabase = (url: string, name: string, user?: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  if (user) u.username = user;
  return u.toString();
};

export const postgresAvailable = () => Boolean(process.env.TEST_DATABASE_OWNER_URL);

/**
 * A new database on the private test server (test/support/postgres-server.js), owned by the owner
 * role and migrated, with the application role granted what it may do. One per test file.
 */
export const freshRecordDatabase = async (
  options: { migrate?: boolean; nowMs?: number; partitionsFromMs?: number } = {},
): Promise<RecordDatabase> => {
  const admin = process.env.TEST_DATABASE_OWNER_URL;
  if (!admin) throw new Error('no test PostgreSQL (see test/support/global-setup.js)');
  const appRole = process.env.TEST_DATABASE_APP_ROLE;
  const name = `records_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const ownerUrl = withDatabase(admin, name);
  const url = appRole ? withDatabase(admin, name, appRole) : ownerUrl;
  if (options.migrate !== false) {
    const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
    try {
      const nowMs = options.nowMs ?? Date.now();
      await migrate(pool, { appRole, nowMs, monthsAhead: 3 });
      if (options.partitionsFromMs !== undefined) {
        const c = await pool.connect();
        await ensurePartitions(c, { nowMs, monthsAhead: 3, fromMs: options.partitionsFromMs }).finally(() =>
          c.release(),
        );
      }
    } finally {
      await pool.end();
    }
  }
  return {
    url,
    ownerUrl,
    appRole,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
};

/** Runs SQL as the owner (tests that tamper with records, as an attacker with database access would). */
export const asOwner = async <T extends pg.QueryResultRow = pg.QueryResultRow>(
  db: RecordDatabase,
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<T>> => {
  const c = new pg.Client({ connectionString: db.ownerUrl });
  await c.connect();
  try {
    return await c.query<T>(sql, params);
  } finally {
    await c.end();
  }
};
