import { createPartnerClient, type PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { interactionUrl, reachConsent } from '../support/authorization-steps.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { tempPartnersDir, writePartnerFile, type TempPartner } from '../support/temp-partners.ts';

const SCRIPT_NAME = '<script>alert(1)</script>';

let server: TestServer;
let partner: PartnerClient;
let partnersDir: ReturnType<typeof tempPartnersDir>;
let scripted: TempPartner;
beforeAll(async () => {
  partnersDir = tempPartnersDir();
  scripted = await writePartnerFile(partnersDir.dir, 'script-in-name', { name: { ja: SCRIPT_NAME, en: SCRIPT_NAME } });
  server = await startServer({ env: { PARTNERS_DIR: partnersDir.dir } });
  partner = await partnerFor(server);
});
afterAll(async () => {
  await server.close();
  partnersDir.remove();
});

/**
 * Consent records (consent:{id}): every grant made leaves one, kept for the retention period even
 * when a later linkage replaces the grant; a refused consent must not add one.
 */
const grantRecordCount = async () => (await server.app.store.keysWithPrefix('consent:')).length;

describe('consent (同意): what a consent post must carry', () => {
  test('consent with no account ticked is refused: 400, the page asks for an account, and no code reaches the partner', async () => {
    const { agent, consentPage, offered } = await reachConsent(server, partner, customers.allTypes);
    expect(offered.length).toBeGreaterThan(0);
    const before = await grantRecordCount();

    const refused = await agent.consent(consentPage, 'agree', []);
    expect(refused.status).toBe(400);
    expect(refused.url).toBe(interactionUrl(consentPage, 'consent'));
    expect(refused.html).toContain('連携する口座を1つ以上お選びください');
    expect(refused.html).toContain('name="accounts"');
    expect(await grantRecordCount()).toBe(before);

    // The same page, with one account ticked, goes through: the refusal was the empty choice.
    const callback = await agent.consent(consentPage, 'agree', offered.slice(0, 1));
    expect(callback.status).toBe(0);
    expect(new URL(callback.url).searchParams.get('code')).toEqual(expect.any(String));
    expect(await grantRecordCount()).toBe(before + 1);
  });

  test('an account that was not offered cannot be ticked: 400 and nothing granted', async () => {
    const { agent, consentPage, offered } = await reachConsent(server, partner, customers.allTypes);
    const before = await grantRecordCount();
    const refused = await agent.consent(consentPage, 'agree', [offered[0], 'acc-someone-else']);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('連携する口座を1つ以上お選びください');
    expect(await grantRecordCount()).toBe(before);
  });

  test('a consent post without the interaction cookie is refused: 400 page and nothing granted', async () => {
    const { agent, consentPage, offered } = await reachConsent(server, partner, customers.allTypes);
    const before = await grantRecordCount();
    const form = { csrf: CustomerAgent.field(consentPage.html, 'csrf'), decision: 'agree', accounts: offered };

    const refused = await agent.request(interactionUrl(consentPage, 'consent'), { form, cookies: false });
    expect(refused.status).toBe(400);
    expect(refused.url).toBe(interactionUrl(consentPage, 'consent'));
    expect(refused.html).toContain('画面の有効期限が切れたか、別の画面で操作が行われました。');
    expect(refused.html).toContain('interaction_not_found');
    expect(await grantRecordCount()).toBe(before);

    // The customer's own browser (with the cookie) still can: only the cookie was missing.
    const callback = await agent.consent(consentPage, 'agree', offered);
    expect(callback.status).toBe(0);
    expect(await grantRecordCount()).toBe(before + 1);
  });

  test('a consent post from another browser, bound to its own interaction, is refused: 400 page and nothing granted', async () => {
    const victim = await reachConsent(server, partner, customers.allTypes);
    const attacker = await reachConsent(server, partner, customers.frozenAccount);
    const before = await grantRecordCount();
    const refused = await attacker.agent.request(interactionUrl(victim.consentPage, 'consent'), {
      form: {
        csrf: CustomerAgent.field(victim.consentPage.html, 'csrf'),
        decision: 'agree',
        accounts: victim.offered,
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('interaction_mismatch');
    expect(await grantRecordCount()).toBe(before);
  });

  test('a consent post with a wrong CSRF token is refused: 403 and nothing granted', async () => {
    const { agent, consentPage, offered } = await reachConsent(server, partner, customers.allTypes);
    const before = await grantRecordCount();
    const refused = await agent.request(interactionUrl(consentPage, 'consent'), {
      form: { csrf: 'not-the-token', decision: 'agree', accounts: offered },
    });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('csrf_token_mismatch');
    expect(refused.html).not.toContain('name="accounts"');
    expect(await grantRecordCount()).toBe(before);

    const missing = await agent.request(interactionUrl(consentPage, 'consent'), {
      form: { decision: 'agree', accounts: offered },
    });
    expect(missing.status).toBe(403);
    expect(missing.html).toContain('csrf_token_mismatch');
    expect(await grantRecordCount()).toBe(before);
  });
});

describe("a partner's display name is text, never markup", () => {
  test('a name containing <script> is rendered escaped on the login and consent pages', async () => {
    const client = await createPartnerClient({
      issuer: server.url,
      clientId: scripted.clientId,
      privateJwk: scripted.privateJwk,
      redirectUri: scripted.redirectUri,
      allowHttp: true,
    });
    const { loginPage, consentPage } = await reachConsent(server, client, customers.allTypes, {
      scope: 'openid offline_access accounts',
      stopAt: scripted.redirectUri,
    });
    for (const page of [loginPage, consentPage]) {
      expect(page.status).toBe(200);
      expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.html).not.toContain('<script>alert');
    }
    expect(consentPage.html).toContain('name="accounts"');
  });
});

describe('what the consent page tells the customer about the partner', () => {
  test('its legal name, 電子決済等代行業者 registration number, contact and privacy policy; read only; a way to /my', async () => {
    const { otpPage, consentPage } = await reachConsent(server, partner, customers.allTypes);
    expect(otpPage.html).toContain('認証アプリをお持ちでない方');
    const html = consentPage.html;
    expect(html).toContain('<dd>株式会社デモかけいぼ（デモ）</dd>');
    expect(html).toContain('<dd>電子決済等代行業者 関東財務局長（電代）第99999号</dd>');
    expect(html).toContain('href="https://demo-kakeibo.example.jp/contact"');
    expect(html).toContain('<a href="tel:0120-000-000">0120-000-000</a>');
    expect(html).toContain('href="https://demo-kakeibo.example.jp/privacy"');
    expect(html).toContain('デモかけいぼのプライバシーポリシー');
    expect(html).toContain('照会のみ（お振込などのお取引はできません）');
    expect(html).toContain('href="/my?lang=ja"');
  });

  test('a partner without legal details in its file shows none of them (and nothing breaks)', async () => {
    const client = await createPartnerClient({
      issuer: server.url,
      clientId: scripted.clientId,
      privateJwk: scripted.privateJwk,
      redirectUri: scripted.redirectUri,
      allowHttp: true,
    });
    const { consentPage } = await reachConsent(server, client, customers.allTypes, {
      scope: 'openid offline_access accounts',
      stopAt: scripted.redirectUri,
    });
    expect(consentPage.status).toBe(200);
    expect(consentPage.html).not.toContain('class="partner-legal"');
  });
});
