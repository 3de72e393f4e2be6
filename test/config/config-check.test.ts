import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createDemoCoreBanking, loadDemoCoreBankingData } from '../../src/core-banking/demo/index.ts';
import { loadGatewayContract } from '../../src/core-banking/http/contract.ts';
import { createReferenceGateway } from '../../src/core-banking/reference-gateway/gateway.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { ROOT } from '../support/demo.ts';
import { productionSetup, type ProductionSetup } from '../support/production-env.ts';
import { writePartnerFile } from '../support/temp-partners.ts';

/** npm run config:check validates a production configuration, the gateway included, without serving. */

let setup: ProductionSetup;
let gateway: ReturnType<typeof createReferenceGateway>;
let gatewayUrl: string;

beforeAll(async () => {
  setup = productionSetup();
  await writePartnerFile(setup.partnersDir, 'real-partner');
  gateway = createReferenceGateway({
    core: createDemoCoreBanking({
      data: loadDemoCoreBankingData(`${ROOT}/config/demo/core-banking.json`),
      store: new MemoryStore(systemClock),
      clock: systemClock,
    }),
    contract: loadGatewayContract(ROOT),
    tls: { ...setup.tls.gateway, ca: setup.tls.ca },
  });
  await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `https://localhost:${(gateway.server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  gateway.server.closeAllConnections();
  await new Promise((resolve) => gateway.server.close(resolve));
  setup.remove();
});

const configCheck = async (env: Record<string, string>, args: string[] = []) => {
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/cli/config-check.ts', ...args],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, stdout, stderr };
};

const production = () => ({
  ...setup.env(gatewayUrl),
  ISSUER: 'https://auth.bank.test',
  REDIS_URL: 'redis://127.0.0.1:1',
  DATABASE_URL: 'postgres://app@127.0.0.1:1/records',
  NOTICE_CHANNEL: 'webhook',
  NOTICE_WEBHOOK_URL: 'https://messaging.bank.test/notices',
});

test('passes on a complete production configuration with the gateway answering over mutual TLS', async () => {
  const { code, stdout } = await configCheck(production());
  expect(stdout).toContain('ok    gateway reachable');
  expect(stdout).toContain('ok    partner keys: 1 partner(s)');
  expect(stdout).toContain('configuration OK');
  expect(code).toBe(0);
});

test('fails when the gateway does not answer', async () => {
  const { code, stdout } = await configCheck({ ...production(), CORE_BANKING_URL: 'https://localhost:1/v1' });
  expect(stdout).toContain('FAIL  gateway reachable');
  expect(code).toBe(1);
});

test('fails with one line on a broken configuration (a production piece missing)', async () => {
  const { code, stderr } = await configCheck({ ...production(), DATABASE_URL: '' });
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toContain('DATABASE_URL');
  expect(code).toBe(78);
});

describe('on the compose configuration (npm run config:check -- --compose docker-compose.yml)', () => {
  let project: string;
  /** Prepared as the README says, beside a copy of the repository's docker-compose.yml (changed by `change`). */
  const prepare = async (change: (compose: string) => string = (c) => c, dotEnv = DOT_ENV) => {
    writeFileSync(join(project, 'docker-compose.yml'), change(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')));
    writeFileSync(join(project, '.env'), dotEnv);
    return join(project, 'docker-compose.yml');
  };
  const DOT_ENV =
    'METRICS_TOKEN=metrics-token-0123456789\nPOSTGRES_PASSWORD=a-password\n' +
    'NOTICE_WEBHOOK_URL=https://messaging.bank.test/notices\n';

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'compose-check-'));
    const production = join(project, 'config/production');
    mkdirSync(join(production, 'partners'), { recursive: true });
    execFileSync(
      process.execPath,
      [
        '--experimental-strip-types',
        '--no-warnings=ExperimentalWarning',
        'src/cli/generate-keys.ts',
        '--out',
        join(production, 'keys'),
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    await writePartnerFile(join(production, 'partners'), 'real-partner');
    execFileSync(
      'sh',
      [join(ROOT, 'scripts/gateway-certs.sh'), join(production, 'gateway-tls'), 'core-gateway,localhost'],
      {
        stdio: 'ignore',
      },
    );
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  test('passes on it: the container paths are read from the bind mounts, the gateway inside the stack is skipped', async () => {
    const { code, stdout } = await configCheck({ PATH: process.env.PATH ?? '' }, ['--compose', await prepare()]);
    expect(stdout).toContain('ok    partner keys: 1 partner(s)');
    expect(stdout).toContain('ok    gateway certificates');
    expect(stdout).toContain('skip  gateway reachable: core-gateway is a service of the stack');
    expect(stdout).toContain('configuration OK');
    expect(code).toBe(0);
  });

  test('fails with one line when the keys are not mounted where the environment says', async () => {
    const file = await prepare((c) =>
      c.replace('./config/production:/app/config/production:ro', './config/elsewhere:/app/config/production:ro'),
    );
    const { code, stderr } = await configCheck({}, ['--compose', file]);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('config/elsewhere/keys');
    expect(code).toBe(78);
  });

  test('fails with one line naming a variable the .env file lacks', async () => {
    const file = await prepare(undefined, DOT_ENV.replace(/^POSTGRES_PASSWORD=.*\n/m, ''));
    const { code, stderr } = await configCheck({}, ['--compose', file]);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('POSTGRES_PASSWORD is not set: set POSTGRES_PASSWORD in .env');
    expect(code).toBe(78);
  });

  test('fails with one line when the production configuration itself is broken (the notices channel removed)', async () => {
    const file = await prepare((c) => c.replace(/^\s+NOTICE_CHANNEL: webhook\n/m, ''));
    const { code, stderr } = await configCheck({}, ['--compose', file]);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('notices.channel');
    expect(code).toBe(78);
  });
});
