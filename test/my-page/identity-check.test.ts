import { totp } from '../../src/shared/totp.ts';
import { beginAuthorization } from '../support/authorization-steps.ts';
import type { Page } from '../support/customer-agent.ts';
import { customers, type DemoCustomer } from '../support/demo.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { openMyPage, refOf, signIn } from './my-page-steps.ts';

const LOGIN_ERROR = '入力された内容では確認できませんでした。お手数ですが、もう一度最初から入力してください。';
const LOCKED = 'API連携サービスのご利用を停止しています。再開のお手続きについては、お取引店までお問い合わせください。';
const OTP_ERROR = 'ワンタイムパスワードを確認できませんでした。';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
// Bank staff's unlock after every test: no failure count or lock leaks from one test into another.
afterEach(async () => {
  for (const who of Object.values(customers)) await server.app.coreBanking.unlock(refOf(who));
});

/** The page without what differs per session: the CSRF token. */
const withoutCsrf = (page: Page) => page.html.replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="{csrf}"');

const wrongCode = (who: DemoCustomer, now: number) => {
  const valid = new Set([-30_000, 0, 30_000].map((d) => totp(who.totpSecret, now + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
};

describe('/my: the same identity check as API連携認証', () => {
  test('the first page asks for branch, account type, account number and PIN, every input labelled, never cached', async () => {
    const { loginPage } = await openMyPage(server);
    expect(loginPage.status).toBe(200);
    expect(loginPage.headers.get('cache-control')).toBe('no-store');
    expect(loginPage.html).toContain('<html lang="ja">');
    expect(loginPage.html).toContain('action="/my/login"');
    for (const name of ['branch', 'accountType', 'accountNumber', 'pin']) {
      expect(loginPage.html).toMatch(new RegExp(`<label for="${name}">`));
      expect(loginPage.html).toMatch(new RegExp(`id="${name}" name="${name}"`));
    }
    expect(loginPage.html).toContain('name="csrf"');
  });

  test('the session cookie is httpOnly, SameSite=strict and sent only to /my', async () => {
    const res = await fetch(`${server.url}/my`, { headers: { accept: 'text/html' } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('my_session='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; path=\/my(;|$)/);
    expect(cookie).toMatch(/; samesite=strict/i);
    expect(cookie).toMatch(/; httponly/i);
    // The test server is plain http: the cookie cannot be Secure there (it is when the issuer is https).
    expect(cookie).not.toMatch(/; secure/i);
  });

  test('the right PIN and one-time code lead to the list of linkages', async () => {
    const { otpPage, listPage } = await signIn(server, customers.frozenAccount);
    expect(otpPage.status).toBe(200);
    expect(otpPage.html).toContain('action="/my/otp"');
    expect(otpPage.html).toMatch(/<label for="otp">/);
    expect(listPage.status).toBe(200);
    expect(listPage.html).toContain('<h1>連携の管理</h1>');
    expect(listPage.html).toContain('現在、連携しているサービスはありません。');
    expect(listPage.headers.get('cache-control')).toBe('no-store');
  });

  test('a wrong PIN and an unknown account get the same generic error on the same first page; a wrong one-time code stays on the code step', async () => {
    const who = customers.frozenAccount;
    const wrongPin = await (async () => {
      const { agent, loginPage } = await openMyPage(server);
      return agent.login(loginPage, { ...who, pin: '0000' });
    })();
    const unknownAccount = await (async () => {
      const { agent, loginPage } = await openMyPage(server);
      return agent.login(loginPage, { ...who, accountNumber: '1999999' });
    })();
    for (const answer of [wrongPin, unknownAccount]) {
      expect(answer.status).toBe(400);
      expect(answer.html).toContain(LOGIN_ERROR);
      expect(answer.html).toContain('name="pin"');
      expect(answer.html).not.toContain('連携している口座');
    }
    expect(withoutCsrf(unknownAccount)).toBe(withoutCsrf(wrongPin));

    const { agent, loginPage } = await openMyPage(server);
    const otpPage = await agent.login(loginPage, who);
    expect(otpPage.html).toContain('10分間操作がない場合は、最初からのお手続きになります。');
    const wrongOtp = await agent.otp(otpPage, wrongCode(who, server.clock.now()), server.clock.now());
    expect(wrongOtp.status).toBe(400);
    expect(wrongOtp.html).toContain(OTP_ERROR);
    expect(wrongOtp.html).toContain('あと2回確認できない場合は');
    expect(wrongOtp.html).toContain('action="/my/otp"');
    expect(wrongOtp.html).not.toContain('name="pin"');
  });

  test('after a wrong one-time code the session stays at the code step: the next code signs in; three wrong codes start over', async () => {
    const who = customers.frozenAccount;
    const { agent, loginPage } = await openMyPage(server);
    const otpPage = await agent.login(loginPage, who);
    const refused = await agent.otp(otpPage, wrongCode(who, server.clock.now()), server.clock.now());
    server.clock.advance(31_000);
    const signedIn = await agent.otp(refused, who, server.clock.now());
    expect(signedIn.html).toContain('<h1>連携の管理</h1>');

    const again = await openMyPage(server);
    let page = await again.agent.login(again.loginPage, who);
    for (let i = 0; i < 3; i += 1)
      page = await again.agent.otp(page, wrongCode(who, server.clock.now()), server.clock.now());
    expect(page.status).toBe(400);
    expect(page.html).toContain(LOGIN_ERROR);
    expect(page.html).toContain('name="pin"');
    server.clock.advance(31_000);
    const late = await again.agent.otp(page, who, server.clock.now());
    expect(late.status).toBe(400);
    expect(late.html).toContain(LOGIN_ERROR);
  });

  test('the lock counter is the one of API連携認証: failures on /my and in an authorization add up to the lock', async () => {
    const who = customers.lockable;
    const { agent, loginPage } = await openMyPage(server);
    for (let i = 0; i < 3; i += 1) expect((await agent.login(loginPage, { ...who, pin: '0000' })).status).toBe(400);
    expect(await server.app.coreBanking.loginFailures(refOf(who))).toEqual({ consecutiveFailures: 3, locked: false });

    const partner = await partnerFor(server);
    const begun = await beginAuthorization(server, partner);
    expect((await begun.agent.login(begun.loginPage, { ...who, pin: '0000' })).status).toBe(400);
    expect((await begun.agent.login(begun.loginPage, { ...who, pin: '0000' })).status).toBe(403);
    expect(await server.app.coreBanking.loginFailures(refOf(who))).toEqual({ consecutiveFailures: 5, locked: true });

    // Locked: the right PIN is refused on /my with the locked notice, until bank staff unlock.
    const locked = await openMyPage(server);
    const refused = await locked.agent.login(locked.loginPage, who);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain(LOCKED);

    await server.app.coreBanking.unlock(refOf(who));
    const { listPage } = await signIn(server, who);
    expect(listPage.html).toContain('<h1>連携の管理</h1>');
  });

  test('a session idle for more than ten minutes ends: the next visit starts at the first step', async () => {
    const { agent, listPage } = await signIn(server, customers.frozenAccount);
    expect(listPage.html).toContain('<h1>連携の管理</h1>');
    server.clock.advance(9 * 60_000);
    expect((await agent.request(`${server.url}/my`)).html).toContain('<h1>連携の管理</h1>');
    server.clock.advance(10 * 60_000 + 1000);
    const after = await agent.request(`${server.url}/my`);
    expect(after.html).toContain('name="pin"');
    expect(after.html).not.toContain('<h1>連携の管理</h1>');
  });

  test('the English switch shows the same step in English', async () => {
    const { agent, loginPage } = await openMyPage(server);
    expect(loginPage.html).toContain('href="/my?lang=en"');
    const english = await agent.request(`${server.url}/my?lang=en`);
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('<h1>Confirm your identity</h1>');
    expect(english.html).toContain('<label for="pin">Cash card PIN (4 digits)</label>');
  });
});
