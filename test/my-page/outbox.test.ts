import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { dataCall, NEVER, refOf, signIn } from './my-page-steps.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const outbox = async (on = server) => {
  const page = await new CustomerAgent(NEVER).request(`${on.url}/demo/outbox`);
  expect(page.status).toBe(200);
  return page;
};

/** The notices on the page, newest first: kind and whole text. */
const notices = (html: string) =>
  [...html.matchAll(/<li class="notice-item" data-kind="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => ({
    kind: m[1],
    text: m[2],
  }));

describe('the customer notifier: the demo outbox', () => {
  test('starts empty, in Japanese, never cached', async () => {
    const page = await outbox();
    expect(page.html).toContain('<html lang="ja">');
    expect(page.html).toContain('お知らせはまだありません。');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  test('a new linkage puts a notice in the outbox: which partner, which information of which accounts (masked), and how to end it', async () => {
    const partner = await partnerFor(server);
    await link(server, partner, customers.allTypes, {
      scope: 'openid offline_access accounts deposits',
      accounts: (offered) => offered.slice(0, 2),
    });
    const [notice] = notices((await outbox()).html);
    expect(notice.kind).toBe('linkage.created');
    expect(notice.text).toContain('【デモ信用組合】デモかけいぼと口座を連携しました');
    expect(notice.text).toContain('・口座情報（預金種目・口座番号・名義）');
    expect(notice.text).toContain('・普通預金などの残高と入出金明細');
    expect(notice.text).not.toContain('定期預金の明細');
    expect(notice.text).toContain('・普通預金 ****345');
    expect(notice.text).toContain('・貯蓄預金 ****345');
    expect(notice.text).toContain('連携の有効期限：');
    expect(notice.text).toContain(
      'デモかけいぼのサービスからお手続きいただくか、当組合のホームページから「連携の管理」へお進みいただき、解除してください。',
    );
    expect(notice.text).toContain('お心当たりのない場合は、すぐに当組合のお客さま相談窓口（電話 0120-000-000、');
    // No link at all (phishing practice of Japanese banks): not even the bank's own page.
    expect(notice.text).not.toContain(server.url);
    expect(notice.text).not.toMatch(/https?:\/\//);
    // Never a full account number.
    for (const n of ['1012345', '5012345']) expect(notice.text).not.toContain(n);
  });

  test('ending a linkage on /my sends a notice too, and the newest comes first', async () => {
    const partner = await partnerFor(server, 'demo-kaikei');
    const linked = await link(server, partner, customers.twoBranches, { scope: 'offline_access accounts deposits' });
    const { agent } = await signIn(server, customers.twoBranches);
    const grantId = encodeURIComponent(linked.tokens.grant_id as string);
    const confirm = await agent.request(`${server.url}/my/linkages/${grantId}/end`);
    await agent.request(`${server.url}/my/linkages/${grantId}/end`, {
      form: { csrf: CustomerAgent.field(confirm.html, 'csrf') },
    });

    const [ended, created] = notices((await outbox()).html);
    expect(ended.kind).toBe('linkage.ended');
    expect(ended.text).toContain('【デモ信用組合】デモ会計クラウドとの連携を解除しました');
    expect(ended.text).toContain('お客さまのお手続きにより');
    expect(ended.text).toContain('・普通預金 ****231');
    expect(created.kind).toBe('linkage.created');
    expect(created.text).toContain('デモ会計クラウドと口座を連携しました');
    expect(ended.text + created.text).not.toContain('5500231');

    const customerId = await server.app.coreBanking.customerIdOf(refOf(customers.twoBranches));
    await server.app.audit.flush();
    const sent = await server.app.audit.query({ kind: 'notice.sent', customerId });
    expect(sent.map((e) => e.details?.notice)).toEqual(['linkage.created', 'linkage.ended']);
  });
});

describe('a failing notifier never fails the linkage', () => {
  let failing: TestServer;
  beforeAll(async () => {
    failing = await startServer({
      overrides: {
        notifier: {
          notify: async () => {
            throw new Error('mail relay down');
          },
        },
      },
    });
  });
  afterAll(async () => {
    await failing?.close();
  });

  test('the partner still gets its tokens and data; the failure is logged and audited', async () => {
    const partner = await partnerFor(failing);
    const linked = await link(failing, partner, customers.allTypes);
    expect(linked.tokens.access_token).toEqual(expect.any(String));
    expect((await dataCall(failing, partner, linked)).status).toBe(200);
    expect(
      failing.logLines.some((line) => line.includes('customer notice not sent') && line.includes('mail relay down')),
    ).toBe(true);
    await failing.app.audit.flush();
    const failures = await failing.app.audit.query({ kind: 'notice.failed' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      result: 'failure',
      partnerId: 'demo-kakeibo',
      details: { notice: 'linkage.created' },
    });
  });
});
