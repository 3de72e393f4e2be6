import { seedDemoStaff } from '../../src/admin/staff/demo-staff.ts';
import { createPasswordVerifier } from '../../src/admin/staff/passwords.ts';
import { createStaffAccounts } from '../../src/admin/staff/staff-accounts.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { ROOT } from '../support/demo.ts';
import { demoStaff } from './support/staff.ts';

/** The demo staff of docs/admin.md exist with the demo data only, never in production. */

const verifyPasswordAgainst = createPasswordVerifier();

const setup = (overrides: { runtimeEnv?: 'production'; demo?: 'off' } = {}) => {
  const base = loadConfig(
    {
      NODE_ENV: 'test',
      CONFIG_FILE: 'test/fixtures/test-settings.json',
      ...(overrides.demo === 'off' ? { DEMO_DATA: 'off' } : {}),
    },
    ROOT,
  );
  const config = { ...base, ...(overrides.runtimeEnv ? { runtimeEnv: overrides.runtimeEnv } : {}) };
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  const lines: string[] = [];
  return {
    config,
    clock,
    store,
    staff: createStaffAccounts({ store, clock }),
    logger: createLogger({ write: (l) => lines.push(l) }),
    lines,
  };
};

test('with the demo data, an operator, an auditor and an admin are created with the documented passwords and secrets', async () => {
  const s = setup();
  await seedDemoStaff(s);
  const operator = await s.staff.find('demo-operator');
  const auditor = await s.staff.find('demo-auditor');
  expect(operator).toMatchObject({
    role: 'operator',
    totpSecret: demoStaff.operator.totpSecret,
    disabled: false,
    createdBy: 'demo-data',
  });
  expect(auditor).toMatchObject({ role: 'auditor', totpSecret: demoStaff.auditor.totpSecret });
  expect(await verifyPasswordAgainst(operator!.passwordHash, demoStaff.operator.password)).toBe(true);
  expect(await verifyPasswordAgainst(auditor!.passwordHash, demoStaff.auditor.password)).toBe(true);
  const admin = await s.staff.find('demo-admin');
  expect(admin).toMatchObject({ role: 'admin', totpSecret: demoStaff.admin.totpSecret, disabled: false });
  expect(await verifyPasswordAgainst(admin!.passwordHash, demoStaff.admin.password)).toBe(true);
});

test("an operator's later change (disabling a demo account) survives a restart", async () => {
  const s = setup();
  await seedDemoStaff(s);
  await s.staff.disable('demo-operator', 'someone');
  await seedDemoStaff(s);
  expect((await s.staff.find('demo-operator'))!.disabled).toBe(true);
});

test('with NODE_ENV=production no demo staff are created, even with the demo data on, and the log says why', async () => {
  const s = setup({ runtimeEnv: 'production' });
  expect(s.config.demo).toBeDefined();
  await seedDemoStaff(s);
  expect(await s.staff.list()).toEqual([]);
  expect(s.lines.join('')).toContain('demo staff accounts are not created with NODE_ENV=production');
});

test('without the demo data there are no staff accounts at all: no default password anywhere', async () => {
  const s = setup({ demo: 'off' });
  expect(s.config.demo).toBeUndefined();
  await seedDemoStaff(s);
  expect(await s.staff.list()).toEqual([]);
});
