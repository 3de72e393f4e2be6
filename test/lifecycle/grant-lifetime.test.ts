import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grantLifetimeSeconds } from '../../src/protocol/lifetimes.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { introspector } from '../support/internal-clients.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

const DAY = 86400;
const dataCall = async (
  server: TestServer,
  partner: Awaited<ReturnType<typeof partnerFor>>,
  linked: Awaited<ReturnType<typeof link>>,
) =>
  (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys)).status;

describe('the linkage has an absolute lifetime (terms 4.1)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  test("at the grant's end, refresh fails with reauthorization_required and the data API answers 401", async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    expect(await dataCall(server, partner, linked)).toBe(200);

    server.clock.advance(89 * DAY * 1000);
    await expect(partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).resolves.toMatchObject({
      token_type: 'dpop',
    });

    server.clock.advance(2 * DAY * 1000);
    await expect(partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/^reauthorization_required/),
    });
    expect(await dataCall(server, partner, linked)).toBe(401);
  });

  test('a new authorization after the end demands the identity check and consent again', async () => {
    const partner = await partnerFor(server);
    const first = await link(server, partner, customers.allTypes);
    server.clock.advance(91 * DAY * 1000);
    const pending = await partner.startAuthorization({ scope: 'offline_access accounts' });
    const page = await first.agent.request(pending.authorizationUrl);
    expect(page.html).toContain('name="pin"');
  });

  test("a partner's override shortens the lifetime (demo-kaikei: 30 days)", async () => {
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const linked = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts deposits' });
    const info = await (await introspector(server))(linked.tokens.access_token);
    const days = ((info.grant_exp as number) - Math.floor(server.clock.now() / 1000)) / DAY;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    server.clock.advance(31 * DAY * 1000);
    await expect(kaikei.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).rejects.toMatchObject({
      error_description: expect.stringMatching(/^reauthorization_required/),
    });
  });
});

describe('the bank maximum caps every lifetime', () => {
  test('a partner asking for more than the maximum gets the maximum', () => {
    const lifetimes = {
      accessTokenSeconds: 3600,
      authorizationCodeSeconds: 60,
      interactionSeconds: 900,
      grantDays: 90,
      maxGrantDays: 60,
      consentRecordRetentionDays: 3650,
    };
    expect(grantLifetimeSeconds({ grant_lifetime_days: 400 }, lifetimes)).toBe(60 * DAY);
    expect(grantLifetimeSeconds({}, lifetimes)).toBe(60 * DAY);
    expect(grantLifetimeSeconds({ grant_lifetime_days: 30 }, lifetimes)).toBe(30 * DAY);
  });

  test('end to end: with maxGrantDays 20, demo-kaikei (30) gets 20 days', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'test-settings-'));
    const overlay = join(dir, 'settings.json');
    writeFileSync(
      overlay,
      JSON.stringify({
        identityCheck: { failureDelaysMs: [0], responseFloorMs: 0 },
        lifetimes: { grantDays: 20, maxGrantDays: 20 },
      }),
    );
    const server = await startServer({ env: { CONFIG_FILE: overlay } });
    try {
      const kaikei = await partnerFor(server, 'demo-kaikei');
      const linked = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts' });
      const info = await (await introspector(server))(linked.tokens.access_token);
      const days = ((info.grant_exp as number) - Math.floor(server.clock.now() / 1000)) / DAY;
      expect(days).toBeGreaterThan(19.9);
      expect(days).toBeLessThanOrEqual(20);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every authorization is fresh, and one linkage per partner', () => {
  test("partner A, then B, then A again in one browser: identity check and consent each time; A's second linkage replaced its first", async () => {
    const server = await startServer();
    try {
      const a = await partnerFor(server, 'demo-kakeibo');
      const b = await partnerFor(server, 'demo-kaikei');
      const agent = new CustomerAgent(`${server.url}/demo/callback`);
      const seen: string[] = [];
      const linkWatching = async (partner: typeof a, scope: string) => {
        server.clock.advance(31_000);
        const pending = await partner.startAuthorization({ scope });
        const login = await agent.request(pending.authorizationUrl);
        seen.push(login.html.includes('name="pin"') ? 'identity-check' : 'no-identity-check');
        const otp = await agent.login(login, customers.allTypes);
        const consent = await agent.otp(otp, customers.allTypes, server.clock.now());
        seen.push(consent.html.includes('name="decision"') ? 'consent' : 'no-consent');
        const callback = await agent.consent(consent, 'agree', CustomerAgent.checkboxValues(consent.html, 'accounts'));
        if (!callback.url.includes('code='))
          throw new Error(`no code: ${callback.status} ${callback.url} ${callback.html.slice(0, 1500)}`);
        return { tokens: await partner.exchangeCode(callback.url, pending), pending };
      };
      const a1 = await linkWatching(a, 'offline_access accounts');
      const b1 = await linkWatching(b, 'offline_access accounts');
      server.clock.advance(3 * 60_000);
      const a2 = await linkWatching(a, 'offline_access accounts');
      expect(seen).toEqual(['identity-check', 'consent', 'identity-check', 'consent', 'identity-check', 'consent']);

      const call = async (p: typeof a, l: typeof a1) =>
        (await p.resource(`${server.url}/api/v1/accounts`, l.tokens.access_token, l.pending.dpopKeys)).status;
      expect(await call(a, a1)).toBe(401);
      await expect(a.refresh(a1.tokens.refresh_token!, a1.pending.dpopKeys)).rejects.toMatchObject({
        error: 'invalid_grant',
        error_description: expect.stringMatching(/^reauthorization_required.*replaced/),
      });
      expect(await call(a, a2)).toBe(200);
      expect(await call(b, b1)).toBe(200);
    } finally {
      await server.close();
    }
  });
});
