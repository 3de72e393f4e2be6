// Entry point: read the configuration (the one place that sees process.env), build, listen.
import { buildApp } from './app.ts';
import { ConfigError } from './config/config-error.ts';
import { loadConfig } from './config/load-config.ts';
import { createLogger } from './shared/logger.ts';

const logger = createLogger();
let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.oneLine()}\n`);
    process.exit(78);
  }
  throw e;
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) logger.warn('unsupported Node.js version: use Node 24 LTS (>= 22.12)', { node: process.versions.node });
if (!config.settings.store.redisUrl && config.settings.store.redisClusterNodes.length === 0) {
  logger.warn(
    'using the embedded in-memory store: for trial only — state is lost on restart and not shared between instances. ' +
      'Set REDIS_URL for real use.',
  );
}
if (config.usesDemoKeys) logger.warn('using the committed demo keys (config/demo/keys): never in production');
if (config.demo) logger.warn('demo data is on: demo customers and the demo partner app at /demo are available');

let app;
try {
  app = await buildApp(config, { logger });
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.oneLine()}\n`);
    process.exit(78);
  }
  throw e;
}
app.start();
await app.store.ping();
const server = app.koa.listen(config.settings.server.port, () => {
  logger.info('listening', { url: config.settings.server.issuer, port: config.settings.server.port });
});

const shutdown = (signal: string) => {
  logger.info('shutting down', { signal });
  server.close(() => {
    void app.close().finally(() => {
      logger.flush();
      process.exit(0);
    });
  });
  setTimeout(() => process.exit(0), 5000).unref();
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
