import { jstDateTimeText } from '../../src/shared/jst.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { dataCall, linkageIds, NEVER, partnerNames, signIn } from './my-page-steps.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const KAKEIBO = 'デモかけいぼ';
const KAIKEI = 'デモ会計クラウド';

/** Customer A linked to both demo partners: kakeibo (all scopes, two accounts), then kaikei. */
const linkBoth = async () => {
  const kakeibo = await partnerFor(server);
  const kaikei = await partnerFor(server, 'demo-kaikei');
  const withKakeibo = await link(server, kakeibo, customers.allTypes, { accounts: (offered) => offered.slice(0, 2) });
  const withKaikei = await link(server, kaikei, customers.allTypes, {
    scope: 'offline_access accounts deposits',
    accounts: (offered) => offered.slice(0, 1),
  });
  return { kakeibo, kaikei, withKakeibo, withKaikei };
};

describe("/my lists the customer's live linkages", () => {
  test('two partners: names, categories in plain Japanese, accounts masked, since and until, newest first', async () => {
    const { withKakeibo, withKaikei } = await linkBoth();
    const { listPage } = await signIn(server, customers.allTypes);
    expect(listPage.status).toBe(200);
    expect(partnerNames(listPage)).toEqual([KAIKEI, KAKEIBO]);
    expect(linkageIds(listPage)).toEqual([withKaikei.tokens.grant_id, withKakeibo.tokens.grant_id]);

    const [kaikeiSection, kakeiboSection] = listPage.html.split('<section').slice(1);
    expect(kaikeiSection).toContain('口座情報（預金種目・口座番号・名義）');
    expect(kaikeiSection).toContain('普通預金などの残高と入出金明細');
    expect(kaikeiSection).not.toContain('定期預金の明細');
    expect(kakeiboSection).toContain('定期預金の明細');
    expect(kaikeiSection).toContain('普通預金 本店 ****345');
    expect(kakeiboSection).toContain('普通預金 本店 ****345');
    expect(kakeiboSection).toContain('貯蓄預金 本店 ****345');
    for (const [section, linked] of [
      [kaikeiSection, withKaikei],
      [kakeiboSection, withKakeibo],
    ] as const) {
      const record = (await server.app.grants.find(linked.tokens.grant_id as string))!;
      expect(section).toContain(`<dd class="since">${jstDateTimeText(record.createdAt, 'ja')}</dd>`);
      expect(section).toContain(`<dd class="until">${jstDateTimeText(record.expiresAt, 'ja')}</dd>`);
      expect(section).toContain('>連携を解除する</button>');
    }
    // Never a full account number on the page.
    for (const n of ['1012345', '5012345', '3012345']) expect(listPage.html).not.toContain(n);
  });

  test('"last used" shows when the partner last retrieved data, and "not yet" before that', async () => {
    const { kaikei, withKaikei } = await linkBoth();
    const before = await signIn(server, customers.allTypes);
    const kaikeiBefore = before.listPage.html.split('<section').slice(1)[0];
    expect(kaikeiBefore).toContain('<dd class="last-used">まだありません</dd>');

    // 45 s into a minute: the call 30 s later falls in the next minute, where a write would show.
    server.clock.set(Math.ceil(server.clock.now() / 60_000) * 60_000 + 45_000);
    const usedAt = server.clock.now();
    expect((await dataCall(server, kaikei, withKaikei)).status).toBe(200);
    const after = await before.agent.request(`${server.url}/my`);
    const [kaikeiAfter, kakeiboAfter] = after.html.split('<section').slice(1);
    expect(kaikeiAfter).toContain(`<dd class="last-used">${jstDateTimeText(usedAt, 'ja')}</dd>`);
    expect(kakeiboAfter).toContain('<dd class="last-used">まだありません</dd>');

    // Written at most once a minute per linkage: a call 30 s later leaves it, one a minute later moves it.
    const lastUsedOf = async () =>
      (await before.agent.request(`${server.url}/my`)).html
        .split('<section')
        .slice(1)[0]
        .match(/<dd class="last-used">([^<]*)<\/dd>/)![1];
    server.clock.advance(30_000);
    expect((await dataCall(server, kaikei, withKaikei)).status).toBe(200);
    expect(await lastUsedOf()).toBe(jstDateTimeText(usedAt, 'ja'));
    server.clock.advance(60_000);
    expect((await dataCall(server, kaikei, withKaikei)).status).toBe(200);
    expect(await lastUsedOf()).toBe(jstDateTimeText(server.clock.now(), 'ja'));
  });

  test("ending one with the confirmation: that partner's next data call fails (401) and its refresh fails (invalid_grant), the other still works", async () => {
    const { kakeibo, kaikei, withKakeibo, withKaikei } = await linkBoth();
    const { agent, listPage } = await signIn(server, customers.allTypes);
    const kakeiboGrant = withKakeibo.tokens.grant_id as string;
    expect(linkageIds(listPage)).toContain(kakeiboGrant);

    const confirm = await agent.request(`${server.url}/my/linkages/${encodeURIComponent(kakeiboGrant)}/end`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('<h1>連携の解除</h1>');
    expect(confirm.html).toContain(`${KAKEIBO}との連携を解除します。よろしいですか。`);
    expect(confirm.html).toContain('****345');
    // Looking at the confirmation changes nothing.
    expect((await dataCall(server, kakeibo, withKakeibo)).status).toBe(200);

    const after = await agent.request(`${server.url}/my/linkages/${encodeURIComponent(kakeiboGrant)}/end`, {
      form: { csrf: CustomerAgent.field(confirm.html, 'csrf') },
    });
    expect(after.status).toBe(200);
    expect(after.url).toBe(`${server.url}/my`);
    expect(after.html).toContain(`${KAKEIBO}との連携を解除しました。`);
    expect(partnerNames(after)).toEqual([KAIKEI]);

    expect((await dataCall(server, kakeibo, withKakeibo)).status).toBe(401);
    await expect(
      kakeibo.refresh(withKakeibo.tokens.refresh_token!, withKakeibo.pending.dpopKeys),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await server.app.revocation.ending(kakeiboGrant)).toMatchObject({
      reason: 'revoked_by_customer',
      actor: 'customer',
    });

    expect((await dataCall(server, kaikei, withKaikei)).status).toBe(200);
    const refreshed = await kaikei.refresh(withKaikei.tokens.refresh_token!, withKaikei.pending.dpopKeys);
    expect((await dataCall(server, kaikei, { tokens: refreshed, pending: withKaikei.pending })).status).toBe(200);

    // "Ended" is said once.
    expect((await agent.request(`${server.url}/my`)).html).not.toContain('との連携を解除しました。');
  });

  test('a post without the CSRF token, or with a wrong one, is refused and ends nothing', async () => {
    const { kakeibo, withKakeibo } = await linkBoth();
    const { agent } = await signIn(server, customers.allTypes);
    const grantId = encodeURIComponent(withKakeibo.tokens.grant_id as string);
    const without = await agent.request(`${server.url}/my/linkages/${grantId}/end`, { form: {} });
    expect(without.status).toBe(403);
    const wrong = await agent.request(`${server.url}/my/linkages/${grantId}/end`, { form: { csrf: 'not-the-token' } });
    expect(wrong.status).toBe(403);
    expect((await dataCall(server, kakeibo, withKakeibo)).status).toBe(200);
    expect(await server.app.grants.find(withKakeibo.tokens.grant_id as string)).toBeDefined();
  });

  test('a post from a browser without the session (another site: no SameSite=strict cookie) is refused', async () => {
    const { kakeibo, withKakeibo } = await linkBoth();
    const { agent, listPage } = await signIn(server, customers.allTypes);
    const confirm = await agent.request(`${server.url}/my/linkages/${encodeURIComponent(linkageIds(listPage)[1])}/end`);
    const forged = await new CustomerAgent(NEVER).request(
      `${server.url}/my/linkages/${encodeURIComponent(withKakeibo.tokens.grant_id as string)}/end`,
      { form: { csrf: CustomerAgent.field(confirm.html, 'csrf') } },
    );
    expect(forged.status).toBe(403);
    expect((await dataCall(server, kakeibo, withKakeibo)).status).toBe(200);
  });

  test("another customer's linkage cannot be seen or ended: 404, and it lives on", async () => {
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const theirs = await link(server, kaikei, customers.twoBranches, { scope: 'offline_access accounts' });
    const { agent, listPage } = await signIn(server, customers.allTypes);
    const grantId = encodeURIComponent(theirs.tokens.grant_id as string);
    expect((await agent.request(`${server.url}/my/linkages/${grantId}/end`)).status).toBe(404);
    const ended = await agent.request(`${server.url}/my/linkages/${grantId}/end`, {
      form: { csrf: CustomerAgent.field(listPage.html, 'csrf') },
    });
    expect(ended.status).toBe(404);
    expect((await dataCall(server, kaikei, theirs)).status).toBe(200);
  });

  test('pages behind the identity check send a visitor without it to the first step', async () => {
    const agent = new CustomerAgent(NEVER);
    const page = await agent.request(`${server.url}/my/linkages/any-grant/end`);
    expect(page.url).toBe(`${server.url}/my`);
    expect(page.html).toContain('name="pin"');
  });

  test('sign-out ends the session', async () => {
    const { agent, listPage } = await signIn(server, customers.allTypes);
    const out = await agent.request(`${server.url}/my/sign-out`, {
      form: { csrf: CustomerAgent.field(listPage.html, 'csrf') },
    });
    expect(out.html).toContain('name="pin"');
    expect((await agent.request(`${server.url}/my`)).html).not.toContain('<h1>連携の管理</h1>');
  });

  test('while the my_page surface is closed by an operator, every page of /my is the closed page (503)', async () => {
    const { agent } = await signIn(server, customers.allTypes);
    const restriction = await server.app.availability.restrictions.set({
      scope: { kind: 'surface', surface: 'my_page' },
      message: { ja: 'システムの点検のため停止しています。', en: 'Stopped for system checks.' },
      setBy: 'operator-1',
      reason: 'test',
    });
    try {
      const closed = await agent.request(`${server.url}/my`);
      expect(closed.status).toBe(503);
      expect(closed.html).toContain('ただいま連携の管理ページはご利用いただけません。');
      expect(closed.html).toContain('システムの点検のため停止しています。');
      expect(closed.html).toContain('連携の解除は、連携先のサービスからも行えます。');
      expect((await agent.request(`${server.url}/my/login`, { form: { csrf: 'x' } })).status).toBe(503);
    } finally {
      await server.app.availability.restrictions.lift(restriction.id, 'operator-1');
    }
    expect((await agent.request(`${server.url}/my`)).status).toBe(200);
  });

  describe.each([
    ['the whole service', { kind: 'service' }],
    ['API連携認証', { kind: 'surface', surface: 'authorization' }],
    ['the data API', { kind: 'surface', surface: 'data_api' }],
    ['token refresh', { kind: 'surface', surface: 'token_refresh' }],
    ['the partner', { kind: 'partner', partnerId: 'demo-kakeibo' }],
  ] as const)('while an operator restricts %s', (_what, scope) => {
    test('the customer still signs in to /my and ends a linkage: its tokens stop working at once', async () => {
      const kakeibo = await partnerFor(server);
      const linked = await link(server, kakeibo, customers.allTypes);
      const grantId = linked.tokens.grant_id as string;
      const message = { ja: 'システムの点検のため停止しています。', en: 'Stopped for system checks.' };
      const restriction = await server.app.availability.restrictions.set({
        scope,
        message,
        setBy: 'operator-1',
        reason: 'test',
      });
      try {
        const { agent, listPage } = await signIn(server, customers.allTypes);
        expect(listPage.status).toBe(200);
        expect(linkageIds(listPage)).toContain(grantId);
        // Only a whole-service restriction is news to the customer here; it is said, with what still works.
        const notice = /<div class="notice" role="note" id="service-stopped">([\s\S]*?)<\/div>/.exec(
          listPage.html,
        )?.[1];
        if (scope.kind === 'service') {
          expect(notice).toContain('ただいまAPI連携サービスを一時停止しています。');
          expect(notice).toContain(message.ja);
          expect(notice).toContain('連携の確認と解除は、このページで引き続きご利用いただけます。');
        } else expect(notice).toBeUndefined();

        const confirm = await agent.request(`${server.url}/my/linkages/${encodeURIComponent(grantId)}/end`);
        expect(confirm.status).toBe(200);
        const after = await agent.request(`${server.url}/my/linkages/${encodeURIComponent(grantId)}/end`, {
          form: { csrf: CustomerAgent.field(confirm.html, 'csrf') },
        });
        expect(after.status).toBe(200);
        expect(after.html).toContain(`${KAKEIBO}との連携を解除しました。`);
        expect(linkageIds(after)).not.toContain(grantId);
        expect(await server.app.revocation.ending(grantId)).toMatchObject({ reason: 'revoked_by_customer' });
      } finally {
        await server.app.availability.restrictions.lift(restriction.id, 'operator-1');
      }
      // Once lifted, the ended linkage's token is refused (401), not merely closed (503).
      expect((await dataCall(server, kakeibo, linked)).status).toBe(401);
    });
  });
});
