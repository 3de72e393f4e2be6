import { beginAuthorization, interactionUrl, reachCallback } from '../support/authorization-steps.ts';
import { CustomerAgent, type Page } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * The error, expiry, finished and not-found pages at the HTTP level: each in the bank's layout,
 * with the inquiry number (the answer's request id) and, where the partner is known, the way back.
 * (test/browser/customer-pages.test.ts walks the same pages in Chromium.)
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const CALLBACK = () => `${server.url}/demo/callback`;

/** The inquiry number the page shows. */
const inquiryNumber = (page: Page) => /<code class="inquiry-number">([^<]+)<\/code>/.exec(page.html)?.[1];
const h1 = (page: Page) => /<h1>([^<]*)<\/h1>/.exec(page.html)?.[1];
const wayBackHref = (page: Page) =>
  /<p class="way-back"><a class="button primary" href="([^"]+)">/.exec(page.html)?.[1]?.replaceAll('&amp;', '&');

const expectBankPage = (page: Page) => {
  expect(page.html).toContain('<span class="bank">デモ信用組合</span>');
  expect(page.html).toContain('<link rel="stylesheet" href="/static/app.css">');
  expect(inquiryNumber(page)).toBe(page.headers.get('x-request-id'));
};

describe('unknown URLs', () => {
  test.each(['/no-such-page', '/interaction', '/my/no-such-step', '/static/missing.css.html'])(
    '%s in a browser: a 404 page in Japanese, in the bank look, with the inquiry number',
    async (path) => {
      const page = await new CustomerAgent(CALLBACK()).request(`${server.url}${path}`);
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(h1(page)).toBe('ページが見つかりません');
      expect(page.html).toContain('<html lang="ja">');
      expect(page.html).not.toContain('Not Found');
      expectBankPage(page);
    },
  );

  test('with ?lang=en (or the remembered choice) the same page is in English', async () => {
    const agent = new CustomerAgent(CALLBACK());
    const english = await agent.request(`${server.url}/no-such-page?lang=en`);
    expect(english.status).toBe(404);
    expect(h1(english)).toBe('Page not found');
    expect(english.html).toContain('<html lang="en">');
    expect((await agent.request(`${server.url}/elsewhere`)).html).toContain('<h1>Page not found</h1>');
  });

  test('an API client (no text/html) does not get a page', async () => {
    const res = await fetch(`${server.url}/no-such-page`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<html');
  });
});

describe('API連携認証 pages that end the flow', () => {
  test('an expired interaction: the page leads back to the partner with access_denied, its state and iss', async () => {
    const partner = await partnerFor(server);
    const { agent, loginPage, pending } = await beginAuthorization(server, partner);
    const uid = new URL(loginPage.url).pathname.split('/')[2];
    // oidc-provider's own clock decides the expiry: removing the interaction is what expiry does.
    await (await server.app.provider.Interaction.find(uid))!.destroy();

    const expired = await agent.request(loginPage.url);
    expect(expired.status).toBe(400);
    expect(expired.html).toContain('interaction_not_found');
    expectBankPage(expired);
    const href = wayBackHref(expired);
    expect(expired.html).toContain('デモかけいぼに戻る');
    const back = new URL(href!);
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK());
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'the linkage authorization expired',
      state: pending.state,
      iss: server.url,
    });
    // A post to the expired interaction (the customer pressed 次へ late) gets the same way back.
    const late = await agent.login(loginPage, customers.allTypes);
    expect(wayBackHref(late)).toBe(href);
  });

  test('another browser (without the interaction cookie) learns nothing of where it leads', async () => {
    const partner = await partnerFor(server);
    const { loginPage } = await beginAuthorization(server, partner);
    const stranger = await new CustomerAgent(CALLBACK()).request(loginPage.url);
    expect(stranger.status).toBe(400);
    expect(stranger.html).not.toContain('class="way-back"');
    expect(stranger.html).not.toContain('/demo/callback');
    expectBankPage(stranger);
  });

  test('a finished interaction opened again: says it is over and where to look, without a second answer to the partner', async () => {
    const partner = await partnerFor(server);
    const { agent, consentPage } = await reachCallback(server, partner, customers.allTypes);
    const again = await agent.request(consentPage.url);
    expect(again.status).toBe(400);
    expect(h1(again)).toBe('このお手続きは終了しています');
    expect(again.html).toContain('結果はデモかけいぼのアプリまたはサイトでご確認ください。');
    expect(wayBackHref(again)).toBeUndefined();
    expectBankPage(again);
  });

  test('a forged post to a live interaction: the page offers the way back, which ends it with access_denied', async () => {
    const partner = await partnerFor(server);
    const { agent, loginPage, pending } = await beginAuthorization(server, partner);
    const refused = await agent.request(interactionUrl(loginPage, 'login'), { form: { csrf: 'forged' } });
    expect(refused.status).toBe(403);
    expectBankPage(refused);
    expect(refused.html).toContain('デモかけいぼに戻る');
    const back = await agent.request(interactionUrl(loginPage, 'abort'), {
      form: { csrf: CustomerAgent.field(refused.html, 'csrf') },
    });
    expect(back.status).toBe(0);
    const params = new URL(back.url).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe(pending.state);
  });

  test("oidc-provider's own error page (a request it cannot send back) names the partner and has the inquiry number", async () => {
    const page = await new CustomerAgent(CALLBACK()).request(
      `${server.url}/auth?client_id=demo-kakeibo&response_type=code&redirect_uri=https%3A%2F%2Fattacker.example%2Fcb`,
    );
    expect(page.status).toBeGreaterThanOrEqual(400);
    expectBankPage(page);
    expect(page.html).toContain('デモかけいぼのアプリまたはサイトに戻って、もう一度お手続きください。');
    expect(page.html).not.toContain('attacker.example');
  });
});
