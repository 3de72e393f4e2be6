import * as oauth from 'oauth4webapi';
import type { AccountType, LoginAccountRef } from '../../src/core-banking/port.ts';
import type { PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { totp } from '../../src/shared/totp.ts';
import { beginAuthorization, interactionUrl, reachConsent, reachOtp } from '../support/authorization-steps.ts';
import { CustomerAgent, type Page } from '../support/customer-agent.ts';
import { customers, type DemoCustomer } from '../support/demo.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

const LOGIN_ERROR = '入力された内容では確認できませんでした。お手数ですが、もう一度最初から入力してください。';
const LOCKED = 'API連携サービスのご利用を停止しています。再開のお手続きについては、お取引店までお問い合わせください。';
const OTP_ERROR = 'ワンタイムパスワードを確認できませんでした。';

let server: TestServer;
let partner: PartnerClient;
beforeAll(async () => {
  server = await startServer();
  partner = await partnerFor(server);
});
afterAll(async () => {
  await server.close();
});

const refOf = (who: DemoCustomer): LoginAccountRef => ({
  branchCode: who.branch,
  accountType: who.accountType as AccountType,
  accountNumber: who.accountNumber,
});

// Bank staff's unlock after every test: no failure count or lock leaks from one test into another.
afterEach(async () => {
  for (const who of Object.values(customers)) await server.app.coreBanking.unlock(refOf(who));
});

/** The page without what differs per request: the interaction uid and the CSRF token. */
const withoutRequestTokens = (page: Page) => {
  const uid = new URL(page.url).pathname.split('/')[2];
  return page.html.replaceAll(uid, '{uid}').replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="{csrf}"');
};

/** The interaction's one page (a GET shows the step it is at). */
const stepPage = (page: Page) => {
  const url = new URL(page.url);
  return `${url.origin}/interaction/${url.pathname.split('/')[2]}`;
};

/** A code that is not the customer's current one (nor one in the accepted window). */
const wrongCode = (who: DemoCustomer, now: number) => {
  const valid = new Set([-30_000, 0, 30_000].map((d) => totp(who.totpSecret, now + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
};

/** Five wrong PINs in one interaction (the page keeps its CSRF token between attempts). */
const lockWithWrongPins = async (who: Pick<DemoCustomer, 'branch' | 'accountType' | 'accountNumber' | 'pin'>) => {
  const { agent, loginPage } = await beginAuthorization(server, partner);
  const answers: Page[] = [];
  for (let i = 0; i < 5; i += 1)
    answers.push(await agent.login(loginPage, { ...who, pin: who.pin === '0000' ? '1111' : '0000' }));
  return answers;
};

describe('identity check (本人確認, terms 4.1): what each failure is told', () => {
  test('an unknown account and a wrong PIN get the same status, page and wording', async () => {
    const unknownAccount = await (async () => {
      const { agent, loginPage } = await beginAuthorization(server, partner);
      return agent.login(loginPage, { branch: '001', accountType: 'ordinary', accountNumber: '1999999', pin: '2580' });
    })();
    const wrongPin = await (async () => {
      const { agent, loginPage } = await beginAuthorization(server, partner);
      return agent.login(loginPage, { ...customers.allTypes, pin: '0000' });
    })();
    for (const answer of [unknownAccount, wrongPin]) {
      expect(answer.status).toBe(400);
      expect(answer.html).toContain(LOGIN_ERROR);
      expect(answer.html).not.toContain(LOCKED);
      expect(answer.html).toContain('name="pin"');
      expect(answer.headers.get('content-type')).toBe(unknownAccount.headers.get('content-type'));
      expect(answer.headers.get('cache-control')).toBe(unknownAccount.headers.get('cache-control'));
    }
    const reference = withoutRequestTokens(unknownAccount);
    expect(reference).toContain('action="/interaction/{uid}/login"');
    expect(reference).toContain('name="csrf" value="{csrf}"');
    expect(withoutRequestTokens(wrongPin)).toBe(reference);
  });

  test('once locked, the right PIN and a wrong one get the same locked notice, and an account reference nobody holds is told the same after as many failures', async () => {
    const who = customers.lockable;
    const failures = await lockWithWrongPins(who);
    // The fifth failure locks the account, and says so.
    expect(failures.map((p) => p.status)).toEqual([400, 400, 400, 400, 403]);
    expect(failures[4].html).toContain(LOCKED);

    const right = await (async () => {
      const { agent, loginPage } = await beginAuthorization(server, partner);
      return agent.login(loginPage, who);
    })();
    const wrong = await (async () => {
      const { agent, loginPage } = await beginAuthorization(server, partner);
      return agent.login(loginPage, { ...who, pin: '0000' });
    })();
    for (const answer of [right, wrong]) {
      expect(answer.status).toBe(403);
      expect(answer.html).toContain(LOCKED);
      expect(answer.html).not.toContain(LOGIN_ERROR);
      expect(answer.html).not.toContain('name="otp"');
    }
    expect(withoutRequestTokens(right)).toBe(withoutRequestTokens(wrong));
    expect(withoutRequestTokens(right)).toBe(withoutRequestTokens(failures[4]));

    // A made-up account reference: the same answers, in the same order (the notice does not tell which exist).
    const madeUp = { branch: '001', accountType: 'ordinary', accountNumber: '1999998', pin: '2580' };
    const madeUpAnswers = await lockWithWrongPins(madeUp);
    expect(madeUpAnswers.map((p) => p.status)).toEqual([400, 400, 400, 400, 403]);
    expect(madeUpAnswers.map(withoutRequestTokens)).toEqual(failures.map(withoutRequestTokens));
    await server.app.coreBanking.unlock({ branchCode: '001', accountType: 'ordinary', accountNumber: '1999998' });
  });

  test('a one-time code already used is refused in a second authorization within the same time step', async () => {
    const who = customers.allTypes;
    const first = await reachConsent(server, partner, who);
    expect(first.consentPage.status).toBe(200);
    expect(first.consentPage.html).toContain('name="accounts"');
    const usedCode = totp(who.totpSecret, server.clock.now());

    // Same customer, a new authorization, the clock not moved past the 30 s step: the same code.
    const pending = await partner.startAuthorization({ scope: 'openid offline_access accounts' });
    const agent = new CustomerAgent(`${server.url}/demo/callback`);
    const loginPage = await agent.request(pending.authorizationUrl);
    const otpPage = await agent.login(loginPage, who);
    expect(otpPage.html).toContain('name="otp"');
    const replayed = await agent.otp(otpPage, usedCode, server.clock.now());
    expect(replayed.status).toBe(400);
    expect(replayed.html).toContain(OTP_ERROR);
    expect(replayed.html).not.toContain('name="accounts"');

    // The next time step's code gets through on the same step: the refusal was the replay, nothing else.
    server.clock.advance(30_000);
    const consent = await agent.otp(replayed, who, server.clock.now());
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('name="accounts"');
  });

  test('five consecutive failures lock the account: the correct PIN is then refused with the locked notice, until bank staff unlock it', async () => {
    const who = customers.lockable;
    await lockWithWrongPins(who);
    expect(await server.app.coreBanking.loginFailures(refOf(who))).toEqual({ consecutiveFailures: 5, locked: true });

    const { agent, loginPage } = await beginAuthorization(server, partner);
    const refused = await agent.login(loginPage, who);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain(LOCKED);
    expect(refused.html).not.toContain('name="otp"');

    await server.app.coreBanking.unlock(refOf(who));
    const otpPage = await agent.login(loginPage, who);
    expect(otpPage.status).toBe(200);
    expect(otpPage.html).toContain('name="otp"');
  });

  test('four failures do not lock: the correct PIN and one-time code still get through and reset the count', async () => {
    const who = customers.lockable;
    const { agent, loginPage } = await beginAuthorization(server, partner);
    for (let i = 0; i < 4; i += 1) await agent.login(loginPage, { ...who, pin: '0000' });
    expect(await server.app.coreBanking.loginFailures(refOf(who))).toEqual({ consecutiveFailures: 4, locked: false });
    const otpPage = await agent.login(loginPage, who);
    const consent = await agent.otp(otpPage, who, server.clock.now());
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('name="accounts"');
    expect(await server.app.coreBanking.loginFailures(refOf(who))).toEqual({ consecutiveFailures: 0, locked: false });
  });

  test('a wrong one-time code keeps the customer on the code step, saying how many tries are left; after the third the flow starts over', async () => {
    const who = customers.allTypes;
    const { agent, otpPage } = await reachOtp(server, partner, who);
    expect(otpPage.html).toContain('このお手続きは、開始から15分以内に完了してください');
    const code = wrongCode(who, server.clock.now());
    const first = await agent.otp(otpPage, code, server.clock.now());
    expect(first.status).toBe(400);
    expect(first.html).toContain(OTP_ERROR);
    expect(first.html).toContain('あと2回確認できない場合は、最初からのお手続きになります。');
    expect(first.html).toContain('name="otp"');
    expect(first.html).not.toContain('name="pin"');
    const second = await agent.otp(first, code, server.clock.now());
    expect(second.html).toContain('あと1回確認できない場合は');
    // The step is still the code step: a page view shows it again, and the right code gets through.
    const shown = await agent.request(stepPage(otpPage));
    expect(shown.html).toContain('name="otp"');
    const consent = await agent.otp(shown, who, server.clock.now());
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('name="accounts"');

    // Three wrong codes in one round: back to the first step, with the one failure answer.
    server.clock.advance(31_000);
    const again = await reachOtp(server, partner, who);
    let page = again.otpPage;
    for (let i = 0; i < 3; i += 1)
      page = await again.agent.otp(page, wrongCode(who, server.clock.now()), server.clock.now());
    expect(page.status).toBe(400);
    expect(page.html).toContain(LOGIN_ERROR);
    expect(page.html).toContain('name="pin"');
    expect(page.html).not.toContain('name="otp"');
    const view = await again.agent.request(stepPage(again.otpPage));
    expect(view.html).toContain('name="pin"');
  });

  test('wrong one-time codes count toward the same lock as wrong PINs', async () => {
    const who = customers.lockable;
    const { agent, loginPage } = await beginAuthorization(server, partner);
    for (let i = 0; i < 3; i += 1) await agent.login(loginPage, { ...who, pin: '0000' });
    const otpPage = await agent.login(loginPage, who);
    expect(otpPage.html).toContain('name="otp"');
    const refused = await agent.otp(otpPage, wrongCode(who, server.clock.now()), server.clock.now());
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(OTP_ERROR);
    // The fifth failure of the account: locked, whatever step it came at.
    const locked = await agent.otp(refused, wrongCode(who, server.clock.now()), server.clock.now());
    expect(locked.status).toBe(403);
    expect(locked.html).toContain(LOCKED);
    expect(await server.app.coreBanking.loginFailures(refOf(who))).toEqual({ consecutiveFailures: 5, locked: true });
    const again = await agent.login(loginPage, who);
    expect(again.status).toBe(403);
    expect(again.html).toContain(LOCKED);
  });

  test('wrong one-time codes count per account across interactions: a new flow does not start the count again', async () => {
    const who = customers.lockable;
    // Two wrong codes in each of two flows, then one more in a third: five failures of one account.
    for (let flow = 0; flow < 3; flow += 1) {
      server.clock.advance(31_000);
      const { agent, otpPage } = await reachOtp(server, partner, who);
      let page = otpPage;
      for (let i = 0; i < (flow < 2 ? 2 : 1); i += 1)
        page = await agent.otp(page, wrongCode(who, server.clock.now()), server.clock.now());
      if (flow < 2) expect(page.html).toContain(OTP_ERROR);
      else {
        expect(page.status).toBe(403);
        expect(page.html).toContain(LOCKED);
      }
    }
    expect(await server.app.coreBanking.loginFailures(refOf(who))).toEqual({ consecutiveFailures: 5, locked: true });
  });

  test('a correct one-time code is refused once the account was locked meanwhile (from another browser)', async () => {
    const who = customers.lockable;
    const { agent, otpPage } = await reachOtp(server, partner, who);
    await lockWithWrongPins(who);
    const refused = await agent.otp(otpPage, who, server.clock.now());
    expect(refused.status).toBe(403);
    expect(refused.html).toContain(LOCKED);
    expect(refused.html).not.toContain('name="accounts"');
  });
});

describe('eligibility (terms 1.2(1)): an ineligible customer gets an explanation and the partner gets access_denied', () => {
  const cases = [
    [
      'a customer without a cash card',
      customers.noCashCard,
      'このサービスをご利用いただくには、キャッシュカードが発行された普通預金または貯蓄預金の口座が必要です。',
    ],
    [
      'a restricted customer',
      customers.restricted,
      'お客さまのお取引の状況により、現在このサービスをご利用いただけません。',
    ],
  ] as const;

  test.each(cases)(
    '%s sees why, in Japanese, and going back sends access_denied to the partner',
    async (_name, who, explanation) => {
      const { agent, pending, consentPage: page } = await reachConsent(server, partner, who);
      expect(page.status).toBe(403);
      expect(page.html).toContain('この連携はご利用いただけません');
      expect(page.html).toContain(explanation);
      expect(page.html).toContain('デモかけいぼに戻る');
      expect(page.html).not.toContain('name="accounts"');
      expect(page.html).not.toContain('name="decision"');

      const back = await agent.request(interactionUrl(page, 'abort'), {
        form: { csrf: CustomerAgent.field(page.html, 'csrf') },
      });
      expect(back.status).toBe(0);
      expect(back.url.startsWith(`${server.url}/demo/callback?`)).toBe(true);
      const params = new URL(back.url).searchParams;
      expect(params.get('code')).toBeNull();
      expect(params.get('iss')).toBe(server.url);
      let thrown: unknown;
      try {
        oauth.validateAuthResponse(partner.as, partner.client, new URL(back.url), pending.state);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(oauth.AuthorizationResponseError);
      expect((thrown as oauth.AuthorizationResponseError).error).toBe('access_denied');
    },
  );
});

describe('a post to an interaction whose state is gone', () => {
  // Found by the fuzz suite: a refused post used to create the state (and its CSRF token) on the way.
  test('is refused and leaves the store as it was', async () => {
    const { agent, loginPage } = await beginAuthorization(server, partner);
    const uid = new URL(loginPage.url).pathname.split('/')[2];
    await server.app.store.del([`interaction-state:${uid}`]);
    const answer = await agent.request(interactionUrl(loginPage, 'otp'), { form: { code: '123456' } });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(await server.app.store.get(`interaction-state:${uid}`)).toBeUndefined();
  });
});
