import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { Agent } from 'undici';
import { createDemoCoreBanking } from '../../src/core-banking/demo/index.ts';
import { CoreBankingUnavailableError } from '../../src/core-banking/errors.ts';
import { loadGatewayContract } from '../../src/core-banking/http/contract.ts';
import { createHttpCoreBanking, type HttpCoreBanking } from '../../src/core-banking/http/http-core-banking.ts';
import { createReferenceGateway, type ReferenceGateway } from '../../src/core-banking/reference-gateway/gateway.ts';
import { createIdentityCheck } from '../../src/identity-check/identity-check.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { totp } from '../../src/shared/totp.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { gatewayTls, type GatewayTls } from '../support/gateway-tls.ts';
import { openApiValidator } from '../support/openapi.ts';
import { CUSTOMER, LOGIN, NOON_2026_11_25, ROOT_DIR, demoData, httpConnectorSettings } from './demo-fixture.ts';

const doc = JSON.parse(readFileSync(join(ROOT_DIR, 'docs/openapi/core-banking-gateway.json'), 'utf8'));
const contract = loadGatewayContract(ROOT_DIR);
const validator = openApiValidator(doc);

let tls: GatewayTls;
let gateway: ReferenceGateway;
let baseUrl: string;
const answers: { method: string; route: string; status: number; body: unknown }[] = [];
const clock = new ManualClock(NOON_2026_11_25);
const opened: HttpCoreBanking[] = [];

beforeAll(async () => {
  tls = gatewayTls();
  gateway = createReferenceGateway({
    core: createDemoCoreBanking({ data: demoData(), store: new MemoryStore(clock), clock }),
    contract,
    tls: { ...tls.gateway, ca: tls.ca },
    onResponse: (answer) => answers.push(answer),
  });
  await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://localhost:${(gateway.server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  gateway.server.closeAllConnections();
  await new Promise((resolve) => gateway.server.close(resolve));
  tls.remove();
});

/** A connector with the given settings over mutual TLS; `store` keeps its login-failure counter. */
const connector = (overrides: Record<string, unknown> = {}, registry?: Registry, store = new MemoryStore(clock)) => {
  const core = createHttpCoreBanking({
    settings: httpConnectorSettings({
      baseUrl,
      readTimeoutMs: 5000,
      readDeadlineMs: 8000,
      checkTimeoutMs: 5000,
      ...overrides,
    }),
    contract,
    tls: { ca: tls.ca, cert: tls.client.cert, key: tls.client.key },
    store,
    clock,
    logger: createLogger({ level: 'error', write: () => {} }),
    registry,
    random: () => 0.5,
  });
  opened.push(core);
  return core;
};

/** Runs `fn` with the gateway's faults set, and counts the requests that reached it. */
const withFaults = async <T>(faults: Partial<ReferenceGateway['faults']>, fn: () => Promise<T>) => {
  const before = answers.length;
  Object.assign(gateway.faults, faults);
  try {
    const result: { value?: T; error?: unknown } = await fn().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    return { ...result, requests: answers.length - before };
  } finally {
    Object.assign(gateway.faults, { delayMs: 0, failStatus: undefined });
  }
};

describe('the HTTP connector against the reference gateway, over mutual TLS', () => {
  it('answers every operation of the port, and every answer of the gateway matches the contract', async () => {
    const core = connector();
    const { pin, ...ref } = LOGIN.A;
    const verified = await core.checkIdentity(ref, pin);
    expect(verified).toMatchObject({ result: 'verified', customerId: CUSTOMER.A });
    expect(await core.checkIdentity(ref, '0000')).toEqual({ result: 'wrong_pin', customerId: CUSTOMER.A });
    expect(await core.checkIdentity({ ...ref, accountNumber: '9999999' }, pin)).toEqual({ result: 'unknown' });
    expect(await core.customerIdOf(ref)).toBe(CUSTOMER.A);
    expect(await core.customerIdOf({ ...ref, accountNumber: '9999999' })).toBeUndefined();
    const code = totp('42HZVUXMALJN4GGHUMPVZCP74KKSPLYO', clock.now());
    expect(await core.verifyOneTimeCode(CUSTOMER.A, code, 1)).toEqual(expect.any(Number));
    expect(await core.verifyOneTimeCode(CUSTOMER.A, code === '000000' ? '111111' : '000000', 0)).toBeUndefined();
    expect(await core.customer(CUSTOMER.E)).toMatchObject({ restricted: true });
    expect(await core.customer('9999999999')).toBeUndefined();
    expect(await core.eligibility(CUSTOMER.B)).toEqual({ eligible: false, reason: 'no_eligible_account' });
    expect(await core.contact(CUSTOMER.A)).toBeUndefined();
    expect(await core.contact('9999999999')).toBeUndefined();
    expect((await core.searchCustomers({ nameKana: 'イトウ' })).map((c) => c.customerId)).toContain(CUSTOMER.E);
    const accounts = await core.accounts(CUSTOMER.A);
    expect(accounts.length).toBe(6);
    const ordinary = accounts.find((a) => a.accountType === 'ordinary')!;
    const timeDeposit = accounts.find((a) => a.accountType === 'time_deposit')!;
    expect(await core.account(ordinary.accountId)).toEqual(ordinary);
    expect(await core.account('acc_unknown')).toBeUndefined();
    expect(await core.asOf()).toBe('2026-11-25T12:00:00+09:00');
    expect((await core.balance(ordinary.accountId))?.asOf).toBe('2026-11-25T12:00:00+09:00');
    expect(await core.balance(timeDeposit.accountId)).toBeUndefined();
    // More than one page (500 a page): the connector follows nextCursor to the end.
    const all = await core.transactions(ordinary.accountId, '2024-01-01', '2026-11-25');
    expect(all.length).toBeGreaterThan(500);
    expect(new Set(all.map((t) => t.itemKey)).size).toBe(all.length);
    expect(all.map((t) => t.itemKey)).toEqual([...all.map((t) => t.itemKey)].sort());
    await expect(core.transactions(ordinary.accountId, '2026-02-30', '2026-03-01')).rejects.toThrow(RangeError);
    expect((await core.timeDeposits(timeDeposit.accountId)).length).toBe(4);

    const routes = new Set(answers.map((a) => `${a.method} ${a.route}`));
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect([...routes].sort()).toEqual(documented.sort());
    for (const answer of answers) validator.check(answer.route, answer.status, answer.body, answer.method);
    expect(answers.some((a) => a.status === 404)).toBe(true);
  });

  it('the gateway answers a request without a client certificate 401, in the contract', async () => {
    const before = answers.length;
    const dispatcher = new Agent({ connect: { ca: tls.ca } });
    const response = await request(`${baseUrl}/as-of`, { dispatcher });
    expect(response.statusCode).toBe(401);
    expect(await response.body.json()).toEqual({
      errorCode: 'client_certificate_required',
      errorMessage: expect.any(String),
    });
    await dispatcher.close();
    expect(answers.length).toBe(before + 1);
    validator.check('/as-of', 401, answers.at(-1)!.body);
  });

  it('the gateway answers a body off the contract 400 invalid_request, in the contract', async () => {
    const dispatcher = new Agent({ connect: { ca: tls.ca, cert: tls.client.cert, key: tls.client.key } });
    const response = await request(`${baseUrl}/identity-checks`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ branchCode: '1', accountType: 'ordinary', accountNumber: '1012345', pin: '2580' }),
    });
    expect(response.statusCode).toBe(400);
    const body = await response.body.json();
    expect(body).toMatchObject({ errorCode: 'invalid_request' });
    validator.check('/identity-checks', 400, body, 'post');
    await dispatcher.close();
  });

  it('the TLS connection is refused without the gateway CA: the gateway is authenticated too', async () => {
    const core = createHttpCoreBanking({
      settings: httpConnectorSettings({ baseUrl, maxRetries: 0 }),
      contract,
      tls: { cert: tls.client.cert, key: tls.client.key },
      store: new MemoryStore(clock),
      clock,
      logger: createLogger({ level: 'error', write: () => {} }),
    });
    opened.push(core);
    await expect(core.asOf()).rejects.toThrow(CoreBankingUnavailableError);
  });
});

describe('failures', () => {
  it('an outage is a CoreBankingUnavailableError, which every store-outage path answers 503', async () => {
    const core = connector();
    const { error } = await withFaults({ failStatus: 503 }, () => core.asOf());
    expect(error).toBeInstanceOf(CoreBankingUnavailableError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
  });

  it('reads are retried (jittered back-off), up to maxRetries', async () => {
    const core = connector({ maxRetries: 2, retryBaseMs: 1 });
    const { error, requests } = await withFaults({ failStatus: 500 }, () => core.eligibility(CUSTOMER.A));
    expect(error).toBeInstanceOf(CoreBankingUnavailableError);
    expect(requests).toBe(3);
  });

  it('the PIN check and the one-time code check are sent once, never retried', async () => {
    const core = connector({ maxRetries: 2, retryBaseMs: 1 });
    const { pin, ...ref } = LOGIN.A;
    const pinCheck = await withFaults({ failStatus: 503 }, () => core.checkIdentity(ref, pin));
    expect(pinCheck.error).toBeInstanceOf(CoreBankingUnavailableError);
    expect(pinCheck.requests).toBe(1);
    const otp = await withFaults({ failStatus: 503 }, () => core.verifyOneTimeCode(CUSTOMER.A, '123456', 1));
    expect(otp.error).toBeInstanceOf(CoreBankingUnavailableError);
    expect(otp.requests).toBe(1);
  });

  it('a slow gateway times out; a timed-out identity check is not counted as a failed attempt', async () => {
    const store = new MemoryStore(clock);
    const core = connector(
      { checkTimeoutMs: 100, readTimeoutMs: 100, readDeadlineMs: 150, maxRetries: 0 },
      undefined,
      store,
    );
    const checkWith = (coreBanking: HttpCoreBanking) =>
      createIdentityCheck({
        coreBanking,
        store,
        clock,
        audit: { record: async () => undefined } as never,
        settings: {
          lockAfterFailures: 3,
          failureDelaysMs: [0],
          responseFloorMs: 0,
          ipLimit: { maxFailures: 100, windowSeconds: 60, ipv6PrefixLength: 64 },
          globalLimit: { maxFailures: 1000, windowSeconds: 60 },
          otpAttempts: 3,
          totpWindowSteps: 1,
        },
        sleep: async () => {},
      });
    const { pin, ...ref } = LOGIN.D;
    const slow = await withFaults({ delayMs: 400 }, () =>
      checkWith(core).checkPin(ref, pin, { surface: 'authorization' }),
    );
    expect(slow.error).toBeInstanceOf(CoreBankingUnavailableError);
    expect((slow.error as Error).message).toContain('no answer within 100 ms');
    expect(await core.loginFailures(ref)).toEqual({ consecutiveFailures: 0, locked: false });
    // The control: a wrong PIN that the gateway does answer (in time: argon2 takes a while) is counted.
    expect(
      await checkWith(connector({}, undefined, store)).checkPin(ref, '0000', { surface: 'authorization' }),
    ).toEqual({ ok: false, locked: false });
    expect(await core.loginFailures(ref)).toEqual({ consecutiveFailures: 1, locked: false });
  });

  it('the breaker opens after repeated failures (calls then fail without reaching the gateway) and closes again', async () => {
    const registry = new Registry();
    const core = connector(
      {
        maxRetries: 0,
        breaker: { errorThresholdPercentage: 50, volumeThreshold: 3, rollingWindowMs: 10000, resetTimeoutMs: 200 },
      },
      registry,
    );
    const failing = await withFaults({ failStatus: 502 }, async () => {
      for (let i = 0; i < 10 && core.breakerState() === 'closed'; i += 1) await core.asOf().catch(() => undefined);
      return core.asOf();
    });
    // It opened after the volume threshold of failures, and the last call never reached the gateway.
    expect(failing.requests).toBeGreaterThanOrEqual(3);
    expect(failing.requests).toBeLessThanOrEqual(4);
    const failures = failing.requests;
    expect(failing.error).toBeInstanceOf(CoreBankingUnavailableError);
    expect((failing.error as Error).message).toContain('circuit breaker open');
    expect(core.breakerState()).toBe('open');
    const metrics = await registry.metrics();
    expect(metrics).toContain('renkei_core_banking_breaker_state 2');
    expect(metrics).toMatch(/renkei_core_banking_errors_total\{operation="getAsOf",kind="breaker_open"\} 1/);
    expect(metrics).toContain(`renkei_core_banking_errors_total{operation="getAsOf",kind="status"} ${failures}`);
    // After resetTimeoutMs one trial call goes through (half-open); its success closes the breaker.
    while (core.breakerState() === 'open') await new Promise((resolve) => setTimeout(resolve, 50));
    expect(core.breakerState()).toBe('half_open');
    expect(await core.asOf()).toBe('2026-11-25T12:00:00+09:00');
    expect(core.breakerState()).toBe('closed');
    expect(await registry.metrics()).toContain('renkei_core_banking_breaker_state 0');
    expect(await registry.metrics()).toMatch(
      /renkei_core_banking_request_duration_seconds_count\{operation="getAsOf",outcome="ok"\} 1/,
    );
  });

  it('caches account records for cacheSeconds, never balances', async () => {
    const core = connector({ cacheSeconds: 5 });
    const [account] = await core.accounts(CUSTOMER.D);
    const count = async (fn: () => Promise<unknown>) => (await withFaults({}, fn)).requests;
    expect(await count(() => core.account(account.accountId))).toBe(1);
    expect(await count(() => core.account(account.accountId))).toBe(0);
    expect(await count(() => core.balance(account.accountId))).toBe(1);
    expect(await count(() => core.balance(account.accountId))).toBe(1);
    clock.advance(5_000);
    expect(await count(() => core.account(account.accountId))).toBe(1);
    clock.set(NOON_2026_11_25);
  });
});
