import { createServer } from 'node:net';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { eventually, startServerProcess, statusOf, type ServerProcess } from '../support/server-process.ts';
import { freePort } from '../support/server.ts';

/** Generous for a process that loads oidc-provider on a busy 2-core machine; not a speed claim. */
const START_MS = 30_000;
const PASSWORD = 'faults-redis-password-0123';

let redis: PrivateRedis | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  server = undefined;
  await redis?.stop();
  redis = undefined;
});

test('Redis unreachable at start: a JSON line names the store (never its password), /healthz 200 and /readyz 503 until it is there, then normal service', async () => {
  const port = await freePort();
  redis = await startPrivateRedis({ port, password: PASSWORD, startNow: false });
  server = await startServerProcess({
    env: { REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}`, REDIS_KEY_PREFIX: 'faults-start:' },
    settings: { server: { drainDelaySeconds: 0 } },
  });
  const { url } = server;
  await eventually(async () => (await statusOf(`${url}/healthz`)) === 200, START_MS, '/healthz answers');
  expect(await statusOf(`${url}/readyz`)).toBe(503);
  const discovery = await fetch(`${url}/.well-known/openid-configuration`);
  expect(discovery.status).toBe(503);
  expect(discovery.headers.get('retry-after')).toEqual(expect.any(String));
  await eventually(
    async () => server!.logs().some((l) => l.store === 'redis' && l.at === `127.0.0.1:${port}`),
    START_MS,
    'a log line naming the store',
  );
  expect(server.child.exitCode).toBeNull();

  await redis.start();
  await eventually(async () => (await statusOf(`${url}/readyz`)) === 200, START_MS, '/readyz answers 200');
  expect(await statusOf(`${url}/.well-known/openid-configuration`)).toBe(200);
  expect(await statusOf(`${url}/healthz`)).toBe(200);

  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.lines.join('\n')).not.toContain(PASSWORD);
  // Every line is a JSON log line: no stack trace, nothing unstructured.
  expect(server.lines.filter((l) => !l.startsWith('{'))).toEqual([]);
}, 90_000);

test('a busy port is the one thing that stops it at start: one clear line, no stack trace', async () => {
  const port = await freePort();
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(port, '0.0.0.0', () => resolve()));
  try {
    server = await startServerProcess({ env: { PORT: String(port) } });
    const exit = await server.exited;
    expect(exit.code).not.toBe(0);
    const stderrLines = server.lines.filter((l) => !l.startsWith('{'));
    expect(stderrLines).toEqual([`port ${port} is already in use`]);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}, 60_000);
