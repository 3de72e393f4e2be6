// What the bench needs around the servers it measures: free ports, private redis-server and
// PostgreSQL instances, child processes it can watch (CPU time and RSS from /proc), store counters.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
// The test suite's private PostgreSQL (Debian's binaries, a temporary directory, a free port);
// a plain JavaScript module without types, hence imported by a path the compiler does not follow.
const postgresModule: string = '../test/support/postgres-server.js';
const { startPostgres } = (await import(postgresModule)) as {
  startPostgres(port: number): Promise<{ ownerUrl: string; stop(): void } | undefined>;
};

export const ROOT = join(import.meta.dirname, '..');

export const freePort = async (): Promise<number> => {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PrivateRedis {
  url: string;
  client: Redis;
  /** Commands executed (INFO not counted) and bytes in + out, since start. */
  counters(): Promise<{ commands: number; bytes: number; keys: number; perCommand: Record<string, number> }>;
  /** MEMORY USAGE summed over every key, by key family (the part before the first long id). */
  memory(): Promise<{ bytes: number; keys: number; families: Record<string, { keys: number; bytes: number }> }>;
  stop(): Promise<void>;
}

/**
 * What must not outlive the bench: stopped synchronously when the process exits, whatever the way
 * (an error thrown at the top level skips a bench's own asynchronous clean-up).
 */
const atExit = new Set<() => void>();
process.once('exit', () => {
  for (const stop of atExit) {
    try {
      stop();
    } catch {
      // already gone
    }
  }
});
const stopAtExit = (stop: () => void) => {
  atExit.add(stop);
  return () => atExit.delete(stop);
};

/** A redis-server of the bench's own on a free port, no persistence. */
export const startRedis = async (): Promise<PrivateRedis> => {
  const bin = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) throw new Error('npm run bench needs redis-server on PATH');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    cwd: dir,
    stdio: 'ignore',
  });
  const forget = stopAtExit(() => child.kill('SIGKILL'));
  const url = `redis://127.0.0.1:${port}`;
  // ioredis connects once and reconnects by itself every 50 ms until redis-server listens; only the
  // PING is retried. (Calling connect() again after a refused first attempt rejects for good, with
  // "already connecting/connected": the bench then failed whenever redis-server was slow to start.)
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on('error', () => undefined);
  for (let i = 0; ; i += 1) {
    try {
      await client.ping();
      break;
    } catch (e) {
      if (i > 100) throw e;
      await sleep(30);
    }
  }
  return {
    url,
    client,
    async counters() {
      const stats = await client.info('commandstats');
      const perCommand: Record<string, number> = {};
      let commands = 0;
      for (const m of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
        if (m[1] === 'info' || m[1] === 'dbsize') continue;
        perCommand[m[1]] = Number(m[2]);
        commands += Number(m[2]);
      }
      const s = await client.info('stats');
      const num = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(s)?.[1] ?? 0);
      return {
        commands,
        bytes: num('total_net_input_bytes') + num('total_net_output_bytes'),
        keys: await client.dbsize(),
        perCommand,
      };
    },
    async memory() {
      const families: Record<string, { keys: number; bytes: number }> = {};
      let bytes = 0;
      let keys = 0;
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
        cursor = next;
        for (const key of batch) {
          const b = Number((await client.memory('USAGE', key)) ?? 0);
          const family = key.replace(/[0-9a-zA-Z_-]{16,}.*$/, '…');
          families[family] = { keys: (families[family]?.keys ?? 0) + 1, bytes: (families[family]?.bytes ?? 0) + b };
          bytes += b;
          keys += 1;
        }
      } while (cursor !== '0');
      return { bytes, keys, families };
    },
    async stop() {
      forget();
      client.disconnect();
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface PrivateDatabase {
  /** The application's URL, the owner's URL (migrations). */
  url: string;
  ownerUrl: string;
  /** Rows inserted into the application's tables and the database's size in bytes. */
  counters(): Promise<{ rows: number; bytes: number }>;
  stop(): Promise<void>;
}

/** A private PostgreSQL (undefined without Debian's binaries) with one database for the server. */
export const startDatabase = async (existingOwnerUrl?: string): Promise<PrivateDatabase | undefined> => {
  // On a server that is already running (the test suite's), a database of its own; else a server.
  const server = existingOwnerUrl ? undefined : await startPostgres(await freePort());
  const forget = server ? stopAtExit(() => server.stop()) : () => false;
  const serverUrl = existingOwnerUrl ?? server?.ownerUrl;
  if (!serverUrl) return undefined;
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const ownerUrl = u.toString();
  const watcher = new pg.Client({ connectionString: ownerUrl });
  await watcher.connect();
  return {
    url: ownerUrl,
    ownerUrl,
    async counters() {
      // The statistics are flushed at most once a second per backend.
      await watcher.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
      const rows = await watcher.query<{ rows: string; bytes: string }>(
        `SELECT coalesce(sum(n_tup_ins), 0) AS rows, pg_database_size(current_database()) AS bytes
           FROM pg_stat_user_tables`,
      );
      return { rows: Number(rows.rows[0].rows), bytes: Number(rows.rows[0].bytes) };
    },
    async stop() {
      forget();
      await watcher.end().catch(() => undefined);
      if (server) server.stop();
      else {
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      }
    },
  };
};

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  lines: string[];
  /** The first JSON line the process printed with `"ready": true`. */
  ready: Promise<Record<string, unknown>>;
  /** CPU seconds (user + system) so far, from /proc. */
  cpuSeconds(): number;
  /** Resident set size in bytes now. */
  rss(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/**
 * BENCH_V8: V8 flags given to every side alike (say `--max-semi-space-size=16`, to see how much of
 * a side's RSS is V8's young generation, which grows to 134 MB on this machine by default).
 */
const SHARED_V8_FLAGS = (process.env.BENCH_V8 ?? '').split(' ').filter(Boolean);

/** The same runtime and flags on every side: Node 24 with type stripping, nothing else but `extra`. */
export const startNode = (
  name: string,
  script: string,
  options: { env?: Record<string, string>; nodeArgs?: string[]; readyWhen?: RegExp } = {},
): NodeProcess => {
  const child = spawn(
    process.execPath,
    [
      '--experimental-strip-types',
      '--no-warnings=ExperimentalWarning',
      ...SHARED_V8_FLAGS,
      ...(options.nodeArgs ?? []),
      script,
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const forget = stopAtExit(() => child.kill('SIGKILL'));
  child.once('exit', forget);
  const lines: string[] = [];
  let resolveReady: (v: Record<string, unknown>) => void;
  let rejectReady: (e: Error) => void;
  const ready = new Promise<Record<string, unknown>>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (!line) continue;
        // Keep the start-up lines and the last ones (an access log line per request otherwise).
        if (lines.length < 200) lines.push(line);
        else lines[200 + (lines.length % 50)] = line;
        if (options.readyWhen?.test(line)) resolveReady({ ready: true });
        if (line.startsWith('{"ready":true')) resolveReady(JSON.parse(line));
      }
    });
  }
  child.once('exit', (code, signal) =>
    rejectReady(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${lines.slice(-20).join('\n')}`)),
  );
  ready.catch(() => undefined);
  const pid = child.pid!;
  return {
    name,
    child,
    pid,
    lines,
    ready,
    cpuSeconds() {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    rss() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await once(child, 'exit');
      clearTimeout(t);
    },
  };
};
