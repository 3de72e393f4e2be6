import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkStore } from '../../src/grants/store-check.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { adminApi, requestAdminToken } from '../admin/support/admin-api.ts';
import { seedLinkages } from '../support/bulk-linkages.ts';
import { ROOT } from '../support/demo.ts';
import { freePort, startServer, type TestServer } from '../support/server.ts';

const PARTNER = 'demo-kakeibo';
const COUNT = 1500;
const SWEEPER_SECONDS = 1;
const redisUrl = process.env.TEST_REDIS_URL;

/** Polls `probe` until it answers true; fails after `ms` (a wait for a process, not a timed assertion). */
const until = async (what: string, ms: number, probe: () => Promise<boolean>) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}; the server's stderr ended with:\n${stderr}`);
};

/** The server as `npm start` runs it, on the tests' private Redis. */
const startChild = (env: Record<string, string>): ChildProcess => {
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', join(ROOT, 'src', 'main.ts')],
    { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Kept for a failure's message; read so that the pipe never fills.
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return child;
};
let stderr = '';

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

(redisUrl ? describe : describe.skip)('a crash (SIGKILL) in the middle of a bulk ending', () => {
  const prefix = `test-crash-${randomUUID()}:`;
  const dir = mkdtempSync(join(tmpdir(), 'crash-'));
  let store: RedisStore;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    store = new RedisStore({ url: redisUrl!, keyPrefix: prefix });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await store.del(await store.keysWithPrefix(''));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('after a restart the sweeper finishes every ending begun; ending again ends the rest; store:check is clean', async () => {
    const seeder = await startServer({ env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix } });
    let ids: string[];
    try {
      await seeder.app.partnerEvents.stop();
      ids = await seedLinkages(seeder, { partnerId: PARTNER, count: COUNT, customerPrefix: 'crash-customer' });
    } finally {
      await seeder.close();
    }
    const problems = () => checkStore({ store, clock: systemClock, sweeperPeriodMs: SWEEPER_SECONDS * 1000 });
    expect(await problems()).toEqual([]);

    const overlay = join(dir, 'settings.json');
    writeFileSync(overlay, JSON.stringify({ grants: { sweeperPeriodSeconds: SWEEPER_SECONDS } }));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      NODE_ENV: 'test',
      PORT: String(port),
      ISSUER: url,
      REDIS_URL: redisUrl!,
      REDIS_KEY_PREFIX: prefix,
      CONFIG_FILE: overlay,
      CALENDAR_FILE: 'config/demo/calendar-always-open.json',
    };
    // Ready, not just up: until the store answers, the server serves only 503s (healthz is 200 at once).
    const healthy = async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok === true;
    const target = { url } as TestServer;

    child = startChild(env);
    await until('the server to start', 30_000, healthy);
    const api = adminApi(target, (await requestAdminToken(target)).access_token);
    const tombstones = async () => (await store.keysWithPrefix('grant-ended:')).length;

    // The bulk ending starts; the server dies once some endings have begun and before all have.
    const ending = api('POST', `/partners/${PARTNER}/linkages/end`, { reason: 'crash test' }).catch(() => undefined);
    await until('endings to begin', 60_000, async () => (await tombstones()) >= 50);
    child.kill('SIGKILL');
    await exited(child);
    await ending;
    const begun = await tombstones();
    expect(begun).toBeGreaterThanOrEqual(50);
    expect(begun).toBeLessThan(COUNT);
    if (process.env.REPORT_TIMINGS)
      process.stderr.write(`crash test: ${begun} of ${COUNT} endings begun when the server was killed\n`);

    // Restarted, the sweeper finishes every ending that had begun, with nothing else to do.
    child = startChild(env);
    await until('the server to start again', 30_000, healthy);
    await until('the sweeper to finish the endings', 30_000, async () => (await problems()).length === 0);
    expect(await problems()).toEqual([]);
    let ended = 0;
    for (const grantId of ids) {
      const raw = await store.get(`grant-ended:{${grantId}}`);
      const live = (await store.get(`grant:{${grantId}}`)) !== undefined;
      // Each linkage is whole and live, or wholly ended: nothing in between.
      if (raw) {
        expect([grantId, JSON.parse(raw).stage, live]).toEqual([grantId, 'done', false]);
        ended += 1;
      } else {
        expect([grantId, live]).toEqual([grantId, true]);
      }
    }
    expect(ended).toBe(begun);

    // Ending the partner's linkages again ends the rest.
    const again = await adminApi(target, (await requestAdminToken(target)).access_token)(
      'POST',
      `/partners/${PARTNER}/linkages/end`,
      { reason: 'crash test, again' },
    );
    expect(again.status).toBe(200);
    expect(again.body.ended).toBe(COUNT - begun);
    expect(await problems()).toEqual([]);
    expect(await store.keysWithPrefix('grant:{')).toEqual([]);
    expect(await store.keysWithPrefix('oidc:AccessToken:')).toEqual([]);
    child.kill('SIGTERM');
    await exited(child);
  }, 240_000);
});
