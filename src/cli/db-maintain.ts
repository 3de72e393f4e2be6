// npm run db:maintain   the record store's daily upkeep, as the owner role (DATABASE_OWNER_URL):
// creates the audit trail's month partitions ahead, signs a retention checkpoint for every chain
// reaching into the months past audit.retentionDays and drops those months whole, and removes
// consent evidence and linkage events older than lifetimes.consentRecordRetentionDays.
// Run it from cron (or a Kubernetes CronJob) once a day.
import pg from 'pg';
import { applyAuditRetention } from '../audit/verify-records.ts';
import { createPostgresRecordStore, ensurePartitions } from '../records/index.ts';
import { runCli } from './run-cli.ts';

await runCli({ name: 'db:maintain', configExitCode: 1 }, async (config) => {
  const { records: settings, audit, lifetimes } = config.settings;
  const ownerUrl = settings.ownerUrl ?? settings.databaseUrl;
  if (!ownerUrl) throw new Error('no PostgreSQL configured (DATABASE_OWNER_URL, DATABASE_URL)');
  const now = Date.now();
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const created = await ensurePartitions(client, { nowMs: now, monthsAhead: settings.partitionsAheadMonths }).finally(
    () => client.end(),
  );
  const records = createPostgresRecordStore({ url: ownerUrl, ownerUrl });
  try {
    const retention = await applyAuditRetention({
      records,
      signingKeys: config.signingKeys,
      checkpointKeyId: audit.checkpointKeyId,
      retentionDays: audit.retentionDays,
      now,
    });
    await records.dropLinkageRecordsBefore(now - lifetimes.consentRecordRetentionDays * 86_400_000);
    process.stdout.write(
      `db:maintain: ${created.length ? `created ${created.join(', ')}` : 'partitions in place'}; ` +
        `audit events before ${new Date(retention.cutBefore).toISOString()} dropped ` +
        `(${retention.checkpoints} retention checkpoints signed)\n`,
    );
  } finally {
    await records.close();
  }
});
