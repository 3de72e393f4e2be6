import { hashPassword } from '../../src/admin/staff/passwords.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, logIn, nextCode, StaffAgent, type StaffCredentials } from './support/staff.ts';

/**
 * Logging in to the console: password then one-time code, nothing less; throttling and auditing
 * of failures; the session cookie's flags; the idle timeout and the maximum age of a session.
 */

const LOGIN_ERROR = 'ログインできませんでした。';
const THROTTLED = 'ログインの失敗が続いたため';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const loginEvents = async (username: string) =>
  (await server.app.audit.query({ kind: 'admin.login' })).filter((e) => e.actor === username);

/** A staff account made directly in the store, as an admin tool or an old record might leave it. */
const storeStaff = async (
  username: string,
  fields: { totpSecret?: string; disabled?: boolean } = {},
): Promise<StaffCredentials> => {
  const password = `${username}-password-123`;
  await server.app.admin.staff.save({
    username,
    role: 'operator',
    passwordHash: await hashPassword(password),
    ...(fields.totpSecret ? { totpSecret: fields.totpSecret } : {}),
    disabled: fields.disabled ?? false,
    createdAt: server.clock.now(),
    createdBy: 'test',
  });
  return { username, password, totpSecret: fields.totpSecret ?? 'JBSWY3DPEHPK3PXP' };
};

const passwordStep = async (who: Pick<StaffCredentials, 'username' | 'password'>) => {
  const staff = new StaffAgent(server);
  const login = await staff.get('/admin/login');
  return { staff, page: await staff.post('/admin/login', { username: who.username, password: who.password }, login) };
};

describe('logging in', () => {
  test('an operator logs in with password and one-time code and reaches the console home', async () => {
    const { staff, home } = await logIn(server, demoStaff.operator);
    expect(home.html).toContain('<h1>管理画面</h1>');
    expect(home.html).toContain('demo-operator（オペレーター）');
    // Signed in: a page behind the login answers without a detour.
    const partners = await staff.get('/admin/partners');
    expect(partners.url).toBe(`${server.url}/admin/partners`);
    const success = (await loginEvents('demo-operator')).filter((e) => e.result === 'success');
    expect(success.at(-1)).toMatchObject({
      kind: 'admin.login',
      actor: 'demo-operator',
      details: { via: 'console', role: 'operator' },
    });
  });

  test('the password alone does not sign anyone in: the console still sends the browser to the login', async () => {
    const { staff, page } = await passwordStep(demoStaff.operator);
    expect(page.html).toContain('name="otp"');
    const home = await staff.get('/admin');
    expect(home.url).toBe(`${server.url}/admin/login`);
    expect(home.html).toContain('name="password"');
  });

  test('a wrong password answers 400 with a message that does not say which part was wrong, and is audited', async () => {
    const { page } = await passwordStep({ username: 'demo-auditor', password: 'not-the-password' });
    expect(page.status).toBe(400);
    expect(page.html).toContain(LOGIN_ERROR);
    const unknown = await passwordStep({ username: 'nobody-here', password: 'whatever-it-is' });
    expect(unknown.page.status).toBe(400);
    expect(unknown.page.html).toContain(LOGIN_ERROR);
    expect((await loginEvents('demo-auditor')).at(-1)).toMatchObject({
      result: 'failure',
      details: { reason: 'password', step: 'password' },
    });
    expect((await loginEvents('nobody-here')).at(-1)).toMatchObject({
      result: 'failure',
      details: { reason: 'unknown_user' },
    });
  });

  test('what was typed as a username is not recorded unless it could be one (a password typed there stays out of the trail)', async () => {
    await passwordStep({ username: 'P@ss word!', password: 'x' });
    const events = await server.app.audit.query({ kind: 'admin.login' });
    expect(JSON.stringify(events)).not.toContain('P@ss word!');
  });

  test('a staff member without a registered one-time code cannot log in, even with the right password', async () => {
    const who = await storeStaff('no-totp-op');
    const { page } = await passwordStep(who);
    expect(page.status).toBe(400);
    expect(page.html).toContain(LOGIN_ERROR);
    expect(page.html).not.toContain('name="otp"');
    expect((await loginEvents('no-totp-op')).at(-1)).toMatchObject({
      result: 'failure',
      details: { reason: 'no_totp' },
    });
  });

  test('a disabled staff member cannot log in', async () => {
    const who = await storeStaff('disabled-op', { totpSecret: 'JBSWY3DPEHPK3PXP', disabled: true });
    const { page } = await passwordStep(who);
    expect(page.status).toBe(400);
    expect((await loginEvents('disabled-op')).at(-1)).toMatchObject({
      result: 'failure',
      details: { reason: 'disabled' },
    });
  });

  test('a wrong one-time code is refused, and after three the password is asked for again', async () => {
    const { staff, page } = await passwordStep(demoStaff.auditor);
    let current = page;
    for (let i = 0; i < 2; i += 1) {
      current = await staff.post('/admin/login/totp', { otp: '000000' }, current);
      expect(current.status).toBe(400);
      expect(current.html).toContain('コードが正しくありません');
    }
    current = await staff.post('/admin/login/totp', { otp: '000000' }, current);
    expect(current.url).toBe(`${server.url}/admin/login`);
    expect(current.html).toContain('name="password"');
    expect((await loginEvents('demo-auditor')).filter((e) => e.details?.reason === 'totp')).toHaveLength(3);
  });

  test('a one-time code counts once: the code of a login cannot be used for another', async () => {
    const first = await passwordStep(demoStaff.auditor);
    const code = nextCode(server, demoStaff.auditor.totpSecret);
    const home = await first.staff.post('/admin/login/totp', { otp: code }, first.page);
    expect(home.url).toBe(`${server.url}/admin`);
    const second = await passwordStep(demoStaff.auditor);
    const again = await second.staff.post('/admin/login/totp', { otp: code }, second.page);
    expect(again.status).toBe(400);
  });

  test('the login form needs its CSRF token', async () => {
    const staff = new StaffAgent(server);
    await staff.get('/admin/login');
    const page = await staff.post('/admin/login', {
      username: demoStaff.operator.username,
      password: demoStaff.operator.password,
    });
    expect(page.status).toBe(403);
    expect(page.html).toContain('csrf');
  });

  test('logging out ends the session on the server: its cookie no longer opens anything', async () => {
    const { staff, home } = await logIn(server, demoStaff.operator);
    const cookieBefore = (await staff.get('/admin')).url;
    expect(cookieBefore).toBe(`${server.url}/admin`);
    const out = await staff.post('/admin/logout', {}, home);
    expect(out.url).toBe(`${server.url}/admin/login`);
    expect((await staff.get('/admin')).url).toBe(`${server.url}/admin/login`);
  });
});

describe('throttling failed logins', () => {
  test('after five failures for a username even the right password waits, with 429, until the window has passed', async () => {
    const who = await storeStaff('throttled-op', { totpSecret: 'KRSXG5CTMVRXEZLU' });
    for (let i = 0; i < 5; i += 1)
      expect((await passwordStep({ username: who.username, password: 'wrong-password-x' })).page.status).toBe(400);
    const blocked = await passwordStep(who);
    expect(blocked.page.status).toBe(429);
    expect(blocked.page.html).toContain(THROTTLED);
    expect(blocked.page.headers.get('retry-after')).toBe('900');
    expect((await loginEvents(who.username)).at(-1)).toMatchObject({
      result: 'denied',
      details: { reason: 'throttled' },
    });

    server.clock.advance(15 * 60_000 + 1000);
    const later = await passwordStep(who);
    expect(later.page.status).toBe(200);
    expect(later.page.html).toContain('name="otp"');
  });
});

describe('the session', () => {
  test('its cookie holds only an id and is HttpOnly, SameSite=Strict, for /admin only (not Secure over plain http)', async () => {
    const res = await fetch(`${server.url}/admin/login`, { redirect: 'manual' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('admin_session='))!;
    expect(cookie).toMatch(/^admin_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; path=\/admin/i);
    expect(cookie).toMatch(/; samesite=strict/i);
    expect(cookie).toMatch(/; httponly/i);
    expect(cookie).not.toMatch(/; secure/i);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('ends after the idle timeout (15 minutes by default) and the browser must log in again', async () => {
    const { staff } = await logIn(server, demoStaff.operator);
    server.clock.advance(14 * 60_000);
    expect((await staff.get('/admin')).url).toBe(`${server.url}/admin`);
    server.clock.advance(14 * 60_000);
    expect((await staff.get('/admin')).url).toBe(`${server.url}/admin`);
    server.clock.advance(15 * 60_000 + 1000);
    const after = await staff.get('/admin');
    expect(after.url).toBe(`${server.url}/admin/login`);
  });

  test('ends after its maximum age (10 hours) however active it is', async () => {
    const { staff } = await logIn(server, demoStaff.operator);
    for (let minutes = 14; minutes < 10 * 60; minutes += 14) {
      server.clock.advance(14 * 60_000);
      expect((await staff.get('/admin')).url).toBe(`${server.url}/admin`);
    }
    server.clock.advance(14 * 60_000);
    expect((await staff.get('/admin')).url).toBe(`${server.url}/admin/login`);
  });

  test('disabling a staff member ends their open session at its next request', async () => {
    const who = await storeStaff('soon-disabled', { totpSecret: 'MFRGGZDFMZTWQ2LK' });
    const { staff } = await logIn(server, who);
    await server.app.admin.staff.disable(who.username, 'test');
    expect((await staff.get('/admin')).url).toBe(`${server.url}/admin/login`);
  });
});

describe('behind a TLS-terminating proxy (https issuer)', () => {
  let https: TestServer;
  beforeAll(async () => {
    https = await startServer({ env: { ISSUER: 'https://bank.example', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await https?.close();
  });

  test('the session cookie is Secure', async () => {
    const res = await fetch(`${https.url}/admin/login`, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'bank.example' },
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('admin_session='))!;
    expect(cookie).toMatch(/; secure/i);
    expect(cookie).toMatch(/; samesite=strict/i);
  });
});
