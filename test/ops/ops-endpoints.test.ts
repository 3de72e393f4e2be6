import { createMetrics } from '../../src/ops/metrics.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor, startAt } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { parsePrometheusText, sampleValue, type Sample } from './prometheus-text.ts';

const METRICS_TOKEN = 'ops-token-0123456789abcdef';

/** A store that can be made to fail, as Redis does during an outage. */
class FlakyStore extends MemoryStore {
  failing = false;
  pingFails = false;
  override async get(key: string) {
    if (this.failing) throw new StoreUnavailableError('redis: connection lost');
    return super.get(key);
  }
  override async ping() {
    if (this.pingFails) throw new StoreUnavailableError('redis: connection lost');
  }
}

let server: TestServer;
let store: FlakyStore;

beforeAll(async () => {
  const clock = new ManualClock(Date.now());
  store = new FlakyStore(clock);
  server = await startServer({ clock, overrides: { store }, env: { METRICS_TOKEN } });
});
afterAll(async () => {
  await server.close();
});

const scrape = async (): Promise<Sample[]> => {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
};

describe('/metrics', () => {
  test("is valid Prometheus text and counts a linkage's requests and the tokens it issued", async () => {
    const before = await scrape();
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const res = await partner.resource(
      `${server.url}/api/v1/accounts`,
      linked.tokens.access_token,
      linked.pending.dpopKeys,
    );
    expect(res.status).toBe(200);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('renkei_http_requests_total', { route: '/request', method: 'POST', status: '201' })).toBe(1);
    expect(delta('renkei_http_requests_total', { route: '/token', method: 'POST', status: '200' })).toBe(1);
    expect(delta('renkei_http_requests_total', { route: '/api/v1/accounts', method: 'GET', status: '200' })).toBe(1);
    expect(
      delta('renkei_http_requests_total', { route: '/interaction/:uid/login', method: 'POST', status: '303' }),
    ).toBe(1);
    expect(delta('renkei_http_requests_total', { route: '/auth/:uid', method: 'GET', status: '303' })).toBe(1);
    expect(delta('renkei_http_request_duration_seconds_count', { route: '/token', method: 'POST' })).toBe(1);
    expect(delta('renkei_oauth_tokens_issued_total', { type: 'authorization_code', grant_type: 'none' })).toBe(1);
    expect(delta('renkei_oauth_tokens_issued_total', { type: 'access_token', grant_type: 'authorization_code' })).toBe(
      1,
    );
    expect(delta('renkei_oauth_tokens_issued_total', { type: 'refresh_token', grant_type: 'authorization_code' })).toBe(
      1,
    );
    // Route patterns, never raw paths with ids in them.
    expect(
      after
        .filter((s) => s.name === 'renkei_http_requests_total')
        .every((s) => !/\/interaction\/[A-Za-z0-9_-]{10,}/.test(s.labels.route)),
    ).toBe(true);

    await partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys);
    const [consent] = await server.app.audit.query({ kind: 'consent.granted', limit: 1 });
    await server.app.revocation.endGrant(String(consent.details!.grantId), {
      reason: 'revoked_by_bank',
      actor: 'operator-1',
    });
    const later = await scrape();
    expect(
      sampleValue(later, 'renkei_oauth_tokens_issued_total', { type: 'access_token', grant_type: 'refresh_token' }),
    ).toBe(1);
    expect(sampleValue(later, 'renkei_grants_ended_total', { reason: 'revoked_by_bank' })).toBe(1);
  });

  test('counts lockouts', async () => {
    const partner = await partnerFor(server);
    const { agent, page } = await startAt(server, partner);
    // The fifth failure locks, and the page says so (403).
    for (let i = 0; i < 5; i += 1)
      expect((await agent.login(page, { ...customers.lockable, pin: '0000' })).status).toBe(i < 4 ? 400 : 403);
    expect(sampleValue(await scrape(), 'renkei_identity_check_lockouts_total')).toBe(1);
  });

  test('counts requests that failed on the store', async () => {
    store.failing = true;
    try {
      const res = await fetch(`${server.url}/api/v1/accounts`, {
        headers: { authorization: 'Bearer some-token-value-0123456789' },
      });
      expect(res.status).toBe(503);
    } finally {
      store.failing = false;
    }
    const samples = await scrape();
    expect(sampleValue(samples, 'renkei_store_unavailable_errors_total')).toBe(1);
    expect(
      sampleValue(samples, 'renkei_http_requests_total', { route: '/api/v1/accounts', method: 'GET', status: '503' }),
    ).toBe(1);
  });
});

describe('operator endpoints are not open to the world', () => {
  const viaProxy = { 'x-forwarded-for': '203.0.113.9' };

  test('/healthz answers anyone', async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: viaProxy });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('/metrics and /readyz from outside need the bearer token', async () => {
    for (const path of ['/metrics', '/readyz']) {
      const none = await fetch(`${server.url}${path}`, { headers: viaProxy });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="operations"');
      const wrong = await fetch(`${server.url}${path}`, {
        headers: { ...viaProxy, authorization: 'Bearer not-the-token-at-all-000' },
      });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).not.toContain('renkei_http_requests_total');
      const right = await fetch(`${server.url}${path}`, {
        headers: { ...viaProxy, authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(right.status).toBe(200);
    }
  });

  test('without a token configured, only this host may read them', async () => {
    const open = await startServer();
    try {
      expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
      const outside = await fetch(`${open.url}/metrics`, {
        headers: { ...viaProxy, authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(outside.status).toBe(403);
    } finally {
      await open.close();
    }
  });

  test('/readyz answers 200 when the store answers and the keys are loaded, 503 when the store does not', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', keys: 'ok' } });
    store.pingFails = true;
    try {
      const notReady = await fetch(`${server.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not_ready', checks: { store: 'unavailable', keys: 'ok' } });
    } finally {
      store.pingFails = false;
    }
  });
});

describe('metrics registry', () => {
  test('each app has its own: two in one process do not share counters', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.observeAuditEvent({
      kind: 'identity_check.locked',
      result: 'denied',
      id: '1',
      time: '',
      instance: 'i',
      chain: 'c',
      seq: 1,
      prev: '',
    });
    a.observeAuditEvent({
      kind: 'grant.ended',
      result: 'success',
      details: { reason: 'not a reason <script>' },
      id: '2',
      time: '',
      instance: 'i',
      chain: 'c',
      seq: 2,
      prev: '',
    });
    const textA = parsePrometheusText(await a.registry.metrics());
    expect(sampleValue(textA, 'renkei_identity_check_lockouts_total')).toBe(1);
    expect(sampleValue(textA, 'renkei_grants_ended_total', { reason: 'other' })).toBe(1);
    expect(sampleValue(parsePrometheusText(await b.registry.metrics()), 'renkei_identity_check_lockouts_total')).toBe(
      0,
    );
  });
});
