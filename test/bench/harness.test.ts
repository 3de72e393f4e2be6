// A few-second run of `npm run bench` (BENCH_SMOKE=1), so the harness cannot rot: every side
// starts, answers its calls with 200, and the table, the targets and the per-call costs come out.
// Nothing here judges speed (the bench itself does that, on a quiet machine).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/demo.ts';

interface Row {
  side: string;
  scenario: string;
  rps: number;
  non2xx: number;
  errors: number;
  cpuUs: number;
  redisCommands: number;
  pgRows?: number;
  logins?: { perSecond: number; congestedShare: number; admissionPageShare: number };
}

test('npm run bench runs every side and prints the table, the targets and the per-call costs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const json = join(dir, 'bench.json');
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'bench/run.ts'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            BENCH_SMOKE: '1',
            BENCH_JSON: json,
            // The suite's PostgreSQL (a database of the bench's own on it), not a second server.
            ...(process.env.TEST_DATABASE_OWNER_URL
              ? { BENCH_DATABASE_OWNER_URL: process.env.TEST_DATABASE_OWNER_URL }
              : { BENCH_POSTGRES: '0' }),
          },
          // About 13 s on a quiet 2-core machine; the margin is for a busy one.
          timeout: 85_000,
        },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
      ),
    );
    expect({ code, stderr: code ? stderr : '' }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(readFileSync(json, 'utf8')) as { rows: Row[]; targets: { name: string }[] };
    const sides = result.rows.map((r) => `${r.scenario}/${r.side}`);
    expect(sides).toEqual([
      'data/real',
      'data/bare koa',
      'data/limit',
      'data/upstream',
      'refresh/real',
      'refresh/raw refresh',
      'logins/real',
    ]);
    for (const row of result.rows) {
      expect({ side: row.side, scenario: row.scenario, failed: row.non2xx + row.errors }).toEqual({
        side: row.side,
        scenario: row.scenario,
        failed: 0,
      });
      expect(row.rps).toBeGreaterThan(0);
    }
    const real = result.rows[0];
    // The data call reads the store: the per-call costs the capacity model uses are really counted.
    expect(real.redisCommands).toBeGreaterThan(0);
    if (process.env.TEST_DATABASE_OWNER_URL) expect(real.pgRows).toEqual(expect.any(Number));
    expect(result.rows.at(-1)!.logins).toEqual({
      perSecond: expect.any(Number),
      congestedShare: expect.any(Number),
      admissionPageShare: expect.any(Number),
      other: expect.any(Number),
    });
    expect(result.targets.map((t) => t.name)).toContain('logins admitted per second');
    expect(stdout).toContain('per-call costs of the real server');
    expect(stdout).toMatch(/^targets$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
