import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { connectedRedis } from '../audit/support.ts';
import { customers, ROOT } from '../support/demo.ts';
import { link, partnerFor, startAt } from '../support/linkage.ts';
import { freePort, startServer, type TestServer } from '../support/server.ts';

/**
 * Keys rotate without breaking what was issued before: `npm run keys` in three steps (rotate,
 * promote, retire) across restarts of a server on one Redis. The pairwise salt never changes
 * unless asked for by its own flag.
 */

const run = promisify(execFile);
const keysCli = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '--experimental-strip-types',
        '--no-warnings=ExperimentalWarning',
        join(ROOT, 'src/cli/generate-keys.ts'),
        ...args,
      ],
      { cwd: ROOT },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'keys-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('npm run keys', () => {
  test('refuses to touch an existing set without a step, and --force keeps the pairwise salt unless told', async () => {
    const dir = join(base, 'force');
    expect((await keysCli(['--out', dir])).code).toBe(0);
    const salt = json(join(dir, 'secrets.json')).pairwiseSalt;
    const oldKids = json(join(dir, 'jwks.json')).keys.map((k: { kid: string }) => k.kid);

    const refused = await keysCli(['--out', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--rotate/);
    expect(refused.stderr).toMatch(/sub/);

    const forced = await keysCli(['--out', dir, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/pairwise salt was kept/);
    expect(json(join(dir, 'secrets.json')).pairwiseSalt).toBe(salt);
    // The replaced keys stay, public only, for audit:verify.
    const retired = json(join(dir, 'checkpoint-keys.json')).keys;
    expect(retired.map((k: { kid: string }) => k.kid)).toEqual(oldKids);
    for (const k of retired) expect(k).not.toHaveProperty('d');
    expect(json(join(dir, 'jwks.json')).keys.map((k: { kid: string }) => k.kid)).not.toContain(oldKids[0]);

    const salted = await keysCli(['--out', dir, '--force', '--new-pairwise-salt']);
    expect(salted.code).toBe(0);
    expect(salted.stdout).toMatch(/new `sub` at every partner/);
    expect(json(join(dir, 'secrets.json')).pairwiseSalt).not.toBe(salt);
  });

  test('the rotation steps never change the pairwise salt', async () => {
    const dir = join(base, 'salt');
    await keysCli(['--out', dir]);
    const salt = json(join(dir, 'secrets.json')).pairwiseSalt;
    for (const step of ['--rotate', '--promote', '--retire']) {
      expect((await keysCli(['--out', dir, step])).code).toBe(0);
      expect(json(join(dir, 'secrets.json')).pairwiseSalt).toBe(salt);
    }
    expect((await keysCli(['--out', dir, '--promote'])).code).toBe(1);
  });
});

describe('a rotation, across restarts on one Redis', () => {
  const keyPrefix = `test:${randomUUID()}:`;
  let dir: string;
  let port: number;
  let start: (keysDir: string) => Promise<TestServer>;
  let clock: TestServer['clock'] | undefined;

  beforeAll(async () => {
    dir = join(base, 'rolling');
    await keysCli(['--out', dir]);
    cpSync(dir, join(base, 'rolling-old'), { recursive: true });
    port = await freePort();
    start = async (keysDir) => {
      const server = await startServer({
        port,
        clock,
        env: { KEYS_DIR: keysDir, INSTANCE_NAME: 'web-1' },
        overrides: { store: await connectedRedis(keyPrefix) },
      });
      clock = server.clock;
      return server;
    };
  });

  const kids = (file: string) => json(file).keys.map((k: { kid: string; alg: string }) => `${k.alg}:${k.kid}`);
  const es256 = (keysDir: string) =>
    json(join(keysDir, 'jwks.json')).keys.find((k: { alg: string }) => k.alg === 'ES256').kid as string;
  const jwksOf = async (server: TestServer) =>
    (await (await fetch(`${server.url}/jwks`)).json()) as { keys: { kid: string }[] };

  test('what was issued before keeps working until it expires; new tokens and cookies use the new keys', async () => {
    const firstKid = es256(dir);

    // Before: a linkage, and a customer half-way through another (signed interaction cookie).
    let server = await start(dir);
    const partner = await partnerFor(server);
    const before = await link(server, partner, customers.allTypes);
    expect(decodeProtectedHeader(before.tokens.id_token!).kid).toBe(firstKid);
    const halfway = await startAt(server, partner);
    await server.close();

    // Step 1: new keys published, not signing; a new cookie key.
    expect((await keysCli(['--out', dir, '--rotate'])).code).toBe(0);
    const staged = json(join(dir, 'rotation.json')).staged as string[];
    expect(staged).toHaveLength(2);
    server = await start(dir);
    expect((await jwksOf(server)).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([firstKid, ...staged]));
    // The customer's flow started before goes on (its cookie was signed with the old cookie key).
    const otpPage = await halfway.agent.login(halfway.page, customers.twoBranches);
    expect(otpPage.status).toBe(200);
    expect(otpPage.html).toContain('name="otp"');
    // The tokens from before still work.
    const url = `${server.url}/api/v1/accounts`;
    expect((await partner.resource(url, before.tokens.access_token, before.pending.dpopKeys)).status).toBe(200);
    const refreshed = await partner.refresh(before.tokens.refresh_token!, before.pending.dpopKeys);
    expect(decodeProtectedHeader(refreshed.id_token!).kid).toBe(firstKid);
    // A flow started now carries a cookie only the new cookie key makes.
    const startedNow = await startAt(server, partner);
    await server.close();
    const old = await start(join(base, 'rolling-old'));
    const refused = await startedNow.agent.login(startedNow.page, customers.twoBranches);
    expect(refused.html).not.toContain('name="otp"');
    await old.close();

    // Step 2: the new keys sign; the old one stays published, so earlier ID tokens still verify.
    expect((await keysCli(['--out', dir, '--promote'])).code).toBe(0);
    server = await start(dir);
    const after = await link(server, partner, customers.twoBranches);
    const newKid = decodeProtectedHeader(after.tokens.id_token!).kid;
    expect(staged).toContain(newKid);
    const published = createLocalJWKSet((await jwksOf(server)) as never);
    await expect(
      jwtVerify(before.tokens.id_token!, published, { currentDate: new Date(server.clock.now()) }),
    ).resolves.toBeTruthy();
    await expect(
      jwtVerify(after.tokens.id_token!, published, { currentDate: new Date(server.clock.now()) }),
    ).resolves.toBeTruthy();
    expect((await partner.resource(url, before.tokens.access_token, before.pending.dpopKeys)).status).toBe(200);
    // Until they expire, like any token.
    server.clock.advance((server.app.config.settings.lifetimes.accessTokenSeconds + 60) * 1000);
    expect((await partner.resource(url, before.tokens.access_token, before.pending.dpopKeys)).status).toBe(401);
    await server.close();

    // Step 3: the old keys leave the JWKS; audit:verify still checks the checkpoints they signed.
    expect((await keysCli(['--out', dir, '--retire'])).code).toBe(0);
    expect(kids(join(dir, 'jwks.json'))).toHaveLength(2);
    expect(kids(join(dir, 'checkpoint-keys.json'))).toEqual(expect.arrayContaining([`ES256:${firstKid}`]));
    const config = loadConfig(
      { NODE_ENV: 'test', KEYS_DIR: dir, CONFIG_FILE: 'test/fixtures/test-settings.json' },
      ROOT,
    );
    const store = await connectedRedis(keyPrefix);
    try {
      const now = clock!.now();
      const retentionDays = config.settings.audit.retentionDays;
      const report = await verifyAuditTrail({
        store,
        signingKeys: config.signingKeys,
        retiredCheckpointKeys: config.retiredCheckpointKeys,
        retentionDays,
        now,
      });
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      // Without the retired keys, the old checkpoints would no longer verify.
      const without = await verifyAuditTrail({ store, signingKeys: config.signingKeys, retentionDays, now });
      expect(without.ok).toBe(false);
    } finally {
      await store.close();
    }
  });
});
