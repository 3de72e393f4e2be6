// Starts a private redis-server on a free port for the whole run (when redis-server is on PATH),
// so that tests never touch the machine's shared Redis at 6379. Without redis-server, REDIS_URL
// names the Redis to use. The URL reaches the tests as TEST_REDIS_URL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startPostgres } from './postgres-server.js';

const waitForPing = async (port) => {
  for (let i = 0; i < 100; i += 1) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout && r.stdout.trim() === 'PONG') return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`private redis-server on port ${port} did not answer PING`);
};

export default async function globalSetup() {
  process.env.TZ = process.env.TZ || 'UTC';
  // Node's compile cache for every node process started from here on: the jest workers and the
  // servers and CLIs the tests start (test/support/child-compile-cache.js). Node's own default place.
  process.env.NODE_COMPILE_CACHE = process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache');
  await setupPostgres();
  const onPath = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!onPath) {
    if (!process.env.REDIS_URL) throw new Error('tests need redis-server on PATH or REDIS_URL');
    process.env.TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'test-redis-'));
  const child = spawn(
    onPath,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore', detached: false },
  );
  globalThis.__TEST_REDIS__ = child;
  await waitForPing(port);
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.TEST_REDIS_SERVER = onPath;
}

// PostgreSQL for the record store's tests: TEST_DATABASE_OWNER_URL (a role that may create
// databases) and TEST_DATABASE_APP_ROLE; test/support/records.ts makes one database per test file.
async function setupPostgres() {
  const server = await startPostgres(await freePort());
  if (server) {
    globalThis.__TEST_POSTGRES__ = server;
    process.env.TEST_DATABASE_OWNER_URL = server.ownerUrl;
    process.env.TEST_DATABASE_APP_ROLE = server.appRole;
    process.env.TEST_POSTGRES_BIN = server.binDir;
    process.env.TEST_POSTGRES_DATA = server.dataDir;
    process.env.TEST_POSTGRES_SOCKET = server.socketDir;
    process.env.TEST_POSTGRES_PORT = String(server.port);
  } else if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_OWNER_URL = process.env.DATABASE_URL;
  } else {
    throw new Error("tests need PostgreSQL: Debian's postgresql package (/usr/lib/postgresql/*/bin) or DATABASE_URL");
  }
}
