import * as oauth from 'oauth4webapi';
import type { ServiceStatus } from '../../src/availability/index.ts';
import type { PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { partnerFor } from '../support/linkage.ts';
import { openApiValidator } from '../support/openapi.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * The shipped demo calendar (config/calendar.json) on a server whose clock is set to the moment
 * each test needs (JST), whatever the real time of day.
 */
const jst = (moment: string) => Date.parse(`${moment}+09:00`);

let server: TestServer;
let partner: PartnerClient;
let api: ReturnType<typeof openApiValidator>;

beforeAll(async () => {
  server = await startServer({
    env: { CALENDAR_FILE: 'config/calendar.json' },
    clock: new ManualClock(jst('2026-12-01T06:59:00')),
  });
  partner = await partnerFor(server);
  api = openApiValidator(
    (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Parameters<typeof openApiValidator>[0],
  );
});
afterAll(async () => {
  await server.close();
});

const startFlow = async (params: { ui_locales?: string } = {}) => {
  const pending = await partner.startAuthorization({ scope: 'openid accounts', ...params });
  const agent = new CustomerAgent(`${server.url}/demo/callback`);
  return { pending, agent, page: await agent.request(pending.authorizationUrl) };
};

describe('API連携認証 outside its hours (2026-12-01, Tuesday, 06:59 JST)', () => {
  beforeEach(() => server.clock.set(jst('2026-12-01T06:59:00')));

  test('the customer sees that it is closed and when it opens again, in Japanese', async () => {
    const { page } = await startFlow();
    expect(page.status).toBe(503);
    expect(page.url).toMatch(/\/interaction\/[^/]+$/);
    expect(page.headers.get('retry-after')).toBe('60');
    expect(page.html).toContain('<h1>ただいまお手続きいただけません</h1>');
    expect(page.html).toContain('ただいまAPI連携認証の受付時間外です。');
    expect(page.html).toContain('2026年12月1日（火） 07:00から受け付けます。');
    expect(page.html).toContain('href="/service-hours?lang=ja"');
    expect(page.html).not.toContain('name="pin"');
  });

  test("and in English through the page's switch", async () => {
    const { agent, page } = await startFlow();
    const english = await agent.request(`${page.url}?lang=en`);
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('Linkage authorization is outside its service hours right now.');
    expect(english.html).toContain('It opens again at Tue 1 Dec 2026, 07:00 (Japan time).');
    expect(english.html).toContain('Return to Demo Kakeibo');
  });

  test('the button returns to the partner, which receives temporarily_unavailable at its redirect URI', async () => {
    const { pending, agent, page } = await startFlow();
    const back = await agent.request(`${page.url}/abort`, { form: { csrf: CustomerAgent.field(page.html, 'csrf') } });
    expect(back.url.startsWith(`${server.url}/demo/callback?`)).toBe(true);
    const error = await partner.exchangeCode(back.url, pending).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((error as oauth.AuthorizationResponseError).error).toBe('temporarily_unavailable');
    expect((error as oauth.AuthorizationResponseError).error_description).toBe(
      'Linkage authorization is closed now (outside_hours); it opens again at 2026-12-01T07:00:00+09:00.',
    );
  });

  test('a form posted while closed does nothing but show the closed page', async () => {
    const { agent, page } = await startFlow();
    const posted = await agent.request(`${page.url}/login`, {
      form: {
        csrf: CustomerAgent.field(page.html, 'csrf'),
        branch: '001',
        accountType: 'ordinary',
        accountNumber: '1012345',
        pin: '2580',
      },
    });
    expect(posted.status).toBe(503);
    expect(posted.html).toContain('2026年12月1日（火） 07:00から受け付けます。');
  });

  test('at 07:00 the same interaction shows the login page', async () => {
    const { agent, page } = await startFlow();
    server.clock.set(jst('2026-12-01T07:00:00'));
    const reopened = await agent.request(page.url);
    expect(reopened.status).toBe(200);
    expect(reopened.html).toContain('name="pin"');
  });

  test("an invalid authorization request still gets oidc-provider's error page, never a redirect", async () => {
    const unknownRequestUri = await fetch(
      `${server.url}/auth?client_id=demo-kakeibo` +
        `&request_uri=${encodeURIComponent('urn:ietf:params:oauth:request_uri:no-such-request')}`,
      { redirect: 'manual' },
    );
    expect(unknownRequestUri.status).toBe(400);
    expect(unknownRequestUri.headers.get('location')).toBeNull();
    expect(await unknownRequestUri.text()).toContain('エラーが発生しました');

    const foreignRedirect = new URL(`${server.url}/auth`);
    for (const [k, v] of Object.entries({
      client_id: 'demo-kakeibo',
      response_type: 'code',
      scope: 'openid accounts',
      redirect_uri: 'https://attacker.example/cb',
      state: 'x',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }))
      foreignRedirect.searchParams.set(k, v);
    const res = await fetch(foreignRedirect, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).not.toContain('attacker.example');
  });
});

describe('the data API outside its hours', () => {
  const closedCall = async (headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/api/v1/accounts`, { headers: { accept: 'application/json', ...headers } });
    const body = await res.json();
    api.check('/accounts', res.status, body);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
  };

  test('at 03:05 JST (daily maintenance): 503 service_closed, Retry-After 600, whatever the token', async () => {
    server.clock.set(jst('2026-12-01T03:05:00'));
    const expected = {
      status: 503,
      retryAfter: '600',
      body: {
        errorCode: 'service_closed',
        errorMessage: 'The data API is closed now (maintenance); it opens again at 2026-12-01T03:15:00+09:00.',
      },
    };
    expect(await closedCall({ authorization: 'DPoP not-a-real-token' })).toEqual(expected);
    expect(await closedCall({})).toEqual(expected);
  });

  test('on the 2nd Sunday at 22:30 JST it opens on Monday at 06:00: 27000 seconds', async () => {
    server.clock.set(jst('2026-12-13T22:30:00'));
    expect(await closedCall({ authorization: 'DPoP not-a-real-token' })).toMatchObject({
      status: 503,
      retryAfter: '27000',
      body: { errorCode: 'service_closed' },
    });
  });

  test('at 03:15 it is open again: the token is what counts', async () => {
    server.clock.set(jst('2026-12-01T03:15:00'));
    expect(await closedCall({ authorization: 'DPoP not-a-real-token' })).toMatchObject({
      status: 401,
      body: { errorCode: 'invalid_token' },
    });
  });
});

describe('GET /api/v1/service-status (no token)', () => {
  /** Every maintenance window of the demo calendar in the 30 days from 2026-12-01 (JST). */
  const expectedMaintenance = () => {
    const windows: { kind: string; surfaces: string[]; from: string; to: string }[] = [];
    const surfaces = ['authorization', 'data_api', 'my_page'];
    for (let day = 1; day <= 30; day += 1) {
      const date = `2026-12-${String(day).padStart(2, '0')}`;
      windows.push({ kind: 'maintenance', surfaces, from: `${date}T03:00:00+09:00`, to: `${date}T03:15:00+09:00` });
      // 2nd and 4th Sunday nights
      if (day === 13 || day === 27)
        windows.push({
          kind: 'maintenance',
          surfaces,
          from: `${date}T22:00:00+09:00`,
          to: `2026-12-${day + 1}T06:00:00+09:00`,
        });
    }
    return windows;
  };

  test('validates against the OpenAPI document and lists the maintenance windows of the next 30 days', async () => {
    server.clock.set(jst('2026-12-01T06:59:00'));
    const res = await fetch(`${server.url}/api/v1/service-status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as ServiceStatus;
    api.check('/service-status', 200, body);
    expect(body.now).toBe('2026-12-01T06:59:00+09:00');
    expect(body.surfaces).toEqual({
      authorization: {
        open: false,
        cause: 'calendar',
        reason: 'outside_hours',
        nextChange: '2026-12-01T07:00:00+09:00',
      },
      data_api: { open: true, nextChange: '2026-12-02T03:00:00+09:00' },
      token_refresh: { open: true },
      my_page: { open: false, cause: 'calendar', reason: 'outside_hours', nextChange: '2026-12-01T07:00:00+09:00' },
    });
    expect(body.schedule.from).toBe('2026-12-01T00:00:00+09:00');
    expect(body.schedule.to).toBe('2026-12-31T00:00:00+09:00');
    expect(body.schedule.days).toHaveLength(30);
    expect(body.schedule.closures).toEqual(expectedMaintenance());
    expect(body.restrictions).toEqual([]);
  });

  test("shows restrictions of the service or a surface with their message, never one partner's", async () => {
    const { availability } = server.app;
    const message = { ja: '本日は臨時休止します。', en: 'Closed today.' };
    const surface = await availability.restrictions.set({
      scope: { kind: 'surface', surface: 'data_api' },
      message,
      until: server.clock.now() + 3_600_000,
      setBy: 'op',
      reason: 'test',
    });
    const partnerOnly = await availability.restrictions.set({
      scope: { kind: 'partner', partnerId: 'demo-kaikei' },
      message: { ja: '秘密', en: 'Private' },
      setBy: 'op',
      reason: 'test',
    });
    try {
      const body = (await (await fetch(`${server.url}/api/v1/service-status`)).json()) as ServiceStatus;
      api.check('/service-status', 200, body);
      expect(body.restrictions).toEqual([
        { scope: { kind: 'surface', surface: 'data_api' }, message, until: '2026-12-01T07:59:00+09:00' },
      ]);
      expect(body.surfaces.data_api).toEqual({
        open: false,
        cause: 'restriction',
        reason: 'surface',
        nextChange: '2026-12-01T07:59:00+09:00',
      });
    } finally {
      await availability.restrictions.lift(surface.id, 'op');
      await availability.restrictions.lift(partnerOnly.id, 'op');
    }
  });
  test("an operator's one-off window shows among the closures, with its reason, in the JSON and on the page", async () => {
    server.clock.set(jst('2026-12-01T06:59:00'));
    const window = {
      id: 'core-upgrade',
      surfaces: ['authorization' as const, 'data_api' as const],
      from: '2026-12-05T01:00:00+09:00',
      to: '2026-12-05T05:00:00+09:00',
      reason: '勘定系システムの更新',
    };
    await server.app.availability.oneOffWindows.add(window);
    try {
      const body = (await (await fetch(`${server.url}/api/v1/service-status`)).json()) as ServiceStatus;
      api.check('/service-status', 200, body);
      expect(body.schedule.closures.filter((c) => c.kind === 'one_off')).toEqual([{ kind: 'one_off', ...window }]);
      const page = await (await fetch(`${server.url}/service-hours`)).text();
      expect(page).toContain(
        '<strong>臨時の休止（勘定系システムの更新）</strong>：2026年12月5日（土） 01:00 – 2026年12月5日（土） 05:00',
      );
    } finally {
      await server.app.availability.oneOffWindows.remove(window.id);
    }
  });
});

describe('the public page /service-hours', () => {
  test('the same schedule for customers, in Japanese first and in English', async () => {
    server.clock.set(jst('2026-12-01T06:59:00'));
    const ja = await (await fetch(`${server.url}/service-hours`)).text();
    expect(ja).toContain('<h1>サービス時間帯</h1>');
    expect(ja).toContain(
      'API連携認証（口座を連携するお手続き）：<strong>休止中です（2026年12月1日（火） 07:00から再開）</strong>',
    );
    expect(ja).toContain(
      '<strong>システムメンテナンス</strong>：2026年12月13日（日） 22:00 – 2026年12月14日（月） 06:00',
    );
    expect(ja).toContain('<th scope="row">12月13日（日）</th><td>09:00–17:00</td><td>00:00–03:00, 03:15–22:00</td>');
    const en = await (await fetch(`${server.url}/service-hours?lang=en`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(
      'Linkage authorization (linking your accounts): <strong>Closed (opens at Tue 1 Dec 2026, 07:00)</strong>',
    );
    expect(en).toContain('<th scope="row">Sun 13 Dec</th><td>09:00–17:00</td><td>00:00–03:00, 03:15–22:00</td>');
  });

  test('a window that recurs every day is one line, not one per day', async () => {
    server.clock.set(jst('2026-12-01T06:59:00'));
    const ja = await (await fetch(`${server.url}/service-hours`)).text();
    const closures = ja.slice(ja.indexOf('id="h-closures"'), ja.indexOf('id="h-days"'));
    expect(closures.match(/毎日 03:00–03:15/g)).toHaveLength(1);
    expect(closures).not.toContain('2026年12月2日（水） 03:00');
    // The 2nd and 4th Sunday nights keep their dates; the daily line comes first.
    expect(closures.match(/<li>/g)).toHaveLength(3);
    expect(closures.indexOf('毎日')).toBeLessThan(closures.indexOf('2026年12月13日（日） 22:00'));
    const en = await (await fetch(`${server.url}/service-hours?lang=en`)).text();
    expect(en).toContain('<strong>System maintenance</strong>: Every day, 03:00–03:15');
  });
});
