// npm run store:check   scans the store the server uses (REDIS_URL or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX,
// ... as the server reads them) for inconsistencies: tokens without their linkage, linkages without
// consent evidence, index members pointing at nothing, unfinished endings, keys without a TTL.
// Exit 0: none found; 1: some found (listed on stdout) or the store could not be read.
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { checkStore, formatStoreProblems } from '../grants/store-check.ts';
import { systemClock } from '../shared/clock.ts';
import { createStore } from '../store/create-store.ts';

const fail = (message: string): never => {
  process.stderr.write(`store:check: ${message}\n`);
  process.exit(1);
};

let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) fail(e.message);
  throw e;
}
const { store: storeSettings, grants } = config.settings;
if (!storeSettings.redisUrl && storeSettings.redisClusterNodes.length === 0) {
  fail(
    'no Redis configured (REDIS_URL or REDIS_CLUSTER_NODES): the embedded store lives and dies inside the ' +
      'server process, there is nothing to check',
  );
}

const store = createStore({
  settings: storeSettings,
  clock: systemClock,
});
let ok = false;
try {
  const problems = await checkStore({ store, clock: systemClock, sweeperPeriodMs: grants.sweeperPeriodSeconds * 1000 });
  process.stdout.write(formatStoreProblems(problems));
  ok = problems.length === 0;
} catch (e) {
  process.stderr.write(`store:check: could not read the store: ${(e as Error).message}\n`);
} finally {
  await store.close();
}
process.exitCode = ok ? 0 : 1;
