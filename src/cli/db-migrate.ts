// npm run db:migrate   applies the record store's migrations (src/records/migrations) to PostgreSQL as
// the owner role (DATABASE_OWNER_URL, else DATABASE_URL), grants DATABASE_URL's role INSERT and
// SELECT only, and creates the audit trail's month partitions ahead. Safe to run again.
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { migrateRecords } from '../records/index.ts';

try {
  const config = loadConfig(process.env);
  const result = await migrateRecords(config.settings.records, Date.now());
  process.stdout.write(
    `db:migrate: ${result.applied.length ? `applied ${result.applied.join(', ')}` : 'schema up to date'}; ` +
      `${result.partitions.length ? `created partitions ${result.partitions.join(', ')}` : 'partitions in place'}\n`,
  );
} catch (e) {
  process.stderr.write(`db:migrate: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
  process.exitCode = 1;
}
