import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ROOT } from '../support/demo.ts';
import { freePort } from '../support/server.ts';
import { tempPartnersDir, writePartnerFile } from '../support/temp-partners.ts';

/** What loadConfig threw (it must throw a ConfigError). */
const configErrorOf = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig({ NODE_ENV: 'test', ...env }, ROOT);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('loadConfig accepted the configuration');
};

let partners: ReturnType<typeof tempPartnersDir>;
beforeEach(() => {
  partners = tempPartnersDir();
});
afterEach(() => {
  partners.remove();
});

describe('a bad partner file stops start-up, naming the file, the field and the problem', () => {
  test('the control: a valid partner file in PARTNERS_DIR is loaded', async () => {
    const good = await writePartnerFile(partners.dir, 'good-partner');
    const config = loadConfig({ NODE_ENV: 'test', PARTNERS_DIR: partners.dir }, ROOT);
    const loaded = config.partners.find((p) => p.partner.client_id === 'good-partner');
    expect(loaded?.partner.redirect_uris).toEqual([good.redirectUri]);
    expect(resolve(ROOT, loaded!.file)).toBe(good.file);
  });

  test('a partner file without redirect_uris', async () => {
    const bad = await writePartnerFile(partners.dir, 'no-redirect', { redirect_uris: undefined });
    const error = configErrorOf({ PARTNERS_DIR: partners.dir });
    expect(resolve(ROOT, error.file)).toBe(bad.file);
    expect(error.problems).toEqual(['(top level): missing required field "redirect_uris"']);
    expect(error.message).toContain('no-redirect.json');
    expect(error.message).toContain('missing required field "redirect_uris"');
  });

  test('a partner file with an unknown field', async () => {
    const bad = await writePartnerFile(partners.dir, 'extra-field', { colour: 'blue' });
    const error = configErrorOf({ PARTNERS_DIR: partners.dir });
    expect(resolve(ROOT, error.file)).toBe(bad.file);
    expect(error.problems).toEqual(['(top level): unknown field "colour"']);
    expect(error.message).toContain('extra-field.json');
  });

  test('a partner file with a bad value in a nested field', async () => {
    const bad = await writePartnerFile(partners.dir, 'bad-status', { status: 'paused' });
    const error = configErrorOf({ PARTNERS_DIR: partners.dir });
    expect(resolve(ROOT, error.file)).toBe(bad.file);
    expect(error.problems).toEqual(['status: must be one of "active", "suspended"']);
  });

  test('a partner file that is not JSON', () => {
    const file = join(partners.dir, 'broken.json');
    writeFileSync(file, '{ "client_id": ');
    const error = configErrorOf({ PARTNERS_DIR: partners.dir });
    expect(resolve(ROOT, error.file)).toBe(file);
    expect(error.problems[0]).toMatch(/^not valid JSON: /);
  });
});

describe('the settings overlay (CONFIG_FILE)', () => {
  test('an invalid value names the files and the field', () => {
    const overlay = join(partners.dir, 'overlay.json');
    writeFileSync(overlay, JSON.stringify({ server: { port: 'x' } }));
    const error = configErrorOf({ CONFIG_FILE: overlay });
    expect(error.file).toContain('config/default.json');
    expect(resolve(ROOT, error.file.split(' + ')[1])).toBe(overlay);
    expect(error.problems).toEqual(['server.port: must be integer']);
    expect(error.message).toContain('server.port: must be integer');
  });

  test('an unknown setting names it', () => {
    const overlay = join(partners.dir, 'overlay.json');
    writeFileSync(overlay, JSON.stringify({ identityCheck: { lockAfterFailure: 3 } }));
    const error = configErrorOf({ CONFIG_FILE: overlay });
    expect(error.problems).toEqual(['identityCheck: unknown field "lockAfterFailure"']);
  });
});

describe('the issuer on a workstation', () => {
  const issuerOf = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }, ROOT).settings.server;

  test('follows PORT while it is the shipped default, and stays as set otherwise', () => {
    expect(issuerOf({})).toMatchObject({ port: 3000, issuer: 'http://localhost:3000' });
    expect(issuerOf({ PORT: '3001' })).toMatchObject({ port: 3001, issuer: 'http://localhost:3001' });
    expect(issuerOf({ PORT: '3001', ISSUER: 'https://auth.example.jp' })).toMatchObject({
      port: 3001,
      issuer: 'https://auth.example.jp',
    });
    const overlay = join(partners.dir, 'overlay.json');
    writeFileSync(overlay, JSON.stringify({ server: { issuer: 'https://renkei.example.jp' } }));
    expect(issuerOf({ PORT: '3001', CONFIG_FILE: overlay }).issuer).toBe('https://renkei.example.jp');
  });
});

describe('the committed demo keys are refused in production', () => {
  const DEMO_KEYS_MESSAGE =
    'these are the committed demo keys, which anyone can read: refusing to start with NODE_ENV=production.';

  test('loadConfig refuses NODE_ENV=production with the demo keys', () => {
    const error = configErrorOf({ NODE_ENV: 'production' });
    expect(error.file).toBe('config/demo/keys');
    expect(error.problems[0]).toBe(DEMO_KEYS_MESSAGE);
    expect(error.message).toContain('npm run keys');
  });

  test('the same configuration outside production starts (with the demo keys flagged)', () => {
    const config = loadConfig({ NODE_ENV: 'development' }, ROOT);
    expect(config.usesDemoKeys).toBe(true);
    expect(config.runtimeEnv).toBe('development');
  });

  test('the server process (src/main.ts) exits non-zero with the message on stderr', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/main.ts'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.resume();
    // Only a safety net for a process that never exits: a busy machine may take seconds to start one.
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.once('exit', (c, s) => done([c, s])),
    );
    clearTimeout(timer);
    expect(signal).toBeNull();
    expect(code).toBe(78);
    expect(stderr).toContain('invalid configuration in config/demo/keys');
    expect(stderr).toContain(DEMO_KEYS_MESSAGE);
  });
});
