import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.ts';

/** Answers once a Redis on the port says PONG (a raw RESP PING: no client library, no reconnect logic). */
export const pongs = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // A Redis with a password answers NOAUTH: up all the same.
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGSTOP: the socket stays open and nothing answers, as in a long fork or a network stall. */
  freeze(): void;
  /** SIGKILL (also of a frozen one): connections reset, nothing answers the port. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (the append-only file brings the data back). */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A redis-server of the test file's own, on a free port, persisting every write to an append-only
 * file (fsync always), so that a kill loses nothing the server was told was written. Never the
 * machine's Redis, never the suite's shared one: the fault tests stop and kill it.
 */
export const startPrivateRedis = async (
  options: { port?: number; password?: string; startNow?: boolean } = {},
): Promise<PrivateRedis> => {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'faults-redis-'));
  const server = process.env.TEST_REDIS_SERVER || 'redis-server';
  let child: ChildProcess | undefined;

  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('exit', () => resolve()));

  const start = async () => {
    const started = spawn(
      server,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        dir,
        ...(options.password ? ['--requirepass', options.password] : []),
      ],
      { stdio: 'ignore' },
    );
    child = started;
    for (let i = 0; i < 200; i += 1) {
      if (await pongs(port)) return;
      if (started.exitCode !== null) throw new Error(`redis-server on ${port} exited (${started.exitCode})`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server on ${port} did not answer PING`);
  };

  if (options.startNow !== false) await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    freeze: () => {
      child?.kill('SIGSTOP');
    },
    async kill() {
      if (!child) return;
      const c = child;
      c.kill('SIGKILL');
      await exited(c);
    },
    start,
    async stop() {
      if (child) {
        const c = child;
        c.kill('SIGKILL');
        await exited(c);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
