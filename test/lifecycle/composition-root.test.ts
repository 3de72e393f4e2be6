import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { ROOT } from '../support/demo.ts';

/** Every timer set while `run` runs, by kind and delay (timers set through the globals, as the app's are). */
const timersSetDuring = async <T>(run: () => Promise<T> | T) => {
  const set: string[] = [];
  const { setInterval: realInterval, setTimeout: realTimeout } = globalThis;
  globalThis.setInterval = ((handler: () => void, ms?: number) => {
    set.push(`interval ${ms}`);
    return realInterval(handler, ms);
  }) as typeof setInterval;
  globalThis.setTimeout = ((handler: () => void, ms?: number) => {
    set.push(`timeout ${ms}`);
    return realTimeout(handler, ms);
  }) as typeof setTimeout;
  try {
    return { result: await run(), set };
  } finally {
    globalThis.setInterval = realInterval;
    globalThis.setTimeout = realTimeout;
  }
};

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('building the app starts no timer; start() starts the background work, and close() ends it', async () => {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      CONFIG_FILE: 'test/fixtures/test-settings.json',
      CALENDAR_FILE: 'config/demo/calendar-always-open.json',
    },
    ROOT,
  );
  const built = await timersSetDuring(() =>
    buildApp(config, { clock: new ManualClock(Date.now()), logger: createLogger({ write: () => {} }) }),
  );
  app = built.result;
  expect(built.set).toEqual([]);

  const started = await timersSetDuring(() => app!.start());
  // The archiver, the partner-status and availability re-reads, partner events, the sweepers, at least.
  expect(started.set.filter((t) => t.startsWith('interval')).length).toBeGreaterThanOrEqual(4);
  expect(started.set).toContain(`interval ${config.settings.partnerStatus.refreshMs}`);
  expect(started.set).toContain(`interval ${config.settings.ops.consentFunnelSweepSeconds * 1000}`);
});
