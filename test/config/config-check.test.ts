import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
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

const configCheck = async (env: Record<string, string>) => {
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', 'src/cli/config-check.ts'],
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
