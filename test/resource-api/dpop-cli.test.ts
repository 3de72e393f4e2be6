import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import type * as oauth from 'oauth4webapi';
import { customers, ROOT } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** `npm run dpop`: the proof it prints is one the data API accepts, as curl would send it. */

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', join(ROOT, 'src/cli/dpop.ts'), ...args],
    { cwd: ROOT },
  );

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dpop-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A linkage whose tokens are bound to a key the test holds as a JWK file, as a developer would. */
const linkedWithKeyFile = async (server: TestServer) => {
  const keys = (await generateKeyPair('ES256', { extractable: true })) as oauth.CryptoKeyPair;
  const file = join(dir, `key-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(await exportJWK(keys.privateKey)));
  const linked = await link(server, await partnerFor(server), customers.allTypes, { dpopKeys: keys });
  return { file, token: linked.tokens.access_token };
};

/** What curl sends: the two headers, nothing else. */
const curl = (url: string, token: string, proof: string) =>
  fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } });

const serverSeconds = (server: TestServer) => String(Math.floor(server.clock.now() / 1000));

describe('without a required nonce', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  test('the printed proof is accepted once, and refused the second time', async () => {
    const { file, token } = await linkedWithKeyFile(server);
    const url = `${server.url}/api/v1/accounts/balances?accountId=x`;
    const { stdout } = await cli(['GET', url, '--key', file, `--token=${token}`, '--iat', serverSeconds(server)]);
    const proof = stdout.trim();
    // htu without the query (RFC 9449 §4.2); the public key only in the header.
    expect(decodeJwt(proof)).toMatchObject({ htm: 'GET', htu: `${server.url}/api/v1/accounts/balances` });
    expect(decodeProtectedHeader(proof)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(decodeProtectedHeader(proof).jwk).not.toHaveProperty('d');
    const plain = `${server.url}/api/v1/accounts`;
    const { stdout: second } = await cli([
      'GET',
      plain,
      '--key',
      file,
      `--token=${token}`,
      '--iat',
      serverSeconds(server),
    ]);
    const res = await curl(plain, token, second.trim());
    expect(res.status).toBe(200);
    // One request per proof: the same one again is a replay.
    expect((await curl(plain, token, second.trim())).status).toBe(401);
  });

  test('a proof for another token, or a bad key file, is refused or reported', async () => {
    const { file, token } = await linkedWithKeyFile(server);
    const url = `${server.url}/api/v1/accounts`;
    const { stdout } = await cli([
      'GET',
      url,
      '--key',
      file,
      '--token',
      'another-token',
      '--iat',
      serverSeconds(server),
    ]);
    expect((await curl(url, token, stdout.trim())).status).toBe(401);
    const pub = join(dir, 'public.json');
    writeFileSync(pub, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }));
    await expect(cli(['GET', url, '--key', pub, `--token=${token}`])).rejects.toMatchObject({ code: 2 });
  });
});

describe('with DPOP_REQUIRE_NONCE on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { DPOP_REQUIRE_NONCE: 'true' } });
  });
  afterAll(async () => server.close());

  test('--nonce: a proof with the nonce from the last answer is accepted', async () => {
    const { file, token } = await linkedWithKeyFile(server);
    const url = `${server.url}/api/v1/accounts`;
    const first = await cli(['GET', url, '--key', file, `--token=${token}`, '--iat', serverSeconds(server)]);
    const refused = await curl(url, token, first.stdout.trim());
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/use_dpop_nonce/);
    const nonce = refused.headers.get('dpop-nonce')!;
    const { stdout } = await cli([
      'GET',
      url,
      '--key',
      file,
      `--token=${token}`,
      // base64url: a nonce may begin with "-", which parseArgs would read as an option.
      `--nonce=${nonce}`,
      '--iat',
      serverSeconds(server),
    ]);
    expect((await curl(url, token, stdout.trim())).status).toBe(200);
    // The same with a nonce that does begin with "-" (the server's may or may not, at random).
    const dashed = await cli(['GET', url, '--key', file, `--token=${token}`, '--nonce=-dash', '--iat', '0']);
    expect(decodeJwt(dashed.stdout.trim())).toMatchObject({ nonce: '-dash' });
  });

  test('--probe: it learns the nonce itself, and the proof it prints is accepted', async () => {
    const { file, token } = await linkedWithKeyFile(server);
    const url = `${server.url}/api/v1/accounts`;
    const { stdout, stderr } = await cli([
      'GET',
      url,
      '--key',
      file,
      `--token=${token}`,
      '--probe',
      '--iat',
      serverSeconds(server),
    ]);
    expect(stderr).toContain('probe: 401, the server gave a nonce');
    expect((await curl(url, token, stdout.trim())).status).toBe(200);
  });
});
