import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { insecure, privateKeyJwt } from '../support/internal-clients.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { openApiValidator } from '../support/openapi.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * Terms 7.3 on two server processes sharing one Redis (two in-process servers, as two instances
 * of a deployment): a restriction set on one takes effect on the other within a second.
 */
const MESSAGE = { ja: 'デモかけいぼとの連携を一時停止しています。', en: 'Linking with Demo Kakeibo is paused.' };
const OPERATOR = { setBy: 'operator-1', reason: 'partner incident' };

let a: TestServer;
let b: TestServer;
let kakeibo: PartnerClient;
let kaikei: PartnerClient;
let kakeiboLink: Awaited<ReturnType<typeof link>>;
let kaikeiLink: Awaited<ReturnType<typeof link>>;
let api: ReturnType<typeof openApiValidator>;

beforeAll(async () => {
  const env = { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_KEY_PREFIX: `test-availability-${randomUUID()}:` };
  // One clock for both, as two instances share the real time.
  const clock = new ManualClock(Date.now());
  [a, b] = await Promise.all([startServer({ env, clock }), startServer({ env, clock })]);
  expect(a.app.store.kind).toBe('redis');
  [kakeibo, kaikei] = await Promise.all([partnerFor(b, 'demo-kakeibo'), partnerFor(b, 'demo-kaikei')]);
  kakeiboLink = await link(b, kakeibo, customers.allTypes);
  kaikeiLink = await link(b, kaikei, customers.twoBranches, { scope: 'offline_access accounts deposits' });
  api = openApiValidator(
    (await (await fetch(`${b.url}/api/v1/openapi.json`)).json()) as Parameters<typeof openApiValidator>[0],
  );
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/**
 * Real waiting, the one place it cannot be avoided: another process learns of the change through
 * Redis. Polls every 20 ms and answers how long it took, giving up after 1.5 s.
 */
const within = async (condition: () => boolean): Promise<number> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 1500) throw new Error('the change did not arrive within 1.5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
};

const dataCall = async (partner: PartnerClient, linked: Awaited<ReturnType<typeof link>>) => {
  const res = await partner.resource(`${b.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys);
  const body = await res.json();
  api.check('/accounts', res.status, body);
  return {
    status: res.status,
    body: body as { errorCode?: string; errorMessage?: string },
    retryAfter: res.headers.get('retry-after'),
  };
};

/**
 * A refresh request as oauth4webapi sends it, answered as it comes: oauth4webapi reads an OAuth
 * error body only from a 4xx response, and this one is a 503.
 */
const refreshResponse = async (partner: PartnerClient, clientId: string, linked: Awaited<ReturnType<typeof link>>) => {
  const res = await oauth.refreshTokenGrantRequest(
    partner.as,
    partner.client,
    await privateKeyJwt(clientId),
    linked.tokens.refresh_token!,
    { ...insecure, DPoP: partner.dpop(linked.pending.dpopKeys) },
  );
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    cacheControl: res.headers.get('cache-control'),
    body: (await res.json()) as Record<string, unknown>,
  };
};

const authorizationPage = async (partner: PartnerClient) => {
  b.clock.advance(31_000);
  const pending = await partner.startAuthorization({ scope: 'accounts' });
  const agent = new CustomerAgent(`${b.url}/demo/callback`);
  return { pending, agent, page: await agent.request(pending.authorizationUrl) };
};

describe('a restriction of one partner, set on instance A, applies on instance B', () => {
  let restrictionId: string;

  test('B sees it within one second', async () => {
    const restriction = await a.app.availability.restrictions.set({
      scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
      message: MESSAGE,
      ...OPERATOR,
    });
    restrictionId = restriction.id;
    expect(a.app.availability.check('authorization', 'demo-kakeibo').open).toBe(false); // at once where it was set
    expect(await within(() => !b.app.availability.check('authorization', 'demo-kakeibo').open)).toBeLessThanOrEqual(
      1000,
    );
  });

  test('on B its authorization attempts get the closed page with the message, and it receives temporarily_unavailable', async () => {
    const { pending, agent, page } = await authorizationPage(kakeibo);
    expect(page.status).toBe(503);
    expect(page.html).toContain(MESSAGE.ja);
    expect(page.html).not.toContain('name="pin"');
    expect(page.html).toContain('デモかけいぼに戻る');
    const back = await agent.request(`${new URL(page.url).origin}${new URL(page.url).pathname}/abort`, {
      form: { csrf: CustomerAgent.field(page.html, 'csrf') },
    });
    expect(back.url).toContain('/demo/callback');
    const error = await kakeibo.exchangeCode(back.url, pending).then(
      () => undefined,
      (e: unknown) => e as oauth.AuthorizationResponseError,
    );
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect(error?.error).toBe('temporarily_unavailable');
    expect(error?.error_description).toBe(MESSAGE.en);
  });

  test('on B its data calls answer 503 with the message; without an end there is no Retry-After', async () => {
    const call = await dataCall(kakeibo, kakeiboLink);
    expect(call).toEqual({
      status: 503,
      body: { errorCode: 'temporarily_unavailable', errorMessage: MESSAGE.ja },
      retryAfter: null,
    });
  });

  test('other partners are not affected', async () => {
    expect((await dataCall(kaikei, kaikeiLink)).status).toBe(200);
    const { page } = await authorizationPage(kaikei);
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="pin"');
  });

  test('lifting it on A restores both on B', async () => {
    expect(await a.app.availability.restrictions.lift(restrictionId, 'operator-2')).toBe(true);
    expect(await within(() => b.app.availability.check('data_api', 'demo-kakeibo').open)).toBeLessThanOrEqual(1000);
    expect((await dataCall(kakeibo, kakeiboLink)).status).toBe(200);
    const { page } = await authorizationPage(kakeibo);
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="pin"');
  });
});

describe('a whole-service restriction', () => {
  let restrictionId: string;
  let end: number;

  beforeAll(async () => {
    end = a.clock.now() + 3_600_000;
    restrictionId = (
      await a.app.availability.restrictions.set({
        scope: { kind: 'service' },
        message: MESSAGE,
        until: end,
        ...OPERATOR,
      })
    ).id;
    await within(() => !b.app.availability.check('data_api').open);
  });
  afterAll(async () => {
    await a.app.availability.restrictions.lift(restrictionId, 'operator-1');
  });

  test('data calls of every partner answer 503 with Retry-After until its end', async () => {
    for (const [partner, linked] of [
      [kakeibo, kakeiboLink],
      [kaikei, kaikeiLink],
    ] as const) {
      const call = await dataCall(partner, linked);
      expect(call.status).toBe(503);
      expect(call.body.errorCode).toBe('temporarily_unavailable');
      expect(call.retryAfter).toBe(String(Math.ceil((end - b.clock.now()) / 1000)));
    }
  });

  test('even a bad token gets the 503, not a 401: closed comes first', async () => {
    const res = await fetch(`${b.url}/api/v1/accounts`, {
      headers: { authorization: 'DPoP not-a-token', accept: 'application/json' },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ errorCode: 'temporarily_unavailable', errorMessage: MESSAGE.ja });
  });

  test("a partner's refresh answers 503 temporarily_unavailable with Retry-After", async () => {
    const answer = await refreshResponse(kakeibo, 'demo-kakeibo', kakeiboLink);
    expect(answer).toEqual({
      status: 503,
      retryAfter: String(Math.ceil((end - b.clock.now()) / 1000)),
      cacheControl: 'no-store',
      body: { error: 'temporarily_unavailable', error_description: MESSAGE.en },
    });
  });

  test('the admin paths are outside the gate, and an internal client still gets its client-credentials token', async () => {
    const admin = await fetch(`${b.url}/admin/api/v1/restrictions`, { headers: { accept: 'application/json' } });
    expect(admin.status).not.toBe(503);
    const as = await oauth.processDiscoveryResponse(
      new URL(b.url),
      await oauth.discoveryRequest(new URL(b.url), insecure),
    );
    const client = { client_id: 'bank-admin-system' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      await privateKeyJwt('bank-admin-system'),
      { scope: 'admin:write', resource: `${b.url}/admin/api/v1` },
      insecure,
    );
    expect(response.status).toBe(200);
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens.access_token).toEqual(expect.any(String));
  });
});

describe('token refresh closed by the calendar', () => {
  test('a one-off window on token_refresh, added on A: B answers 503 until the window ends, then refreshes', async () => {
    const end = a.clock.now() + 600_000;
    const window = {
      id: `refresh-${randomUUID()}`,
      surfaces: ['token_refresh' as const],
      from: new Date(a.clock.now() - 60_000).toISOString(),
      to: new Date(end).toISOString(),
      reason: 'key rotation',
    };
    await a.app.availability.oneOffWindows.add(window);
    await within(() => !b.app.availability.check('token_refresh').open);
    const answer = await refreshResponse(kaikei, 'demo-kaikei', kaikeiLink);
    expect(answer).toMatchObject({
      status: 503,
      retryAfter: String(Math.ceil((end - b.clock.now()) / 1000)),
      body: { error: 'temporarily_unavailable' },
    });
    expect(answer.body.error_description).toContain('Token refresh is closed now (one_off)');
    // Other grants are not refresh: the data API (not in the window) still answers.
    expect((await dataCall(kaikei, kaikeiLink)).status).toBe(200);
    expect(await a.app.availability.oneOffWindows.remove(window.id)).toBe(true);
    await within(() => b.app.availability.check('token_refresh').open);
    const refreshed = await kaikei.refresh(kaikeiLink.tokens.refresh_token!, kaikeiLink.pending.dpopKeys);
    expect(refreshed.access_token).toEqual(expect.any(String));
  });
});
