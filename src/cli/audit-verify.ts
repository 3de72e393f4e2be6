// npm run audit:verify   checks the audit trail: every hash chain against its signed checkpoints.
// With DATABASE_URL, the trail in PostgreSQL (the record store); otherwise the trail in Redis
// (REDIS_URL, REDIS_KEY_PREFIX, ... as the server reads them). Exit 0: intact; 1: not.
import { formatTrailReport, verifyAuditTrail } from '../audit/index.ts';
import { verifyRecordedTrail } from '../audit/verify-records.ts';
import { createPostgresRecordStore } from '../records/index.ts';
import { systemClock } from '../shared/clock.ts';
import { messageOf } from '../shared/thrown.ts';
import { createStore } from '../store/create-store.ts';
import { CliFailure, runCli } from './run-cli.ts';

await runCli({ name: 'audit:verify', configExitCode: 1 }, async (config) => {
  const { store: storeSettings, audit, records: recordSettings } = config.settings;

  if (recordSettings.databaseUrl) {
    const records = createPostgresRecordStore({ url: recordSettings.databaseUrl });
    try {
      const report = await verifyRecordedTrail({
        records,
        signingKeys: config.signingKeys,
        retiredCheckpointKeys: config.retiredCheckpointKeys,
      });
      process.stdout.write(formatTrailReport(report));
      return report.ok ? 0 : 1;
    } catch (e) {
      throw new CliFailure(`could not read the trail in PostgreSQL: ${messageOf(e)}`, 1);
    } finally {
      await records.close();
    }
  }

  if (!storeSettings.redisUrl && storeSettings.redisClusterNodes.length === 0) {
    throw new CliFailure(
      'no PostgreSQL (DATABASE_URL) and no Redis (REDIS_URL or REDIS_CLUSTER_NODES) configured: the embedded ' +
        'stores live and die inside the server process, there is no trail to read',
      1,
    );
  }
  const store = createStore({
    settings: storeSettings,
    clock: systemClock,
  });
  try {
    const report = await verifyAuditTrail({
      store,
      signingKeys: config.signingKeys,
      retiredCheckpointKeys: config.retiredCheckpointKeys,
      retentionDays: audit.retentionDays,
      now: systemClock.now(),
    });
    process.stdout.write(formatTrailReport(report));
    return report.ok ? 0 : 1;
  } catch (e) {
    throw new CliFailure(`could not read the trail: ${messageOf(e)}`, 1);
  } finally {
    await store.close();
  }
});
