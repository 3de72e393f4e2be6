// Entry point: read the configuration (the one place that sees process.env), listen, connect the
// store, build, serve; on SIGTERM/SIGINT drain and stop without dropping an accepted request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp, type App } from './app.ts';
import { ConfigError } from './config/config-error.ts';
import { loadConfig } from './config/load-config.ts';
import { startingHandler } from './http/starting.ts';
import { systemClock } from './shared/clock.ts';
import { createDeadlines } from './shared/deadline.ts';
import { createLogger } from './shared/logger.ts';
import { unavailableCause } from './shared/unavailable.ts';
import { createStore } from './store/create-store.ts';
import { messageOf } from './shared/thrown.ts';

const logger = createLogger();
/** One clear line, no stack trace: what an operator needs to fix it. */
const fatal = (message: string, code: number): never => {
  process.stderr.write(`${message.replace(/:\n\s+- /, ': ').replace(/\n\s+- /g, '; ')}\n`);
  process.exit(code);
};

let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) fatal(e.oneLine(), 78);
  throw e;
}
const { settings } = config;

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) logger.warn('unsupported Node.js version: use Node 24 LTS (>= 22.12)', { node: process.versions.node });
const redis = Boolean(settings.store.redisUrl) || settings.store.redisClusterNodes.length > 0;
if (!redis) {
  logger.warn(
    'using the embedded in-memory store: for trial only — state is lost on restart and not shared between instances. ' +
      'Set REDIS_URL for real use.',
  );
}
if (config.usesDemoKeys) logger.warn('using the committed demo keys (config/demo/keys): never in production');
if (config.demo) logger.warn('demo data is on: demo customers and the demo partner app at /demo are available');

// Listen first: /healthz answers while the store is still out of reach, /readyz says not ready.
const deadlines = createDeadlines();
const store = createStore({
  settings: settings.store,
  clock: systemClock,
  logger,
  deadlines,
});

let app: App | undefined;
let serve: (req: IncomingMessage, res: ServerResponse) => void = startingHandler;
let closing = false;
const inFlight = new Set<ServerResponse>();

const server = createServer((req, res) => {
  inFlight.add(res);
  res.once('close', () => inFlight.delete(res));
  // Once stopping, every answer tells the client to close its connection, so none is left idle.
  if (closing) res.setHeader('Connection', 'close');
  serve(req, res);
});
server.once('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EADDRINUSE') fatal(`port ${settings.server.port} is already in use`, 1);
  if (e.code === 'EACCES') fatal(`no permission to listen on port ${settings.server.port}`, 1);
  fatal(`cannot listen on port ${settings.server.port}: ${e.message}`, 1);
});
server.listen(settings.server.port, () => {
  logger.info('listening', { url: settings.server.issuer, port: settings.server.port });
});

let stopping = false;

/** Waits for the store with back-off (0.1 s doubling to 5 s); the store logs where it is trying to reach. */
const connect = async () => {
  for (let attempt = 0; !stopping; attempt += 1) {
    try {
      await store.ping();
      if (attempt > 0) logger.info('store reachable', { store: redis ? 'redis' : 'memory' });
      return true;
    } catch (error) {
      if (attempt === 0)
        logger.warn('store not reachable at start; retrying with back-off, /readyz answers 503 until then', {
          store: redis ? 'redis' : 'memory',
          error: messageOf(error),
        });
      await sleep(Math.min(100 * 2 ** attempt, 5000));
    }
  }
  return false;
};

const start = async () => {
  while (!stopping) {
    if (!(await connect())) return;
    try {
      const built = await buildApp(config, { logger, store, deadlines });
      built.start();
      app = built;
      serve = built.koa.callback();
      logger.info('serving', { instance: settings.server.instanceName || String(process.pid) });
      return;
    } catch (error) {
      if (error instanceof ConfigError) fatal(error.oneLine(), 78);
      // The store went away again while the app read its state: wait for it once more.
      if (!unavailableCause(error)) throw error;
      logger.warn('store lost during start; retrying', { error: messageOf(error) });
    }
  }
};

const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  const drainMs = settings.server.drainDelaySeconds * 1000;
  const timeoutMs = settings.server.shutdownTimeoutSeconds * 1000;
  // 1. Not ready at once; keep serving while the load balancer notices.
  app?.startDraining();
  logger.info('shutting down: draining', { signal, drainDelaySeconds: settings.server.drainDelaySeconds });
  if (app) await sleep(drainMs);
  // 2. Stop accepting; close idle kept-alive connections; the answers in flight say Connection: close.
  closing = true;
  for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A connection whose answer was already under way stays open after it: close it once idle.
  server.closeIdleConnections();
  const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
  const finished = await Promise.race([closed.then(() => true), sleep(timeoutMs).then(() => false)]);
  clearInterval(idleSweep);
  if (!finished) {
    logger.warn('requests still in flight after the shutdown timeout are cut off', { requests: inFlight.size });
    server.closeAllConnections();
  }
  // 3. Flush the audit buffer, sign the shutdown checkpoint, close the stores.
  try {
    if (app) await app.close();
    else await store.close();
  } catch (error) {
    logger.error('shutdown did not complete cleanly', { error: messageOf(error) });
  }
  logger.info('stopped', { signal, cutOff: finished ? 0 : inFlight.size });
  logger.flush();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

await start();
