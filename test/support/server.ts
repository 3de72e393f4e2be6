import { buildApp, type App, type AppOverrides } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger, type Logger } from '../../src/shared/logger.ts';
import { ROOT } from './demo.ts';
import { freePort } from './ports.ts';

export { freePort } from './ports.ts';

export interface TestServer {
  url: string;
  app: App;
  clock: ManualClock;
  logLines: string[];
  close(): Promise<void>;
}

/**
 * Starts the whole server in this process on a free port, with the repository's configuration,
 * the test overlay (no artificial delays), an always-open service calendar and a clock the test
 * moves.
 */
export const startServer = async (
  options: {
    env?: Record<string, string | undefined>;
    overrides?: AppOverrides;
    port?: number;
    clock?: ManualClock;
  } = {},
): Promise<TestServer> => {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  // An always-open calendar unless a test asks for another: no test may depend on the hour it runs at.
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      ISSUER: url,
      PORT: String(port),
      CONFIG_FILE: 'test/fixtures/test-settings.json',
      CALENDAR_FILE: 'config/demo/calendar-always-open.json',
      ...options.env,
    },
    ROOT,
  );
  const clock = options.clock ?? new ManualClock(Date.now());
  const logLines: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  const app = await buildApp(config, { clock, logger, sleep: async () => {}, ...options.overrides });
  app.start();
  const server = app.koa.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url,
    app,
    clock,
    logLines,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
};
