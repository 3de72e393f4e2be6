import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { adminApi, requestAdminToken } from './support/admin-api.ts';
import { demoStaff, logIn, nextCode } from './support/staff.ts';

/**
 * Service restrictions in the console (terms 7.3): one partner, one surface or the whole service,
 * with a message customers and partners see; lifting. The console and the admin API keep working
 * under a whole-service restriction, which needs the one-time code again.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const restrictionId = (html: string) => /action="\/admin\/service\/restrictions\/([^"/]+)\/lift"/.exec(html)?.[1];

describe('a restriction of one partner', () => {
  test('its data calls answer 503 with the message and its customers get a closed page; other partners are unaffected; lifting restores both', async () => {
    const kakeibo = await partnerFor(server);
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const restricted = await link(server, kakeibo, customers.allTypes);
    const other = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts deposits' });

    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get('/admin/service');
    expect(page.html).toContain('適用中の制限はありません');
    const set = await staff.post(
      '/admin/service/restrictions',
      {
        scopeKind: 'partner',
        partnerId: 'demo-kakeibo',
        surface: 'data_api',
        messageJa: '不正アクセス調査のため一時停止しています',
        messageEn: 'Paused while we investigate unauthorised access',
        reason: '調査',
        confirm: 'yes',
      },
      page,
    );
    expect(set.url).toBe(`${server.url}/admin/service?done=restricted`);
    expect(set.html).toContain('不正アクセス調査のため一時停止しています');
    expect(set.html).toContain('デモかけいぼ');
    const id = restrictionId(set.html)!;
    expect(id).toBeDefined();

    const refused = await kakeibo.resource(
      `${server.url}/api/v1/accounts`,
      restricted.tokens.access_token,
      restricted.pending.dpopKeys,
    );
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { errorMessage: string }).errorMessage).toContain(
      '不正アクセス調査のため一時停止しています',
    );
    expect(
      (await kaikei.resource(`${server.url}/api/v1/accounts`, other.tokens.access_token, other.pending.dpopKeys))
        .status,
    ).toBe(200);
    server.clock.advance(31_000);
    const pending = await kakeibo.startAuthorization({ scope: 'openid accounts' });
    const closed = await new CustomerAgent(`${server.url}/demo/callback`).request(pending.authorizationUrl);
    expect(closed.status).toBe(503);
    expect(closed.html).toContain('不正アクセス調査のため一時停止しています');
    expect(
      (await server.app.audit.query({ kind: 'admin.restriction.set', partnerId: 'demo-kakeibo' })).at(-1),
    ).toMatchObject({
      actor: 'demo-operator',
      details: { reason: '調査', restrictionId: id, scope: { kind: 'partner', partnerId: 'demo-kakeibo' } },
    });

    const lifted = await staff.post(`/admin/service/restrictions/${id}/lift`, { reason: '調査完了' }, set);
    expect(lifted.html).toContain('制限を解除しました');
    expect(lifted.html).toContain('適用中の制限はありません');
    expect(
      (
        await kakeibo.resource(
          `${server.url}/api/v1/accounts`,
          restricted.tokens.access_token,
          restricted.pending.dpopKeys,
        )
      ).status,
    ).toBe(200);
    expect((await server.app.audit.query({ kind: 'admin.restriction.lifted' })).at(-1)).toMatchObject({
      actor: 'demo-operator',
      details: { reason: '調査完了', restrictionId: id },
    });
  });
});

describe('a restriction of the whole service', () => {
  test("needs the one-time code again; under it the console, the admin API and internal clients' tokens keep working", async () => {
    const kakeibo = await partnerFor(server);
    const linked = await link(server, kakeibo, customers.twoBranches);
    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get('/admin/service');
    const form = {
      scopeKind: 'service',
      messageJa: '緊急メンテナンス中です',
      messageEn: 'Emergency maintenance',
      reason: '障害対応',
    };

    const confirm = await staff.post('/admin/service/restrictions', form, page);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('サービス全体を停止します');
    expect(confirm.html).toContain('緊急メンテナンス中です');
    expect(confirm.html).toContain('name="totp"');
    expect(await server.app.availability.restrictions.list()).toEqual([]);

    const withoutCode = await staff.post('/admin/service/restrictions', { ...form, confirm: 'yes', totp: '' }, confirm);
    expect(withoutCode.status).toBe(400);
    expect(withoutCode.html).toContain('ワンタイムパスワードが正しくありません');
    // The form is kept on the confirmation page: only the code is typed again.
    expect(withoutCode.html).toContain('name="messageJa" value="緊急メンテナンス中です"');
    expect(withoutCode.html).toContain('name="reason" value="障害対応"');
    expect(await server.app.availability.restrictions.list()).toEqual([]);

    const set = await staff.post(
      '/admin/service/restrictions',
      { ...form, confirm: 'yes', totp: nextCode(server, demoStaff.operator.totpSecret) },
      withoutCode,
    );
    expect(set.url).toBe(`${server.url}/admin/service?done=restricted`);
    expect(set.html).toContain('サービス全体');
    expect(
      (await kakeibo.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(503);

    expect((await staff.get('/admin/partners')).status).toBe(200);
    const token = await requestAdminToken(server);
    const listed = await adminApi(server, token.access_token)('GET', '/restrictions');
    expect(listed.status).toBe(200);
    expect(listed.body.restrictions).toHaveLength(1);

    const id = restrictionId(set.html)!;
    const lifted = await staff.post(`/admin/service/restrictions/${id}/lift`, { reason: '復旧' }, set);
    expect(lifted.status).toBe(200);
    expect(
      (await kakeibo.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(200);
  });
});

describe('a restriction of one surface', () => {
  test("the data API restricted: every partner's data call answers 503 until it is lifted", async () => {
    const kakeibo = await partnerFor(server);
    const linked = await link(server, kakeibo, customers.allTypes);
    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get('/admin/service');
    const set = await staff.post(
      '/admin/service/restrictions',
      {
        scopeKind: 'surface',
        surface: 'data_api',
        messageJa: 'データ提供を停止中',
        messageEn: 'Data API paused',
        reason: 'x',
        confirm: 'yes',
      },
      page,
    );
    expect(set.html).toContain('データAPI');
    expect(
      (await kakeibo.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(503);
    await staff.post(`/admin/service/restrictions/${restrictionId(set.html)}/lift`, { reason: 'y' }, set);
    expect(
      (await kakeibo.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(200);
  });

  test('an end in the past, or a message missing, is refused with 400 and nothing is set', async () => {
    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get('/admin/service');
    const past = await staff.post(
      '/admin/service/restrictions',
      {
        scopeKind: 'surface',
        surface: 'authorization',
        messageJa: 'a',
        messageEn: 'b',
        reason: 'x',
        until: '2001-01-01T09:00',
        confirm: 'yes',
      },
      page,
    );
    expect(past.status).toBe(400);
    const noMessage = await staff.post(
      '/admin/service/restrictions',
      { scopeKind: 'surface', surface: 'authorization', messageJa: 'a', reason: 'x' },
      page,
    );
    expect(noMessage.status).toBe(400);
    expect(noMessage.html).toContain('入力内容に誤りがあります');
    expect(await server.app.availability.restrictions.list()).toEqual([]);
  });
});

describe('roles', () => {
  test('an auditor sees the restrictions but no form, and a post answers 403', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const page = await staff.get('/admin/service');
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('action="/admin/service/restrictions"');
    const refused = await staff.post(
      '/admin/service/restrictions',
      { scopeKind: 'surface', surface: 'data_api', messageJa: 'a', messageEn: 'b', reason: 'x', confirm: 'yes' },
      page,
    );
    expect(refused.status).toBe(403);
    expect(await server.app.availability.restrictions.list()).toEqual([]);
  });
});

describe('one-off maintenance windows in the console', () => {
  test('an operator adds one (Japan time), the data API closes in it and the public status lists it; an auditor sees it without forms; removing it reopens', async () => {
    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get('/admin/service');
    expect(page.html).toContain('臨時の停止時間帯（計画メンテナンス）');
    const jstLocal = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 16);
    const from = Math.ceil((server.clock.now() + 120_000) / 60_000) * 60_000;
    const form = {
      id: 'db-maintenance',
      surfaces: ['data_api'],
      from: jstLocal(from),
      to: jstLocal(from + 3600_000),
      reason: 'DB保守',
    };

    const backwards = await staff.post(
      '/admin/service/maintenance-windows',
      { ...form, from: form.to, to: form.from },
      page,
    );
    expect(backwards.status).toBe(400);
    const none = await staff.post('/admin/service/maintenance-windows', { ...form, surfaces: [] }, page);
    expect(none.status).toBe(400);

    const done = await staff.post('/admin/service/maintenance-windows', form, page);
    expect(done.url).toContain('done=window_added');
    expect(done.html).toContain('db-maintenance');
    expect(done.html).toContain(`${form.from}:00+09:00`);
    expect(await (await fetch(`${server.url}/api/v1/service-status`)).text()).toContain(`${form.from}:00+09:00`);

    server.clock.set(from + 60_000);
    expect((await fetch(`${server.url}/api/v1/accounts`)).status).toBe(503);

    const { staff: auditor } = await logIn(server, demoStaff.auditor);
    const seen = await auditor.get('/admin/service');
    expect(seen.html).toContain('db-maintenance');
    expect(seen.html).not.toContain('/admin/service/maintenance-windows"');

    const removed = await staff.post(
      '/admin/service/maintenance-windows/db-maintenance/remove',
      { reason: '延期' },
      done,
    );
    expect(removed.url).toContain('done=window_removed');
    expect((await fetch(`${server.url}/api/v1/accounts`)).status).toBe(401);
  });
});
