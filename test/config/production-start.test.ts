import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoStaff } from '../../src/admin/staff/demo-staff.ts';
import { createStaffAccounts } from '../../src/admin/staff/staff-accounts.ts';
import { buildApp } from '../../src/app.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig, type Config } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { ROOT } from '../support/demo.ts';
import { gatewayTls, type GatewayTls } from '../support/gateway-tls.ts';
import { tempPartnersDir, writePartnerFile } from '../support/temp-partners.ts';

/**
 * NODE_ENV=production starts with none of the demo and every production piece named: each piece
 * is checked on its own, and each refusal is one ConfigError, printed on one line naming it.
 */

let tls: GatewayTls;
let partners: ReturnType<typeof tempPartnersDir>;
let scratch: string;
let keysDir: string;
let env: Record<string, string>;

const generateKeys = (dir: string) =>
  execFileSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/cli/generate-keys.ts', '--out', dir],
    { cwd: ROOT, stdio: 'ignore' },
  );

beforeAll(async () => {
  tls = gatewayTls();
  partners = tempPartnersDir();
  scratch = mkdtempSync(join(tmpdir(), 'production-start-'));
  keysDir = join(scratch, 'keys');
  generateKeys(keysDir);
  await writePartnerFile(partners.dir, 'real-partner');
  env = {
    NODE_ENV: 'production',
    ISSUER: 'https://auth.bank.test',
    KEYS_DIR: keysDir,
    PARTNERS_DIR: partners.dir,
    CALENDAR_FILE: 'config/calendar.json',
    REDIS_URL: 'redis://127.0.0.1:1',
    DATABASE_URL: 'postgres://app@127.0.0.1:1/records',
    CORE_BANKING_CONNECTOR: 'http',
    CORE_BANKING_URL: 'https://core-gateway.bank.test:8443/v1',
    CORE_BANKING_CA_FILE: tls.files.ca,
    CORE_BANKING_CERT_FILE: tls.files.clientCert,
    CORE_BANKING_KEY_FILE: tls.files.clientKey,
    NOTICE_CHANNEL: 'webhook',
    NOTICE_WEBHOOK_URL: 'https://messaging.bank.test/notices',
    PIN_CHECK_CONCURRENCY: '2',
    STAFF_PASSWORD_CONCURRENCY: '1',
  };
});
afterAll(() => {
  tls.remove();
  partners.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** The one problem loadConfig refuses `changes` with (it must refuse). */
const refusal = (changes: Record<string, string | undefined>): ConfigError => {
  const merged = Object.fromEntries(Object.entries({ ...env, ...changes }).filter(([, v]) => v !== undefined));
  try {
    loadConfig(merged as Record<string, string>, ROOT);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.oneLine()).not.toContain('\n');
    return e;
  }
  throw new Error('loadConfig accepted the configuration');
};

test('the control: the complete production configuration loads, with no demo piece at all', () => {
  const config = loadConfig(env, ROOT);
  expect(config.runtimeEnv).toBe('production');
  expect(config.demo).toBeUndefined();
  expect(config.usesDemoKeys).toBe(false);
  expect(config.partners.map((p) => p.partner.client_id)).toEqual(['real-partner']);
  expect(config.internalClients).toEqual([]);
  expect(config.settings.coreBanking.connector).toBe('http');
  expect(config.coreBankingTls.cert).toContain('BEGIN CERTIFICATE');
});

describe('a required piece missing is refused, naming it', () => {
  test.each([
    ['the HTTP connector', { CORE_BANKING_CONNECTOR: undefined }, 'coreBanking.connector'],
    ['the gateway URL', { CORE_BANKING_URL: undefined }, 'CORE_BANKING_URL'],
    ['https to the gateway', { CORE_BANKING_URL: 'http://core-gateway:8080/v1' }, 'coreBanking.http.baseUrl'],
    ['the client certificate', { CORE_BANKING_CERT_FILE: undefined }, 'CORE_BANKING_CERT_FILE'],
    ['the client key', { CORE_BANKING_KEY_FILE: undefined }, 'CORE_BANKING_KEY_FILE'],
    ['the gateway CA', { CORE_BANKING_CA_FILE: undefined }, 'CORE_BANKING_CA_FILE'],
    ['KEYS_DIR', { KEYS_DIR: undefined }, 'committed demo keys'],
    ['PARTNERS_DIR', { PARTNERS_DIR: undefined }, 'PARTNERS_DIR is not set'],
    ['an explicit calendar file', { CALENDAR_FILE: undefined }, 'CALENDAR_FILE is not set'],
    ['an https issuer', { ISSUER: 'http://auth.bank.test' }, 'server.issuer'],
    ['Redis', { REDIS_URL: undefined }, 'REDIS_URL'],
    ['PostgreSQL', { DATABASE_URL: undefined }, 'DATABASE_URL'],
    ['a channel for customer notices', { NOTICE_CHANNEL: undefined }, 'notices.channel'],
    ["the messaging system's URL", { NOTICE_WEBHOOK_URL: undefined }, 'NOTICE_WEBHOOK_URL'],
    ['the mail server', { NOTICE_CHANNEL: 'smtp' }, 'NOTICE_SMTP_HOST'],
    ['how many PIN checks run at once', { PIN_CHECK_CONCURRENCY: undefined }, 'admission.pinCheck.concurrent'],
    [
      'how many staff password checks run at once',
      { STAFF_PASSWORD_CONCURRENCY: undefined },
      'admission.staffPassword.concurrent',
    ],
  ])('%s', (_label, changes, named) => {
    expect(refusal(changes).oneLine()).toContain(named);
  });
});

describe('a demo piece present is refused, naming it', () => {
  test('the demo data file (DEMO_DATA=on)', () => {
    const error = refusal({ DEMO_DATA: 'on' });
    expect(error.file).toBe('config/demo/core-banking.json');
    expect(error.oneLine()).toContain('unset DEMO_DATA');
  });

  test('the committed demo key directory', () => {
    expect(refusal({ KEYS_DIR: 'config/demo/keys' }).oneLine()).toContain('committed demo keys');
  });

  test('a committed demo key copied into the production keys, recognised by its thumbprint', () => {
    const copied = join(scratch, 'copied-keys');
    generateKeys(copied);
    copyFileSync(join(ROOT, 'config/demo/keys/jwks.json'), join(copied, 'jwks.json'));
    const error = refusal({ KEYS_DIR: copied });
    expect(error.oneLine()).toMatch(
      /signing key ".+" is a committed demo key \(the key of config\/demo\/keys\/jwks.json/,
    );
  });

  test('the demo partner file copied into PARTNERS_DIR', () => {
    const dir = tempPartnersDir();
    try {
      copyFileSync(join(ROOT, 'config/demo/partners/demo-kakeibo.json'), join(dir.dir, 'kakeibo.json'));
      expect(refusal({ PARTNERS_DIR: dir.dir }).oneLine()).toContain('partner "demo-kakeibo" is the demo partner');
    } finally {
      dir.remove();
    }
  });

  test("a partner registering a demo partner's committed key under another name", async () => {
    const dir = tempPartnersDir();
    try {
      const demo = JSON.parse(readFileSync(join(ROOT, 'config/demo/partners/demo-kaikei.json'), 'utf8'));
      await writePartnerFile(dir.dir, 'renamed-partner', { jwks: demo.jwks });
      expect(refusal({ PARTNERS_DIR: dir.dir }).oneLine()).toContain('registers a committed demo key');
    } finally {
      dir.remove();
    }
  });

  test('the always-open trial calendar', () => {
    const error = refusal({ CALENDAR_FILE: 'config/demo/calendar-always-open.json' });
    expect(error.file).toBe('config/demo/calendar-always-open.json');
    expect(error.oneLine()).toContain('trial calendar');
  });

  const build = async (config: Config, store = new MemoryStore(new ManualClock())) => {
    try {
      const app = await buildApp(config, { store, logger: createLogger({ write: () => {} }) });
      await app.close();
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('buildApp accepted the configuration');
  };

  test('the /demo and /demo/outbox routes', async () => {
    const trial = loadConfig({ NODE_ENV: 'test' }, ROOT);
    const error = await build({ ...loadConfig(env, ROOT), demo: trial.demo });
    expect(error.oneLine()).toContain('/demo and /demo/outbox');
  });

  test('demo staff left in the store by a trial', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    const trial = loadConfig({ NODE_ENV: 'test' }, ROOT);
    const staff = createStaffAccounts({ store, clock });
    await seedDemoStaff({ config: trial, staff, clock, logger: createLogger({ write: () => {} }) });
    const error = await build(loadConfig(env, ROOT), store);
    expect(error.oneLine()).toContain('the demo staff account "demo-operator" exists');
  });
});

/** `npm start` with NODE_ENV=production and `changes`: its exit code and what it wrote on stderr. */
const startProcess = async (changes: Record<string, string | undefined>) => {
  const merged = Object.fromEntries(Object.entries({ ...env, ...changes }).filter(([, v]) => v !== undefined));
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/main.ts'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...merged }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.resume();
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, stderr };
};

test('the server process exits 78 with the one line on stderr, and no stack trace', async () => {
  const { code, stderr } = await startProcess({ CALENDAR_FILE: 'config/demo/calendar-always-open.json' });
  expect(code).toBe(78);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toContain('config/demo/calendar-always-open.json');
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('a production start without notices.channel exits 78 with one line naming it, not a stack trace', async () => {
  const { code, stderr } = await startProcess({ NOTICE_CHANNEL: undefined, NOTICE_WEBHOOK_URL: undefined });
  expect(code).toBe(78);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toContain('notices.channel');
  expect(stderr).toContain('NOTICE_CHANNEL');
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('an empty keys file is still a configuration error, not a crash (the demo key check reads nothing)', () => {
  const broken = join(scratch, 'broken-keys');
  generateKeys(broken);
  writeFileSync(join(broken, 'jwks.json'), '{}');
  expect(refusal({ KEYS_DIR: broken }).oneLine()).toContain('jwks.json');
});
