// npm run audit:verify   checks the audit trail in Redis (REDIS_URL, REDIS_KEY_PREFIX, ... as the
// server reads them): every hash chain against its signed checkpoints. Exit 0: intact; 1: not.
import { formatTrailReport, verifyAuditTrail } from '../audit/index.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
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
const { store: storeSettings, audit } = config.settings;
if (!storeSettings.redisUrl && storeSettings.redisClusterNodes.length === 0) {
  fail(
    'no Redis configured (REDIS_URL or REDIS_CLUSTER_NODES): the embedded store lives and dies inside the server ' +
      'process, there is no trail to read',
  );
}

const store = createStore({
  redisUrl: storeSettings.redisUrl,
  redisClusterNodes: storeSettings.redisClusterNodes,
  keyPrefix: storeSettings.keyPrefix,
  clock: systemClock,
});
let ok = false;
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
process.exitCode = ok ? 0 : 1;
