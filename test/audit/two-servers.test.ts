import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { eventsStreamOf } from '../../src/audit/trail-stream.ts';
import type { RecordedAuditEvent } from '../../src/audit/audit-log.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { customers, ROOT } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer } from '../support/server.ts';
import { testRedisUrl } from '../store/store-harness.ts';
import { connectedRedis } from './support.ts';

/** `npm run audit:verify`, as an operator runs it: a separate process reading the same Redis. */
const auditVerify = (keyPrefix: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/cli/audit-verify.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: keyPrefix,
          REDIS_CLUSTER_NODES: '',
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });

const keyPrefix = `test:${randomUUID()}:`;
let store: RedisStore | undefined;

beforeAll(async () => {
  const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: keyPrefix };
  const started = await Promise.allSettled(
    ['web-1', 'web-2'].map(async (name) =>
      startServer({ env: { ...env, INSTANCE_NAME: name }, overrides: { store: await connectedRedis(keyPrefix) } }),
    ),
  );
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    // Two linkages and their data calls at the same time, one on each server process.
    await Promise.all(
      servers.map(async (server, i) => {
        const partner = await partnerFor(server);
        const linked = await link(server, partner, i === 0 ? customers.allTypes : customers.twoBranches);
        for (const path of ['/accounts', '/accounts/balances', '/accounts/time-deposits']) {
          const res = await partner.resource(
            `${server.url}/api/v1${path}`,
            linked.tokens.access_token,
            linked.pending.dpopKeys,
          );
          expect(res.status).toBe(200);
        }
      }),
    );
  } finally {
    // Closing writes each server's last checkpoint.
    await Promise.all(servers.map((s) => s.close()));
  }
  store = await connectedRedis(keyPrefix);
});
afterAll(async () => {
  if (!store) return;
  await store.del(await store.keysWithPrefix(''));
  await store.close();
});

test('npm run audit:verify passes on the trail two server processes wrote at once, then names an altered event', async () => {
  const passed = await auditVerify(keyPrefix);
  expect(passed.stderr).toBe('');
  expect(passed.code).toBe(0);
  expect(passed.stdout).toMatch(/in 2 chains/);
  expect(passed.stdout).toMatch(/\(instance web-1\)/);
  expect(passed.stdout).toMatch(/\(instance web-2\)/);
  expect(passed.stdout).toMatch(/^OK: every chain is intact/m);

  // Someone rewrites the result of one data call on web-2.
  const web2 = eventsStreamOf('web-2');
  const entries = (await store!.readStream(web2)).map((e) => ({
    id: e.id,
    event: JSON.parse(e.value) as RecordedAuditEvent,
  }));
  const target = entries.find((e) => e.event.kind === 'data.access')!;
  expect(entries.every((e) => e.event.instance === 'web-2')).toBe(true);
  await store!.deleteFromStream(web2, [target.id]);
  await store!.appendToStream(web2, [
    { atMs: Date.now(), value: JSON.stringify({ ...target.event, result: 'failure' }) },
  ]);

  const failed = await auditVerify(keyPrefix);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/^FAILED: 1 problem/m);
  expect(failed.stdout).toContain(
    `chain ${target.event.chain}: event ${target.event.seq} (data.access at ${target.event.time}`,
  );
  expect(failed.stdout).toMatch(/altered/);
});
