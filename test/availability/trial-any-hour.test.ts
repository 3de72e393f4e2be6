import { ManualClock } from '../../src/shared/clock.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor, startAt } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * A newcomer's trial at night: `npm start` with the demo data and no calendar named. The clock
 * stands at 02:00 JST, when the bank's own calendar (config/calendar.json) closes API連携認証.
 */
const TWO_AM_JST = Date.parse('2026-12-02T02:00:00+09:00');

describe('the trial at 02:00 JST', () => {
  let server: TestServer;
  beforeAll(async () => {
    // As `npm start` runs it: no CALENDAR_FILE, so the demo's always-open calendar applies.
    server = await startServer({ env: { CALENDAR_FILE: undefined }, clock: new ManualClock(TWO_AM_JST) });
  });
  afterAll(() => server.close());

  test('the demo linkage completes and the data API answers', async () => {
    const partner = await partnerFor(server);
    const { tokens, pending } = await link(server, partner, customers.allTypes);
    expect(tokens.access_token).toEqual(expect.any(String));
    const accounts = await partner.resource(`${server.url}/api/v1/accounts`, tokens.access_token, pending.dpopKeys);
    expect(accounts.status).toBe(200);
  });

  test('/demo preselects the partner the README describes, with this server as its callback', async () => {
    const html = await (await fetch(`${server.url}/demo`)).text();
    expect(html).toMatch(/<option value="demo-kakeibo" selected>/);
    const partners = server.app.config.partners.filter((p) => p.partner.client_id.startsWith('demo-'));
    for (const p of partners) expect(p.partner.redirect_uris).toEqual([`${server.url}/demo/callback`]);
  });
});

describe('the trial with the bank calendar given (CALENDAR_FILE=config/calendar.json) at 02:00 JST', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      env: { CALENDAR_FILE: 'config/calendar.json' },
      clock: new ManualClock(TWO_AM_JST),
    });
  });
  afterAll(() => server.close());

  test('the customer meets the closed page', async () => {
    const { page } = await startAt(server, await partnerFor(server));
    expect(page.status).toBe(503);
    expect(page.html).toContain('ただいまAPI連携認証の受付時間外です。');
    expect(page.html).not.toContain('name="pin"');
  });
});
