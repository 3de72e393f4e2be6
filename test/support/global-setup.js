// Starts a private redis-server on a free port for the whole run (when redis-server is on PATH),
// so that tests never touch the machine's shared Redis at 6379. Without redis-server, REDIS_URL
// names the Redis to use. The URL reaches the tests as TEST_REDIS_URL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

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
