import { randomUUID } from 'node:crypto';
import { handMadeProof } from '../support/dpop.ts';
import { customers } from '../support/demo.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { link, partnerFor, startAt } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { canonicalPath, gatedSurface } from '../../src/availability/index.ts';
import { fillTemplate, pathVariants } from './path-variants.ts';
import { rawRequest } from './raw-http.ts';

/**
 * Gates and routers agree on paths: every spelling of a gated route that the router serves is
 * gated too. The variants are generated from the app's own route table (letter case, Unicode
 * case folding, trailing slash, percent-encoding including %2F, repeated slashes, dot segments).
 */
let server: TestServer;
let partner: Awaited<ReturnType<typeof partnerFor>>;
let accessToken: string;
let dpopKeys: Awaited<ReturnType<typeof link>>['pending']['dpopKeys'];

beforeAll(async () => {
  server = await startServer();
  partner = await partnerFor(server);
  const linked = await link(server, partner, customers.allTypes);
  accessToken = linked.tokens.access_token;
  dpopKeys = linked.pending.dpopKeys;
});
afterAll(async () => {
  await server?.close();
});

const dataRoutes = () =>
  server.app.routeTable
    .filter((r) => r.methods.includes('GET') && r.path.startsWith('/api/v1/accounts'))
    .map((r) => r.path);

/** A data call on exactly this path, with the live token and a proof made for exactly this path. */
const dataCall = async (path: string) => {
  const proof = await handMadeProof(dpopKeys, {
    htm: 'GET',
    htu: `${server.url}${path}`,
    accessToken,
    iat: Math.floor(server.clock.now() / 1000),
    jti: randomUUID(),
  });
  return rawRequest(server.url, {
    path,
    headers: { authorization: `DPoP ${accessToken}`, dpop: proof, accept: 'application/json' },
  });
};

const restrict = (scope: Parameters<TestServer['app']['availability']['restrictions']['set']>[0]['scope']) =>
  server.app.availability.restrictions.set({
    scope,
    message: { ja: '一時停止中', en: 'Paused' },
    setBy: 'operator-1',
    reason: 'path variant test',
  });

describe('the gate decides on the canonical path', () => {
  test('canonicalPath folds every generated variant of a gated route to the route itself', () => {
    for (const route of ['/api/v1/accounts/balances', '/api/v1/accounts/time-deposits', '/interaction/abc/login'])
      for (const variant of pathVariants(route, 200))
        expect({ variant, canonical: canonicalPath(variant) }).toEqual({ variant, canonical: route.toLowerCase() });
  });

  test('the Kelvin sign, the long s and %2F cannot take a path out of its surface', () => {
    expect(gatedSurface({ path: '/api/v1/accounts/balance\u017F' })).toBe('data_api');
    expect(gatedSurface({ path: '/api/v1%2Faccounts' })).toBe('data_api');
    expect(gatedSurface({ path: '/API/V1//ACCOUNTS/./balances/' })).toBe('data_api');
    expect(gatedSurface({ path: '/Interaction/u1/login' })).toBe('authorization');
    expect(gatedSurface({ path: '/admin/../api/v1/accounts' })).toBe('data_api');
    expect(gatedSurface({ path: '/%E2%84%AAey/../interaction/x' })).toBe('authorization');
  });
});

describe('data API variants under a partner restriction and a closure', () => {
  let reachedWhenOpen: string[] = [];

  test('with the data API open, some variants reach the route (a trailing slash, percent-encoded letters): the control', async () => {
    reachedWhenOpen = [];
    for (const route of dataRoutes()) {
      for (const variant of pathVariants(route, 12)) {
        const res = await dataCall(variant);
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) reachedWhenOpen.push(variant);
      }
    }
    expect(reachedWhenOpen.length).toBeGreaterThan(0);
  });

  test('the routers are case-sensitive: no other letter case of any route of the route table reaches a route (404)', async () => {
    for (const { methods, path } of server.app.routeTable.filter((r) => r.methods.includes('GET'))) {
      const filled = path.replace(/:([A-Za-z]+)/g, 'x').replace(/\{\*rest\}/, 'x');
      for (const variant of [filled.toUpperCase(), filled.replace(/[a-z]/, (c) => c.toUpperCase())]) {
        if (variant === filled) continue;
        const res = await rawRequest(server.url, { path: variant, headers: { accept: 'application/json' } });
        expect({ methods, variant, status: res.status }).toEqual({ methods, variant, status: 404 });
      }
    }
  });

  test('under a restriction of the partner, no variant of any data route serves data: 503 temporarily_unavailable', async () => {
    const r = await restrict({ kind: 'partner', partnerId: 'demo-kakeibo' });
    try {
      for (const route of dataRoutes())
        for (const variant of [route, ...pathVariants(route, 12)]) {
          const res = await dataCall(variant);
          expect({ variant, ok: res.status >= 200 && res.status < 300 }).toEqual({ variant, ok: false });
          expect(res.status === 503 || res.status < 500).toBe(true);
          if (reachedWhenOpen.includes(variant) || variant === route) {
            expect({ variant, status: res.status }).toEqual({ variant, status: 503 });
            expect(JSON.parse(res.text).errorCode).toBe('temporarily_unavailable');
          }
        }
    } finally {
      await server.app.availability.restrictions.lift(r.id, 'operator-1');
    }
  });

  test('while the data API is closed, no variant of any data route serves data: 503', async () => {
    const r = await restrict({ kind: 'surface', surface: 'data_api' });
    try {
      for (const route of dataRoutes())
        for (const variant of [route, ...pathVariants(route, 12)]) {
          const res = await dataCall(variant);
          expect({ variant, ok: res.status >= 200 && res.status < 300 }).toEqual({ variant, ok: false });
          if (reachedWhenOpen.includes(variant) || variant === route)
            expect({ variant, status: res.status }).toEqual({ variant, status: 503 });
        }
    } finally {
      await server.app.availability.restrictions.lift(r.id, 'operator-1');
    }
  });
});

describe('interaction variants while API連携認証 is closed', () => {
  test('no spelling of /interaction/<uid>/login checks the PIN while closed: the closed page or 404', async () => {
    const { agent, page } = await startAt(server, partner);
    const uid = CustomerAgent.interactionPath(page.url).split('/')[2];
    const csrf = CustomerAgent.field(page.html, 'csrf');
    const routes = server.app.routeTable.filter((r) => r.path.startsWith('/interaction/')).map((r) => r.path);
    expect(routes).toContain('/interaction/:uid/login');
    const r = await restrict({ kind: 'surface', surface: 'authorization' });
    try {
      const login = fillTemplate('/interaction/:uid/login', { uid });
      const form = new URLSearchParams({
        csrf,
        branch: customers.allTypes.branch,
        accountType: customers.allTypes.accountType,
        accountNumber: customers.allTypes.accountNumber,
        pin: customers.allTypes.pin,
      }).toString();
      let closedPages = 0;
      for (const variant of [login, ...pathVariants(login, 30)]) {
        const res = await rawRequest(server.url, {
          method: 'POST',
          path: variant,
          headers: {
            cookie: agent.cookieHeader,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'text/html',
          },
          body: form,
        });
        // Never past the PIN: no redirect to the next step, no one-time code page.
        expect({ variant, status: res.status }).not.toEqual({ variant, status: 303 });
        expect(res.status === 503 || (res.status >= 400 && res.status < 500)).toBe(true);
        if (res.status === 503) closedPages += 1;
      }
      expect(closedPages).toBeGreaterThan(1);
    } finally {
      await server.app.availability.restrictions.lift(r.id, 'operator-1');
    }
  });
});
