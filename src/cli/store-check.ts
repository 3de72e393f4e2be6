// npm run store:check   scans the store the server uses (REDIS_URL or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX,
// ... as the server reads them) for inconsistencies: tokens without their linkage, linkages without
// consent evidence, index members pointing at nothing, unfinished endings, keys without a TTL.
// Exit 0: none found; 1: some found (listed on stdout) or the store could not be read.
import { checkStore, formatStoreProblems } from '../grants/store-check.ts';
import { systemClock } from '../shared/clock.ts';
import { messageOf } from '../shared/thrown.ts';
import { createStore } from '../store/create-store.ts';
import { CliFailure, runCli } from './run-cli.ts';

await runCli({ name: 'store:check', configExitCode: 1 }, async (config) => {
  const { store: storeSettings, grants } = config.settings;
  if (!storeSettings.redisUrl && storeSettings.redisClusterNodes.length === 0) {
    throw new CliFailure(
      'no Redis configured (REDIS_URL or REDIS_CLUSTER_NODES): the embedded store lives and dies inside the ' +
        'server process, there is nothing to check',
      1,
    );
  }

  const store = createStore({
    settings: storeSettings,
    clock: systemClock,
  });
  try {
    const problems = await checkStore({
      store,
      clock: systemClock,
      sweeperPeriodMs: grants.sweeperPeriodSeconds * 1000,
    });
    process.stdout.write(formatStoreProblems(problems));
    return problems.length === 0 ? 0 : 1;
  } catch (e) {
    throw new CliFailure(`could not read the store: ${messageOf(e)}`, 1);
  } finally {
    await store.close();
  }
});
