// npm run audit:verify   checks the audit trail: every hash chain against its signed checkpoints.
// With DATABASE_URL, the trail in PostgreSQL (the record store); otherwise the trail in Redis
// (REDIS_URL, REDIS_KEY_PREFIX, ... as the server reads them). Exit 0: intact; 1: not.
import { formatTrailReport, verifyAuditTrail } from '../audit/index.ts';
import { verifyRecordedTrail } from '../audit/verify-records.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { createPostgresRecordStore } from '../records/index.ts';
import { systemClock } from '../shared/clock.ts';
import { createStore } from '../store/create-store.ts';

const fail = (message: string): never => {
  process.stderr.write(`audit:verify: ${message}\n`);
  process.exit(1);
};

let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) fail(e.message);
  throw e;
}
const { store: storeSettings, audit, records: recordSettings } = config.settings;

let ok = false;
if (recordSettings.databaseUrl) {
  const records = createPostgresRecordStore({ url: recordSettings.databaseUrl });
  try {
    const report = await verifyRecordedTrail({
      records,
      signingKeys: config.signingKeys,
      retiredCheckpointKeys: config.retiredCheckpointKeys,
    });
    process.stdout.write(formatTrailReport(report));
    ok = report.ok;
  } catch (e) {
    process.stderr.write(`audit:verify: could not read the trail in PostgreSQL: ${(e as Error).message}\n`);
  } finally {
    await records.close();
  }
} else {
  if (!storeSettings.redisUrl && storeSettings.redisClusterNodes.length === 0) {
    fail(
      'no PostgreSQL (DATABASE_URL) and no Redis (REDIS_URL or REDIS_CLUSTER_NODES) configured: the embedded ' +
        'stores live and die inside the server process, there is no trail to read',
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
    ok = report.ok;
  } catch (e) {
    process.stderr.write(`audit:verify: could not read the trail: ${(e as Error).message}\n`);
  } finally {
    await store.close();
  }
}
process.exitCode = ok ? 0 : 1;
