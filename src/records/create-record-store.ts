import pg from 'pg';
import type { FromSchema } from 'json-schema-to-ts';
import { createMemoryRecordStore } from './memory-record-store.ts';
import { migrate } from './migrate.ts';
import { createPostgresRecordStore } from './postgres-record-store.ts';
import type { RecordStore } from './record-store.ts';
import type { recordsSettingsSchema } from './settings-schema.ts';

export type RecordsSettings = FromSchema<typeof recordsSettingsSchema>;

const userOf = (url: string) => decodeURIComponent(new URL(url).username);

/** The application role to grant INSERT and SELECT to: DATABASE_URL's user, unless it is the owner itself. */
export const applicationRole = (settings: RecordsSettings): string | undefined => {
  if (!settings.databaseUrl) return undefined;
  const app = userOf(settings.databaseUrl);
  return app && (!settings.ownerUrl || app !== userOf(settings.ownerUrl)) ? app : undefined;
};

/** Applies the migrations as the owner role and creates partitions ahead (npm run db:migrate, or at start). */
export const migrateRecords = async (settings: RecordsSettings, nowMs: number) => {
  const ownerUrl = settings.ownerUrl ?? settings.databaseUrl;
  if (!ownerUrl) throw new Error('no PostgreSQL configured (DATABASE_URL, DATABASE_OWNER_URL)');
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  pool.on('error', () => undefined);
  try {
    return await migrate(pool, {
      appRole: applicationRole(settings),
      nowMs,
      monthsAhead: settings.partitionsAheadMonths,
    });
  } finally {
    await pool.end();
  }
};

/**
 * The record store the settings name: PostgreSQL with `databaseUrl`, else the embedded one. With
 * `migrateAtStart`, the schema is brought up to date (as the owner) before the first use.
 */
export const createRecordStore = async (settings: RecordsSettings, nowMs: number): Promise<RecordStore> => {
  if (!settings.databaseUrl) return createMemoryRecordStore({ maxAuditEvents: settings.memoryMaxAuditEvents });
  if (settings.migrateAtStart) {
    if (!settings.ownerUrl) throw new Error('records.migrateAtStart needs the owner role (DATABASE_OWNER_URL)');
    await migrateRecords(settings, nowMs);
  }
  return createPostgresRecordStore({
    url: settings.databaseUrl,
    ownerUrl: settings.ownerUrl ?? undefined,
    poolSize: settings.poolSize,
    statementTimeoutMs: settings.statementTimeoutMs,
  });
};
