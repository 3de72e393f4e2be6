// npm run db:migrate   applies the record store's migrations (src/records/migrations) to PostgreSQL as
// the owner role (DATABASE_OWNER_URL, else DATABASE_URL), grants DATABASE_URL's role INSERT and
// SELECT only, and creates the audit trail's month partitions ahead. Safe to run again.
import { migrateRecords } from '../records/index.ts';
import { runCli } from './run-cli.ts';

await runCli({ name: 'db:migrate', configExitCode: 1 }, async (config) => {
  const result = await migrateRecords(config.settings.records, Date.now());
  process.stdout.write(
    `db:migrate: ${result.applied.length ? `applied ${result.applied.join(', ')}` : 'schema up to date'}; ` +
      `${result.partitions.length ? `created partitions ${result.partitions.join(', ')}` : 'partitions in place'}\n`,
  );
});
