import type { RecordedAuditEvent } from '../../src/audit/audit-log.ts';
import { createMetrics, METRIC_PREFIX } from '../../src/ops/metrics.ts';
import { customers } from '../support/demo.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { link, partnerFor, startAt } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { parsePrometheusText, sampleValue, type Sample } from './prometheus-text.ts';

/** The access log, the request id on every answer, and the metrics operators alert on. */

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const scrape = async (): Promise<Sample[]> => parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text());
const accessLines = () =>
  server.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
const m = (name: string) => `${METRIC_PREFIX}${name}`;

describe('access log', () => {
  test('one line per request, with method, route, status, duration, request id and partner; no secrets', async () => {
    const before = accessLines().length;
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const data = await partner.resource(
      `${server.url}/api/v1/accounts`,
      linked.tokens.access_token,
      linked.pending.dpopKeys,
    );
    expect(data.status).toBe(200);
    const id = data.headers.get('x-request-id');
    expect(id).toMatch(/^[A-Za-z0-9._-]{8,64}$/);

    const lines = accessLines().slice(before);
    // PAR, /auth, the login and OTP steps, consent, the callback redirect, token, data call at least.
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(
        expect.arrayContaining(['level', 'time', 'msg', 'method', 'route', 'status', 'durationMs', 'requestId']),
      );
      expect(line.level).toBe('info');
      expect(typeof line.durationMs).toBe('number');
    }
    const ids = lines.map((l) => l.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    const dataLine = lines.filter((l) => l.requestId === id);
    expect(dataLine).toEqual([
      expect.objectContaining({ method: 'GET', route: '/api/v1/accounts', status: 200, partnerId: 'demo-kakeibo' }),
    ]);
    expect(lines.find((l) => l.route === '/token')).toMatchObject({ status: 200, partnerId: 'demo-kakeibo' });
    expect(lines.find((l) => l.route === '/request')).toMatchObject({ status: 201, partnerId: 'demo-kakeibo' });
    expect(lines.find((l) => l.route === '/interaction/:uid/login')).toMatchObject({ partnerId: 'demo-kakeibo' });

    const text = JSON.stringify(lines);
    for (const secret of [linked.tokens.access_token, linked.tokens.refresh_token!, customers.allTypes.pin])
      expect(text).not.toContain(secret);
    expect(text).not.toContain('code=');
    expect(text).not.toContain('?');
  });
});

describe('X-Request-Id', () => {
  test('on every answer: pages, API errors, oidc-provider, unknown paths; a well-formed given id is kept', async () => {
    const answers = await Promise.all([
      fetch(`${server.url}/terms`),
      fetch(`${server.url}/api/v1/accounts`),
      fetch(`${server.url}/.well-known/openid-configuration`),
      fetch(`${server.url}/no-such-page`),
      fetch(`${server.url}/static/app.css`),
      fetch(`${server.url}/token`, { method: 'POST', body: 'grant_type=nothing' }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 401, 200, 404, 200, expect.any(Number)]);
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._-]{8,64}$/);
    expect(new Set(ids).size).toBe(ids.length);

    const given = await fetch(`${server.url}/terms`, { headers: { 'x-request-id': 'support-ticket-0042' } });
    expect(given.headers.get('x-request-id')).toBe('support-ticket-0042');
    const hostile = await fetch(`${server.url}/terms`, { headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(hostile.headers.get('x-request-id')).not.toContain('<');
  });

  test('error pages show the request id the answer carries', async () => {
    // An authorization request from an unknown client: oidc-provider's error page (our template).
    const res = await fetch(`${server.url}/auth?client_id=nobody&response_type=code&scope=openid`, {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const id = res.headers.get('x-request-id')!;
    const html = await res.text();
    expect(html).toContain(id);
    expect(html).toContain('お問い合わせ番号');
  });
});

describe('metrics', () => {
  test('every metric carries the one prefix', async () => {
    const names = (await scrape()).map((s) => s.name);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name.startsWith(METRIC_PREFIX)).toBe(true);
  });

  test('identity-check failures, by surface, step and reason', async () => {
    const before = await scrape();
    const partner = await partnerFor(server);
    const { agent, page } = await startAt(server, partner);
    expect((await agent.login(page, { ...customers.allTypes, pin: '0000' })).status).toBe(400);
    const labels = { surface: 'authorization', step: 'pin', reason: 'pin' };
    const after = await scrape();
    expect(sampleValue(after, m('identity_check_failures_total'), labels)).toBe(
      sampleValue(before, m('identity_check_failures_total'), labels) + 1,
    );
  });

  test('the consent funnel: shown once per interaction, agreed, declined, abandoned after expiry', async () => {
    const stage = (samples: Sample[], s: string) => sampleValue(samples, m('consent_funnel_total'), { stage: s });
    const before = await scrape();
    const partner = await partnerFor(server);

    await link(server, partner, customers.allTypes); // shown, agreed

    // Declined.
    const declined = await startAt(server, partner);
    const otpPage = await declined.agent.login(declined.page, customers.allTypes);
    const consentPage = await declined.agent.otp(otpPage, customers.allTypes, server.clock.now());
    await declined.agent.consent(consentPage, 'decline', []);

    // Shown twice (reloaded), then left: abandoned once its interaction has expired.
    const left = await startAt(server, partner);
    server.clock.advance(31_000);
    const otpPage2 = await left.agent.login(left.page, customers.allTypes);
    const shown = await left.agent.otp(otpPage2, customers.allTypes, server.clock.now());
    expect(CustomerAgent.checkboxValues(shown.html, 'accounts').length).toBeGreaterThan(0);
    await left.agent.request(shown.url);

    const mid = await scrape();
    expect(stage(mid, 'shown') - stage(before, 'shown')).toBe(3);
    expect(stage(mid, 'agreed') - stage(before, 'agreed')).toBe(1);
    expect(stage(mid, 'declined') - stage(before, 'declined')).toBe(1);
    expect(stage(mid, 'abandoned') - stage(before, 'abandoned')).toBe(0);

    server.clock.advance((server.app.config.settings.lifetimes.interactionSeconds + 1) * 1000);
    const after = await scrape();
    expect(stage(after, 'abandoned') - stage(before, 'abandoned')).toBe(1);
    // Counted once, however often it is scraped.
    expect(stage(await scrape(), 'abandoned') - stage(before, 'abandoned')).toBe(1);
  });

  test('restriction state: restrictions in force, by kind', async () => {
    const gauge = async (kind: string) => sampleValue(await scrape(), m('restrictions_active'), { kind });
    expect(await gauge('partner')).toBe(0);
    const r = await server.app.availability.restrictions.set({
      scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
      message: { ja: '点検中です', en: 'Under maintenance' },
      setBy: 'operator-1',
      reason: 'test',
    } as never);
    expect(await gauge('partner')).toBe(1);
    expect(await gauge('service')).toBe(0);
    await server.app.availability.restrictions.lift(r.id, 'operator-1');
    expect(await gauge('partner')).toBe(0);
  });

  test('throttling, partner-event delivery and customer notices, from what the audit trail records', async () => {
    const metrics = createMetrics();
    const event = (kind: string, details: Record<string, unknown> = {}) =>
      metrics.observeAuditEvent({
        kind,
        result: 'success',
        id: '1',
        time: '',
        instance: 'i',
        chain: 'c',
        seq: 1,
        prev: '',
        details,
      } as RecordedAuditEvent);
    event('identity_check.throttled', { surface: 'my_page', ip: '192.0.2.1' });
    event('admin.login', { via: 'console', reason: 'throttled' });
    event('admin.login', { via: 'console' });
    event('partner_event.delivered');
    event('partner_event.delivered');
    event('partner_event.abandoned');
    event('partner_event.dropped');
    event('notice.sent');
    event('notice.failed');
    event('identity_check.failure', { surface: 'my_page', step: 'otp', reason: 'otp_replayed' });
    const samples = parsePrometheusText(await metrics.registry.metrics());
    expect(sampleValue(samples, m('throttled_total'), { limit: 'identity_check', surface: 'my_page' })).toBe(1);
    expect(sampleValue(samples, m('throttled_total'), { limit: 'staff_login', surface: 'admin' })).toBe(1);
    expect(sampleValue(samples, m('partner_events_total'), { outcome: 'delivered' })).toBe(2);
    expect(sampleValue(samples, m('partner_events_total'), { outcome: 'abandoned' })).toBe(1);
    expect(sampleValue(samples, m('partner_events_total'), { outcome: 'dropped' })).toBe(1);
    expect(sampleValue(samples, m('customer_notices_total'), { outcome: 'sent' })).toBe(1);
    expect(sampleValue(samples, m('customer_notices_total'), { outcome: 'failed' })).toBe(1);
    expect(
      sampleValue(samples, m('identity_check_failures_total'), {
        surface: 'my_page',
        step: 'otp',
        reason: 'otp_replayed',
      }),
    ).toBe(1);
    // No client address or other unbounded value becomes a label.
    expect(await metrics.registry.metrics()).not.toContain('192.0.2.1');
  });

  test('a linkage sends the customer a notice, and it is counted', async () => {
    const before = sampleValue(await scrape(), m('customer_notices_total'), { outcome: 'sent' });
    await link(server, await partnerFor(server), customers.allTypes);
    expect(sampleValue(await scrape(), m('customer_notices_total'), { outcome: 'sent' })).toBe(before + 1);
  });
});
