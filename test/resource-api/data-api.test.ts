import { generateKeyPair } from 'oauth4webapi';
import type { PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { customers } from '../support/demo.ts';
import { handMadeProof, rawCall } from '../support/dpop.ts';
import { oidcKeys } from '../../src/store/oidc-adapter.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { openApiValidator } from '../support/openapi.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let partner: PartnerClient;
let api: ReturnType<typeof openApiValidator>;

beforeAll(async () => {
  server = await startServer();
  partner = await partnerFor(server);
  api = openApiValidator(
    (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Parameters<typeof openApiValidator>[0],
  );
});
afterAll(async () => {
  await server.close();
});

/** A DPoP-protected GET through oauth4webapi, with the response checked against the OpenAPI document. */
const get = async (linked: Awaited<ReturnType<typeof link>>, path: string, query: Record<string, string> = {}) => {
  const url = new URL(`${server.url}/api/v1${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await partner.resource(url, linked.tokens.access_token, linked.pending.dpopKeys);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a response body, checked against OpenAPI
  const body: any = await res.json();
  api.check(path, res.status, body);
  return { status: res.status, body, headers: res.headers };
};

const accountOfType = async (linked: Awaited<ReturnType<typeof link>>, code: string) => {
  const { body } = await get(linked, '/accounts');
  return body.accounts.find((a: { accountTypeCode: string }) => a.accountTypeCode === code);
};

describe('data API success paths (oauth4webapi DPoP requests, responses validated against the served OpenAPI document)', () => {
  let linked: Awaited<ReturnType<typeof link>>;
  beforeAll(async () => {
    linked = await link(server, partner, customers.allTypes);
  });

  test('GET /accounts lists exactly the accounts the customer ticked, with as-of date and time', async () => {
    const { status, body } = await get(linked, '/accounts');
    expect(status).toBe(200);
    expect(body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual(linked.chosen);
    expect(body.baseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.baseTime).toMatch(/^\d{2}:\d{2}:\d{2}\+09:00$/);
    const ordinary = body.accounts.find((a: { accountTypeCode: string }) => a.accountTypeCode === '01');
    expect(ordinary).toMatchObject({
      branchCode: '001',
      accountNumber: '1012345',
      accountTypeName: '普通預金',
      currencyCode: 'JPY',
    });
    expect(ordinary.accountId).not.toContain('1012345');
  });

  test('GET /accounts/balances gives the liquid accounts and the card loan with its credit line', async () => {
    const { status, body } = await get(linked, '/accounts/balances');
    expect(status).toBe(200);
    const codes = body.balances.map((b: { accountTypeCode: string }) => b.accountTypeCode).sort();
    expect(codes).toEqual(['01', '02', '03', '04', '05']);
    const loan = body.balances.find((b: { accountTypeCode: string }) => b.accountTypeCode === '04');
    expect(Number(loan.creditLimit)).toBe(500000);
    expect(Number(loan.availableCredit)).toBe(Number(loan.creditLimit) - Number(loan.balance));
    const demoBalance = await server.app.coreBanking.balance(body.balances[0].accountId);
    expect(body.balances[0].balance).toBe(demoBalance!.balance);
  });

  test('GET /accounts/balances?accountId= narrows to one account', async () => {
    const ordinary = await accountOfType(linked, '01');
    const { body } = await get(linked, '/accounts/balances', { accountId: ordinary.accountId });
    expect(body.balances).toHaveLength(1);
    expect(body.balances[0].accountId).toBe(ordinary.accountId);
  });

  test('GET /accounts/transactions with no dates returns today only', async () => {
    const ordinary = await accountOfType(linked, '01');
    const { status, body } = await get(linked, '/accounts/transactions', { accountId: ordinary.accountId });
    expect(status).toBe(200);
    expect(body.dateFrom).toBe(body.dateTo);
    expect(body.dateFrom).toBe(body.baseDate);
    for (const t of body.transactions) expect(t.transactionDate).toBe(body.dateFrom);
  });

  test('GET /accounts/time-deposits lists each deposit with dates, principal, rate and renewal type', async () => {
    const { status, body } = await get(linked, '/accounts/time-deposits');
    expect(status).toBe(200);
    expect(body.timeDeposits.length).toBeGreaterThanOrEqual(3);
    for (const d of body.timeDeposits) {
      expect(d.maturityDate > d.depositDate).toBe(true);
      expect(['元利自動継続', '元金自動継続', '満期解約']).toContain(d.renewalTypeName);
    }
  });

  test('paging walks a 13-month history with no item missing or repeated, and the amounts reconcile with the balances', async () => {
    const ordinary = await accountOfType(linked, '01');
    const balances = (await get(linked, '/accounts/balances', { accountId: ordinary.accountId })).body.balances[0];
    const today = balances.baseDate as string;
    const from = new Date(`${today}T00:00:00Z`);
    from.setUTCMonth(from.getUTCMonth() - 13);
    const dateFrom = from.toISOString().slice(0, 10);
    const seen: { itemKey: string; amount: string; transactionType: string; balance: string }[] = [];
    let nextItemKey: string | undefined;
    let pages = 0;
    do {
      const { body } = await get(linked, '/accounts/transactions', {
        accountId: ordinary.accountId,
        dateFrom,
        ...(nextItemKey ? { nextItemKey } : {}),
      });
      expect(body.count).toBe(body.transactions.length);
      expect(body.count).toBeLessThanOrEqual(server.app.config.settings.dataApi.pageSize);
      seen.push(...body.transactions);
      nextItemKey = body.hasNext ? body.nextItemKey : undefined;
      pages += 1;
    } while (nextItemKey);
    expect(pages).toBeGreaterThan(1);
    const direct = await server.app.coreBanking.transactions(ordinary.accountId, dateFrom, today);
    expect(seen.map((t) => t.itemKey)).toEqual(direct.map((t) => t.itemKey));
    expect(new Set(seen.map((t) => t.itemKey)).size).toBe(seen.length);
    const keys = seen.map((t) => t.itemKey);
    expect([...keys].sort()).toEqual(keys);
    // Each running balance follows from the previous one, and the last is today's balance.
    for (let i = 1; i < seen.length; i += 1) {
      const delta = (seen[i].transactionType === '1' ? 1 : -1) * Number(seen[i].amount);
      expect(Number(seen[i].balance)).toBe(Number(seen[i - 1].balance) + delta);
    }
    expect(seen[seen.length - 1].balance).toBe(balances.balance);
  });
});

describe('OpenAPI validation itself', () => {
  test('a response with an extra field, or a missing one, fails validation', async () => {
    const linked = await link(server, partner, customers.allTypes, { accounts: (offered) => offered.slice(0, 1) });
    const { body } = await get(linked, '/accounts');
    expect(() => api.check('/accounts', 200, { ...body, accounts: [{ ...body.accounts[0], extra: 'x' }] })).toThrow(
      /additional/,
    );
    const { accountNumber, ...missing } = body.accounts[0];
    void accountNumber;
    expect(() => api.check('/accounts', 200, { ...body, accounts: [missing] })).toThrow(/accountNumber/);
  });
});

describe('data API refusals', () => {
  test('a token without the scope → 403 insufficient_scope', async () => {
    const linked = await link(server, partner, customers.allTypes, { scope: 'offline_access accounts' });
    const { status, body, headers } = await get(linked, '/accounts/balances');
    expect(status).toBe(403);
    expect(body.errorCode).toBe('insufficient_scope');
    expect(headers.get('www-authenticate')).toMatch(/^DPoP error="insufficient_scope"/);
  });

  test('an account of another customer, and one the customer did not tick → 404 indistinguishable from an unknown id', async () => {
    const other = await link(server, partner, customers.twoBranches);
    const otherAccount = (await get(other, '/accounts')).body.accounts[0].accountId;
    const linked = await link(server, partner, customers.allTypes, { accounts: (offered) => offered.slice(0, 1) });
    const unticked = linked.offered[1];
    const answers = [];
    for (const accountId of [otherAccount, unticked, 'acc_doesnotexist0000']) {
      const r = await get(linked, '/accounts/balances', { accountId });
      answers.push({ status: r.status, body: r.body });
    }
    expect(answers[0]).toEqual({
      status: 404,
      body: { errorCode: 'account_not_found', errorMessage: 'No such account.' },
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  test('a token whose grant ended by refresh-token revocation (RFC 7009) → 401 on the very next call', async () => {
    const linked = await link(server, partner, customers.allTypes);
    expect((await get(linked, '/accounts')).status).toBe(200);
    await partner.revoke(linked.tokens.refresh_token!);
    const r = await get(linked, '/accounts');
    expect(r.status).toBe(401);
    expect(r.body.errorCode).toBe('invalid_token');
    expect(r.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
  });

  test('a token whose grant ended by the bank (revocation service) → 401 on the very next call', async () => {
    const linked = await link(server, partner, customers.allTypes);
    const { grantId } = JSON.parse(
      (await server.app.store.get(oidcKeys.model('AccessToken', linked.tokens.access_token)))!,
    );
    expect(await server.app.revocation.endGrant(grantId, { reason: 'revoked_by_bank', actor: 'test' })).toBe(true);
    expect((await get(linked, '/accounts')).status).toBe(401);
  });

  test('a token whose grant reached its end (the clock moved past it) → 401', async () => {
    const own = await startServer();
    try {
      const p = await partnerFor(own);
      const linked = await link(own, p, customers.allTypes);
      const call = async () =>
        (await p.resource(`${own.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys)).status;
      expect(await call()).toBe(200);
      own.clock.advance(91 * 86400 * 1000);
      expect(await call()).toBe(401);
    } finally {
      await own.close();
    }
  });

  test("a suspended partner's token → 401 invalid_token", async () => {
    const own = await startServer();
    try {
      const p = await partnerFor(own);
      const linked = await link(own, p, customers.allTypes);
      await own.app.partners.setOverride('demo-kakeibo', {
        status: 'suspended',
        changedBy: 'test',
        reason: 'test',
        changedAt: Date.now(),
      });
      await own.app.partnerStatus.changed('demo-kakeibo');
      const res = await p.resource(`${own.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { errorCode: string }).errorCode).toBe('invalid_token');
    } finally {
      await own.close();
    }
  });

  test('a customer who lost eligibility → 401 (the eligibility loss ends every grant of the customer)', async () => {
    const linked = await link(server, partner, customers.frozenAccount);
    expect((await get(linked, '/accounts')).status).toBe(200);
    const customerId = (await server.app.coreBanking.verifyPin(
      { branchCode: '003', accountType: 'ordinary', accountNumber: '3207715' },
      '8642',
    ))!.customerId;
    const ended = await server.app.revocation.endCustomerGrants(customerId, {
      reason: 'customer_ineligible',
      actor: 'core-banking',
    });
    expect(ended).toBeGreaterThan(0);
    expect((await get(linked, '/accounts')).status).toBe(401);
  });

  describe('sender constraint', () => {
    let linked: Awaited<ReturnType<typeof link>>;
    const url = () => `${server.url}/api/v1/accounts`;
    const now = () => Math.floor(server.clock.now() / 1000);
    beforeAll(async () => {
      linked = await link(server, partner, customers.allTypes);
    });

    test('a DPoP-bound token sent as Bearer → 401 invalid_token', async () => {
      const r = await rawCall(url(), `Bearer ${linked.tokens.access_token}`);
      expect(r.status).toBe(401);
      expect(r.body.errorCode).toBe('invalid_token');
      expect(r.wwwAuthenticate).toMatch(/^Bearer error="invalid_token"/);
    });

    test('a proof for another URL → 401 invalid_dpop_proof', async () => {
      const proof = await handMadeProof(linked.pending.dpopKeys, {
        htm: 'GET',
        htu: `${server.url}/api/v1/accounts/balances`,
        accessToken: linked.tokens.access_token,
        iat: now(),
      });
      const r = await rawCall(url(), `DPoP ${linked.tokens.access_token}`, proof);
      expect(r.status).toBe(401);
      expect(r.body.errorCode).toBe('invalid_dpop_proof');
      expect(r.wwwAuthenticate).toMatch(/^DPoP error="invalid_dpop_proof"/);
    });

    test('a proof for another method → 401 invalid_dpop_proof', async () => {
      const proof = await handMadeProof(linked.pending.dpopKeys, {
        htm: 'POST',
        htu: url(),
        accessToken: linked.tokens.access_token,
        iat: now(),
      });
      const r = await rawCall(url(), `DPoP ${linked.tokens.access_token}`, proof);
      expect(r.status).toBe(401);
      expect(r.body.errorCode).toBe('invalid_dpop_proof');
    });

    test('a replayed proof → 401 invalid_dpop_proof', async () => {
      const proof = await handMadeProof(linked.pending.dpopKeys, {
        htm: 'GET',
        htu: url(),
        accessToken: linked.tokens.access_token,
        iat: now(),
      });
      expect((await rawCall(url(), `DPoP ${linked.tokens.access_token}`, proof)).status).toBe(200);
      const again = await rawCall(url(), `DPoP ${linked.tokens.access_token}`, proof);
      expect(again.status).toBe(401);
      expect(again.body.errorCode).toBe('invalid_dpop_proof');
      expect(again.body.errorMessage).toMatch(/already used/);
    });

    test('a proof signed by another key → 401 invalid_token', async () => {
      const other = await generateKeyPair('ES256', { extractable: true });
      const proof = await handMadeProof(other, {
        htm: 'GET',
        htu: url(),
        accessToken: linked.tokens.access_token,
        iat: now(),
      });
      const r = await rawCall(url(), `DPoP ${linked.tokens.access_token}`, proof);
      expect(r.status).toBe(401);
      expect(r.body.errorCode).toBe('invalid_token');
    });

    test('a proof with a stale iat → 401 invalid_dpop_proof', async () => {
      const proof = await handMadeProof(linked.pending.dpopKeys, {
        htm: 'GET',
        htu: url(),
        accessToken: linked.tokens.access_token,
        iat: now() - 600,
      });
      const r = await rawCall(url(), `DPoP ${linked.tokens.access_token}`, proof);
      expect(r.status).toBe(401);
      expect(r.body.errorCode).toBe('invalid_dpop_proof');
      expect(r.body.errorMessage).toMatch(/recent/);
    });

    test('a proof for another access token (ath) → 401 invalid_dpop_proof', async () => {
      const proof = await handMadeProof(linked.pending.dpopKeys, {
        htm: 'GET',
        htu: url(),
        accessToken: 'something-else',
        iat: now(),
      });
      const r = await rawCall(url(), `DPoP ${linked.tokens.access_token}`, proof);
      expect(r.status).toBe(401);
      expect(r.body.errorCode).toBe('invalid_dpop_proof');
    });

    test('no credentials → 401 with a bare DPoP challenge', async () => {
      const res = await fetch(url());
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('DPoP algs="ES256 PS256 EdDSA"');
      expect(((await res.json()) as { errorCode: string }).errorCode).toBe('unauthorized');
    });
  });

  describe('query errors → 400 with an errorCode', () => {
    let linked: Awaited<ReturnType<typeof link>>;
    let accountId: string;
    beforeAll(async () => {
      linked = await link(server, partner, customers.allTypes);
      accountId = (await accountOfType(linked, '01')).accountId;
    });
    const cases: [string, Record<string, string>, string][] = [
      ['dateFrom after dateTo', { dateFrom: '2026-10-10', dateTo: '2026-10-01' }, 'invalid_date_range'],
      ['a malformed date', { dateFrom: '2026-13-01' }, 'invalid_date'],
      [
        'a range older than the history window',
        { dateFrom: '2020-01-01', dateTo: '2020-01-31' },
        'out_of_history_range',
      ],
      ['an unknown nextItemKey', { nextItemKey: 'bm9wZQ.AAAAAAAAAAAAAAAAAAAAAA' }, 'invalid_next_item_key'],
      ['dateTo without dateFrom', { dateTo: '2026-10-01' }, 'invalid_date_range'],
    ];
    test.each(cases)('%s', async (_name, query, errorCode) => {
      const { status, body } = await get(linked, '/accounts/transactions', { accountId, ...query });
      expect(status).toBe(400);
      expect(body.errorCode).toBe(errorCode);
    });
  });
});
