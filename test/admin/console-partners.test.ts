import { createPartnerClient } from '../../src/demo-partner/partner-client.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { partnerKeyPair } from '../support/temp-partners.ts';
import { demoStaff, logIn, nextCode, type StaffCredentials } from './support/staff.ts';

/**
 * Partners in the console: which state applies and why (file or stored change), suspending (its
 * tokens answer 401 at once, no new flows) and reinstating (new flows again; ended linkages stay
 * ended), adding and editing definitions through the partner JSON Schema, markup in names.
 */

let server: TestServer;
let admin: StaffCredentials;
beforeAll(async () => {
  server = await startServer();
  const password = 'admin-password-for-tests';
  const added = await server.app.admin.staff.add({
    username: 'test-admin',
    role: 'admin',
    password,
    createdBy: 'test',
  });
  admin = { username: 'test-admin', password, totpSecret: added.totpSecret };
});
afterAll(async () => {
  await server?.close();
});

const dataCall = async (partner: Awaited<ReturnType<typeof partnerFor>>, linked: Awaited<ReturnType<typeof link>>) =>
  (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys)).status;

const newPartnerDefinition = async (clientId: string, name: { ja: string; en: string }) => {
  const keys = await partnerKeyPair(`${clientId}-key`);
  return {
    keys,
    definition: {
      client_id: clientId,
      name,
      redirect_uris: [`https://${clientId}.example/callback`],
      jwks: { keys: [keys.publicJwk] },
      token_endpoint_auth_method: 'private_key_jwt',
      scopes: ['openid', 'offline_access', 'accounts'],
      account_types: ['ordinary'],
    },
  };
};

describe("the partner list and a partner's state", () => {
  test('lists every partner with its state and where its definition comes from', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const page = await staff.get('/admin/partners');
    expect(page.html).toContain('ファイル config/demo/partners/demo-kakeibo.json');
    expect(page.html).toContain('ファイル config/demo/partners/demo-kaikei.json');
    const detail = await staff.get('/admin/partners/demo-kakeibo');
    expect(detail.html).toContain('config/demo/partners/demo-kakeibo.json の定義（状態: 有効）');
    // An auditor changes nothing: no suspend, edit or end-all form.
    expect(detail.html).not.toContain('/suspend"');
    expect(detail.html).not.toContain('/edit"');
  });
});

describe('suspending and reinstating a partner', () => {
  test('suspended: its tokens answer 401 from the next call, refresh fails, no new flow; reinstated: new flows again, ended linkages stay ended', async () => {
    const partner = await partnerFor(server);
    const kept = await link(server, partner, customers.allTypes);
    const ended = await link(server, partner, customers.twoBranches);
    expect(await dataCall(partner, kept)).toBe(200);

    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get('/admin/partners/demo-kakeibo');
    expect(page.html).toContain('この提携先を停止');
    const confirm = await staff.post(
      '/admin/partners/demo-kakeibo/suspend',
      { reason: '指定の一時停止（監督官庁の指示）' },
      page,
    );
    expect(confirm.html).toContain('提携先 デモかけいぼ（demo-kakeibo）を停止します');
    expect(confirm.html).toMatch(/有効な連携 [1-9][0-9]*件のトークンはすぐに使えなくなります/);
    expect(await dataCall(partner, kept)).toBe(200);
    const suspended = await staff.post(
      '/admin/partners/demo-kakeibo/suspend',
      { reason: '指定の一時停止（監督官庁の指示）', confirm: 'yes' },
      confirm,
    );
    expect(suspended.html).toContain('提携先を停止しました');
    expect(suspended.html).toContain('停止中');
    expect(suspended.html).toContain(
      'demo-operator が「停止中」に変更（理由: 指定の一時停止（監督官庁の指示））。保存された変更がファイルより優先されます。',
    );
    expect(suspended.html).toContain('（状態: 有効）');

    const answer = await partner.resource(
      `${server.url}/api/v1/accounts`,
      kept.tokens.access_token,
      kept.pending.dpopKeys,
    );
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('invalid_token');
    await expect(partner.refresh(kept.tokens.refresh_token!, kept.pending.dpopKeys)).rejects.toThrow();
    await expect(partner.startAuthorization({ scope: 'openid accounts' })).rejects.toThrow();
    expect(
      (await server.app.audit.query({ kind: 'admin.partner.suspended', partnerId: 'demo-kakeibo' })).at(-1),
    ).toMatchObject({
      actor: 'demo-operator',
      details: { reason: '指定の一時停止（監督官庁の指示）', before: 'active', after: 'suspended' },
    });

    // While suspended, an operator ends one of its linkages.
    const endedGrant = (
      await server.app.grants.idsOfCustomer(
        (await server.app.coreBanking.customerIdOf({
          branchCode: customers.twoBranches.branch,
          accountType: 'ordinary',
          accountNumber: customers.twoBranches.accountNumber,
        }))!,
      )
    )[0];
    const linkagePage = await staff.get(`/admin/linkages/${endedGrant}`);
    await staff.post(`/admin/linkages/${endedGrant}/end`, { reason: '停止中の整理', confirm: 'yes' }, linkagePage);

    const suspendedPage = await staff.get('/admin/partners/demo-kakeibo');
    expect(suspendedPage.html).toContain('この提携先を再開');
    const reinstated = await staff.post(
      '/admin/partners/demo-kakeibo/reinstate',
      { reason: '指定の再開' },
      suspendedPage,
    );
    expect(reinstated.html).toContain('提携先を再開しました');
    expect(reinstated.html).toContain('「有効」に変更（理由: 指定の再開）');

    const fresh = await link(server, partner, customers.frozenAccount);
    expect(await dataCall(partner, fresh)).toBe(200);
    expect(await dataCall(partner, ended)).toBe(401);
    // A linkage nobody ended was paused, not ended: it works again.
    expect(await dataCall(partner, kept)).toBe(200);
  });

  test('an auditor cannot suspend (403) and the partner stays active', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const page = await staff.get('/admin/partners/demo-kaikei');
    const refused = await staff.post('/admin/partners/demo-kaikei/suspend', { reason: 'x', confirm: 'yes' }, page);
    expect(refused.status).toBe(403);
    expect((await server.app.partners.find('demo-kaikei'))!.partner.status).toBe('active');
  });

  test("ending all of a partner's linkages needs the one-time code again", async () => {
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const linked = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts deposits' });
    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get('/admin/partners/demo-kaikei');
    const refused = await staff.post(
      '/admin/partners/demo-kaikei/end-linkages',
      { reason: '契約終了', confirm: 'yes' },
      page,
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('ワンタイムパスワードが正しくありません');
    expect(await dataCall(kaikei, linked)).toBe(200);
    const done = await staff.post(
      '/admin/partners/demo-kaikei/end-linkages',
      { reason: '契約終了', confirm: 'yes', totp: nextCode(server, demoStaff.operator.totpSecret) },
      refused,
    );
    expect(done.html).toMatch(/[1-9][0-9]*件の連携を終了しました/);
    expect(await server.app.grants.idsOfPartner('demo-kaikei')).toEqual([]);
    expect(await dataCall(kaikei, linked)).toBe(401);
  });
});

/** Decodes the HTML escapes of a value on the page. */
const unescape = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** What a browser would post for the partner form as the page shows it (texts, choices, ticked boxes). */
const formFields = (html: string): Record<string, string | string[]> => {
  const form = /<form[^>]*class="stack partner-form"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: Record<string, string | string[]> = {};
  for (const m of form.matchAll(/<input id="pf-[^"]*" name="([^"]+)" type="(?!checkbox)[^"]*" value="([^"]*)"/g))
    fields[m[1]] = unescape(m[2]);
  for (const m of form.matchAll(/<textarea id="pf-[^"]*" name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[m[1]] = unescape(m[2]);
  for (const m of form.matchAll(/<select id="pf-[^"]*" name="([^"]+)"[\s\S]*?<\/select>/g))
    fields[m[1]] = /<option value="([^"]*)" selected>/.exec(m[0])?.[1] ?? '';
  for (const name of ['scopes', 'accountTypes'])
    fields[name] = [...form.matchAll(new RegExp(`name="${name}" value="([^"]*)" checked`, 'g'))].map((m) => m[1]);
  return fields;
};

/** The partner form's fields for a definition, as an admin would fill them in. */
const fieldsOf = (definition: Awaited<ReturnType<typeof newPartnerDefinition>>['definition']) => ({
  clientId: definition.client_id,
  nameJa: definition.name.ja,
  nameEn: definition.name.en,
  redirectUris: definition.redirect_uris.join('\n'),
  jwks: JSON.stringify(definition.jwks, null, 2),
  tokenEndpointAuthMethod: definition.token_endpoint_auth_method,
  scopes: definition.scopes,
  accountTypes: definition.account_types,
  profile: 'fapi2',
});

describe('adding and editing partners by form (admins only)', () => {
  test('a partner added in the console can start a flow at once; its name, markup and all, is shown escaped', async () => {
    const { keys, definition } = await newPartnerDefinition('markup-partner', {
      ja: '<script>alert("ja")</script>',
      en: '<img src=x onerror=alert(1)>',
    });
    const { staff } = await logIn(server, admin);
    const form = await staff.get('/admin/partners/new');
    expect(form.html).toContain('name="nameJa"');
    expect(form.html).toContain('name="jwks"');
    const saved = await staff.post('/admin/partners', { ...fieldsOf(definition), reason: '新規指定' }, form);
    expect(saved.url).toBe(`${server.url}/admin/partners/markup-partner?done=saved`);
    expect(saved.html).not.toContain('<script>alert');
    expect(saved.html).not.toContain('<img src=x');
    expect(saved.html).toContain('&lt;script&gt;alert(&quot;ja&quot;)&lt;/script&gt;');
    expect(saved.html).toContain('管理画面で追加された提携先（ファイルなし）');
    const list = await staff.get('/admin/partners');
    expect(list.html).toContain('&lt;script&gt;');
    expect(list.html).not.toContain('<script>');
    const en = await staff.get('/admin/partners/markup-partner?lang=en');
    expect(en.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(en.html).not.toContain('<img src=x');
    expect((await server.app.partners.find('markup-partner'))!.partner).toMatchObject({
      ...definition,
      status: 'active',
      profile: 'fapi2',
    });

    const client = await createPartnerClient({
      issuer: server.url,
      clientId: 'markup-partner',
      privateJwk: keys.privateJwk,
      redirectUri: 'https://markup-partner.example/callback',
      allowHttp: true,
    });
    const pending = await client.startAuthorization({ scope: 'openid accounts' });
    expect(pending.authorizationUrl).toContain('request_uri=');
    expect(
      (await server.app.audit.query({ kind: 'admin.partner.added', partnerId: 'markup-partner' })).at(-1),
    ).toMatchObject({ actor: 'test-admin', details: { reason: '新規指定' } });
  });

  test('fields that fail the partner JSON Schema come back in Japanese at each field, values kept, nothing stored', async () => {
    const { staff } = await logIn(server, admin);
    const form = await staff.get('/admin/partners/new');
    const { definition } = await newPartnerDefinition('broken-partner', { ja: '壊れた', en: 'Broken' });
    const refused = await staff.post(
      '/admin/partners',
      {
        ...fieldsOf(definition),
        redirectUris: 'callback-without-scheme',
        scopes: ['accounts', 'admin:write'],
        accountTypes: [],
        grantLifetimeDays: '0',
        registrationNumber: '関東財務局第12号',
        reason: '新規指定',
      },
      form,
    );
    expect(refused.status).toBe(400);
    const html = refused.html;
    expect(html).toContain('リダイレクトURI: https で始まるURLを入力してください');
    expect(html).toContain('許可するスコープ: 選べない値です');
    expect(html).toContain('連携できる科目: 1つ以上選んでください');
    expect(html).toContain('連携の有効期間（日数・任意）: 1以上の整数を入力してください');
    expect(html).toContain('登録番号（電子決済等代行業）: 「関東財務局長（電代）第12号」の形で入力してください');
    // Legal details begun are legal details to finish.
    expect(html).toContain('法人名（日本語）: 入力してください');
    // No English ajv text anywhere.
    expect(html).not.toMatch(/must (be|match|have|NOT)|should|missing required|unknown field/);
    // Next to the field, described and marked invalid; the values as typed.
    expect(html).toMatch(
      /<textarea id="pf-redirectUris" name="redirectUris"[^>]*aria-describedby="pf-redirectUris-note pf-redirectUris-error" aria-invalid="true">callback-without-scheme<\/textarea>/,
    );
    expect(html).toContain('<p class="field-error" id="pf-redirectUris-error">');
    expect(html).toContain('name="nameJa" type="text" value="壊れた"');
    expect(html).toContain('name="clientId" type="text" value="broken-partner"');
    expect(html).toContain('value="新規指定"');
    expect(html).toContain('<a href="#pf-redirectUris">');
    expect(await server.app.partners.find('broken-partner')).toBeUndefined();

    const notJson = await staff.post(
      '/admin/partners',
      { ...fieldsOf(definition), jwks: '{ not json', reason: 'x' },
      form,
    );
    expect(notJson.status).toBe(400);
    expect(notJson.html).toContain('公開鍵（JWKS・JSON）: JSONとして読み取れません');
    expect(notJson.html).toContain('{ not json</textarea>');
    expect(await server.app.partners.find('broken-partner')).toBeUndefined();

    const both = await staff.post(
      '/admin/partners',
      { ...fieldsOf(definition), jwksUri: 'https://broken.example/jwks', reason: 'x' },
      form,
    );
    expect(both.html).toContain(
      '公開鍵のURL（jwks_uri）: 公開鍵（JWKS）と公開鍵のURLは、どちらか一方だけにしてください',
    );
    const noReason = await staff.post('/admin/partners', { ...fieldsOf(definition), reason: ' ' }, form);
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('理由（必須）: 入力してください');
    expect(noReason.html).toContain('name="nameJa" type="text" value="壊れた"');
    expect(await server.app.partners.find('broken-partner')).toBeUndefined();

    const english = await staff.post(
      '/admin/partners?lang=en',
      { ...fieldsOf(definition), redirectUris: 'nope', reason: 'x' },
      await staff.get('/admin/partners/new?lang=en'),
    );
    expect(english.html).toContain('Redirect URIs: enter a URL starting with https');
  });

  test("an internal client's id cannot be taken by a partner, nor an existing partner's", async () => {
    const { staff } = await logIn(server, admin);
    const form = await staff.get('/admin/partners/new');
    const { definition } = await newPartnerDefinition('bank-admin-system', { ja: '偽', en: 'Fake' });
    const refused = await staff.post('/admin/partners', { ...fieldsOf(definition), reason: 'x' }, form);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('クライアントID: 当組合の内部システムのクライアントIDです');
    expect(await server.app.partners.find('bank-admin-system')).toBeUndefined();
    const taken = await staff.post(
      '/admin/partners',
      { ...fieldsOf({ ...definition, client_id: 'demo-kakeibo' }), reason: 'x' },
      form,
    );
    expect(taken.status).toBe(409);
    expect(taken.html).toContain('クライアントID: このクライアントIDの提携先はすでにあります');
  });

  test('an admin edits a file-defined partner: the form holds its definition, the stored one wins and the page says so', async () => {
    const before = (await server.app.partners.find('demo-kaikei'))!.partner;
    const { staff } = await logIn(server, admin);
    const edit = await staff.get('/admin/partners/demo-kaikei/edit');
    expect(edit.html).not.toContain('name="clientId"');
    const fields = formFields(edit.html);
    expect(fields).toMatchObject({ nameJa: before.name.ja, grantLifetimeDays: '30', scopes: before.scopes });
    const saved = await staff.post(
      '/admin/partners/demo-kaikei',
      { ...fields, nameJa: 'デモ会計クラウド（新）', reason: '名称変更の届出' },
      edit,
    );
    expect(saved.html).toContain('提携先の定義を保存しました');
    expect(saved.html).toContain('デモ会計クラウド（新）');
    expect(saved.html).toContain('test-admin が定義を保存（理由: 名称変更の届出）');
    expect(saved.html).toContain('config/demo/partners/demo-kaikei.json の定義');
    // Everything but the name as it was: the form round-trips the definition.
    expect((await server.app.partners.find('demo-kaikei'))!.partner).toEqual({
      ...before,
      name: { ...before.name, ja: 'デモ会計クラウド（新）' },
    });
  });

  test('an operator cannot add or edit partners (403, and no link to)', async () => {
    const { staff } = await logIn(server, demoStaff.operator);
    expect((await staff.get('/admin/partners')).html).not.toContain('/admin/partners/new');
    expect((await staff.get('/admin/partners/demo-kaikei')).html).not.toContain('/edit"');
    expect((await staff.get('/admin/partners/new')).status).toBe(403);
    const page = await staff.get('/admin/partners/demo-kaikei');
    const { definition } = await newPartnerDefinition('operator-partner', { ja: 'x', en: 'x' });
    expect((await staff.post('/admin/partners', { ...fieldsOf(definition), reason: 'x' }, page)).status).toBe(403);
    expect(await server.app.partners.find('operator-partner')).toBeUndefined();
  });
});

describe('removing a partner from the console', () => {
  test('only an admin sees the form; with the one-time code again, the partner is gone and all its linkages ended', async () => {
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const linked = await link(server, kaikei, customers.twoBranches, { scope: 'offline_access accounts' });

    const { staff: operator } = await logIn(server, demoStaff.operator);
    expect((await operator.get('/admin/partners/demo-kaikei')).html).not.toContain('/remove"');

    const { staff } = await logIn(server, admin);
    const page = await staff.get('/admin/partners/demo-kaikei');
    expect(page.html).toContain('この提携先を削除');
    const confirm = await staff.post('/admin/partners/demo-kaikei/remove', { reason: '指定取消' }, page);
    expect(confirm.html).toMatch(/提携先 デモ会計クラウド[^<]*（demo-kaikei）を削除し、有効な連携 1件を終了します/);
    const refused = await staff.post(
      '/admin/partners/demo-kaikei/remove',
      { reason: '指定取消', confirm: 'yes', totp: '000000' },
      confirm,
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('ワンタイムパスワードが正しくありません');
    expect(await dataCall(kaikei, linked)).toBe(200);

    const done = await staff.post(
      '/admin/partners/demo-kaikei/remove',
      { reason: '指定取消', confirm: 'yes', totp: nextCode(server, admin.totpSecret) },
      refused,
    );
    expect(done.status).toBe(200);
    expect(done.url).toContain('/admin/partners?done=partner_removed');
    expect(done.html).toContain('提携先を削除し、1件の連携を終了しました。');
    expect(await dataCall(kaikei, linked)).toBe(401);
    expect((await staff.get('/admin/partners/demo-kaikei')).status).toBe(404);
  });
});
