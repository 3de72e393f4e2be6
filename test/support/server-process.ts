import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './demo.ts';
import { freePort } from './server.ts';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process wrote to stdout and stderr so far. */
  lines: string[];
  /** The JSON log lines so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `npm start` as a deployment runs it: src/main.ts in a process of its own, on a free port, with
 * the always-open demo calendar, the test overlay's settings and `settings` merged over them.
 */
export const startServerProcess = async (
  options: { env?: Record<string, string>; settings?: Record<string, unknown> } = {},
): Promise<ServerProcess> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const overlay = join(tmpdir(), `server-process-${port}.json`);
  writeFileSync(
    overlay,
    JSON.stringify({
      dataApi: { pageSize: 100 },
      identityCheck: {
        failureDelaysMs: [0],
        responseFloorMs: 0,
        ipLimit: { maxFailures: 100000 },
        globalLimit: { maxFailures: 100000 },
      },
      ...options.settings,
    }),
  );
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: String(port),
        ISSUER: url,
        CONFIG_FILE: overlay,
        CALENDAR_FILE: 'config/demo/calendar-always-open.json',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const logs = () =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return { url, child, lines, logs, exited };
};

/** Polls `check` (every 50 ms) until it answers true; fails after `withinMs` of real time. */
export const eventually = async (check: () => Promise<boolean>, withinMs: number, what: string) => {
  const started = performance.now();
  while (performance.now() - started < withinMs) {
    if (await check().catch(() => false)) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${withinMs} ms: ${what}`);
};

/** GET on a connection of its own: the status, or 0 when nothing answered (with the error's code in `error`). */
export const getOnce = (url: string): Promise<{ status: number; error?: string }> =>
  new Promise((resolve) => {
    const req = httpGet(url, { agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ status: 0, error: e.code ?? e.message }));
  });

/** The status of a GET on a connection of its own, 0 when nothing answered. */
export const statusOf = async (url: string): Promise<number> => (await getOnce(url)).status;

/** True once the server refuses new connections (it stopped accepting). */
export const refusesConnections = async (url: string): Promise<boolean> =>
  (await getOnce(url)).error === 'ECONNREFUSED';

/** `npm run store:check` against a store, as an operator runs it: exit code and what it printed. */
export const runStoreCheck = (env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/cli/store-check.ts'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
