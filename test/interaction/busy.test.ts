import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountType } from '../../src/core-banking/port.ts';
import { beginAuthorization } from '../support/authorization-steps.ts';
import { customers } from '../support/demo.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, StaffAgent } from '../admin/support/staff.ts';
import { parsePrometheusText, sampleValue } from '../ops/prometheus-text.ts';

/**
 * Identity checks beyond the admission limit get 「ただいま混み合っています」 at once: 503 with
 * Retry-After, nothing counted, the customer's place kept. One place, no wait: the test holds the
 * place itself, so nothing depends on timing.
 */
let server: TestServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'test-busy-'));
  const limit = { concurrent: 1, maxWaitMs: 0, retryAfterSeconds: 4 };
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({
      identityCheck: { failureDelaysMs: [0], responseFloorMs: 0, globalLimit: { maxFailures: 100000 } },
      admission: { pinCheck: limit, staffPassword: limit },
      ops: { metricsToken: null },
    }),
  );
  server = await startServer({ env: { CONFIG_FILE: join(dir, 'settings.json') } });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Holds every place of an admission limit until the answer is released. */
const holdAll = async (admission: TestServer['app']['admission']['pinCheck']) => {
  let release!: () => void;
  const held = admission.run(() => new Promise<void>((resolve) => (release = resolve)));
  await Promise.resolve();
  return async () => {
    release();
    await held;
  };
};

const scrape = async () => {
  const res = await fetch(`${server.url}/metrics`);
  return parsePrometheusText(await res.text());
};
const admissions = async (labels: Record<string, string>) =>
  sampleValue(await scrape(), 'renkei_admission_total', labels) ?? 0;

describe('the admission limit on identity checks (混雑)', () => {
  test('a PIN check beyond the limit gets the 混雑 page with 503 and Retry-After, counts nothing, and the same step works once a place is free', async () => {
    const who = customers.lockable;
    const ref = {
      branchCode: who.branch,
      accountType: who.accountType as AccountType,
      accountNumber: who.accountNumber,
    };
    const { agent, loginPage } = await beginAuthorization(server, await partnerFor(server));
    const refusedBefore = await admissions({ check: 'pin', connector: 'demo', outcome: 'refused' });

    const release = await holdAll(server.app.admission.pinCheck);
    const busy = await agent.login(loginPage, { ...who, pin: '0000' });
    await release();
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('4');
    expect(busy.headers.get('cache-control')).toBe('no-store');
    expect(busy.html).toContain('<h1>ただいま混み合っています</h1>');
    expect(busy.html).toContain('入力された内容はまだ確認していません。');
    expect(busy.html).toContain('お問い合わせ番号');
    // The way back is the interaction's own page, at the step it was at.
    const uid = new URL(loginPage.url).pathname.split('/')[2];
    expect(busy.html).toContain(`href="/interaction/${uid}"`);
    // Not an attempt: the wrong PIN was never checked, so nothing was counted.
    expect(await server.app.coreBanking.loginFailures(ref)).toEqual({ consecutiveFailures: 0, locked: false });
    expect(await admissions({ check: 'pin', connector: 'demo', outcome: 'refused' })).toBe(refusedBefore + 1);

    const admittedBefore = await admissions({ check: 'pin', connector: 'demo', outcome: 'admitted' });
    const otpPage = await agent.login(loginPage, who);
    expect(otpPage.status).toBe(200);
    expect(otpPage.html).toContain('name="otp"');
    expect(await admissions({ check: 'pin', connector: 'demo', outcome: 'admitted' })).toBe(admittedBefore + 1);
  });

  test('a staff password check beyond its own limit gets the 混雑 page too, while PIN checks are not held up by it', async () => {
    const { username, password } = demoStaff.operator;
    const credentials = { username, password };
    const staff = new StaffAgent(server);
    const login = await staff.get('/admin/login');
    const release = await holdAll(server.app.admission.staffPassword);
    const busy = await staff.post('/admin/login', credentials, login);
    // Per connector: the PIN check has a place of its own.
    const { agent, loginPage } = await beginAuthorization(server, await partnerFor(server));
    const otpPage = await agent.login(loginPage, customers.allTypes);
    await release();
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('4');
    expect(busy.html).toContain('ただいま混み合っています');
    expect(otpPage.html).toContain('name="otp"');
    expect(await admissions({ check: 'staff_password', connector: 'console', outcome: 'refused' })).toBe(1);

    const codePage = await staff.post('/admin/login', credentials, login);
    expect(codePage.html).toContain('name="otp"');
  });
});
