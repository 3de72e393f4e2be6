import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RedisStore } from '../../src/store/redis-store.ts';
import { ROOT } from '../support/demo.ts';

const run = promisify(execFile);
const redisUrl = process.env.TEST_REDIS_URL;

/** `npm run store:check` as an operator runs it: the store from the same configuration as the server. */
const storeCheck = async (env: Record<string, string>) => {
  try {
    const { stdout } = await run(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', join(ROOT, 'src', 'cli', 'store-check.ts')],
      { cwd: ROOT, env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env } },
    );
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout + failed.stderr };
  }
};

(redisUrl ? describe : describe.skip)('npm run store:check', () => {
  const prefix = `test-check-cli-${randomUUID()}:`;
  let store: RedisStore;
  beforeAll(() => {
    store = new RedisStore({ url: redisUrl!, keyPrefix: prefix });
  });
  afterAll(async () => {
    await store.del(await store.keysWithPrefix(''));
    await store.close();
  });

  test('exits 0 on a clean store and 1, listing each problem, on one with inconsistencies', async () => {
    const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix };
    expect(await storeCheck(env)).toEqual({ code: 0, stdout: 'store:check: no inconsistency found\n' });
    await store.set('interaction-state:u1', '{}');
    await store.addToSortedSet('idx:grants-by-partner:p1', [{ member: 'ghost', score: 4_000_000_000 }], 3600);
    const found = await storeCheck(env);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/^key-without-ttl\tinteraction-state:u1\t/m);
    expect(found.stdout).toMatch(/^dangling-index-member\tidx:grants-by-partner:p1\tgrant ghost/m);
    expect(found.stdout).toMatch(/store:check: 2 found\n$/);
  }, 60_000);

  test('refuses to run without Redis, saying why', async () => {
    const answer = await storeCheck({});
    expect(answer.code).toBe(1);
    expect(answer.stdout).toMatch(/no Redis configured/);
  }, 60_000);
});
