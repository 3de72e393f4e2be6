import { performance } from 'node:perf_hooks';
import { setTimeout as wait } from 'node:timers/promises';
import CircuitBreaker from 'opossum';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Pool } from 'undici';
import type { FromSchema } from 'json-schema-to-ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Store } from '../../store/store.ts';
import { METRIC_PREFIX } from '../../shared/metric-prefix.ts';
import { parseIsoDateOrThrow } from '../../shared/jst.ts';
import { CoreBankingProtocolError, CoreBankingUnavailableError } from '../errors.ts';
import { createLoginFailureCounter } from '../login-failures.ts';
import type { Account, CoreBanking, Customer, Transaction } from '../port.ts';
import { describeErrors, type GatewayContract, type GatewaySchemas } from './contract.ts';
import type { coreBankingSettingsSchema } from './settings-schema.ts';
import { codeOf, messageOf, nameOf } from '../../shared/thrown.ts';
import { fieldOf } from '../../shared/unknown-json.ts';

export type HttpConnectorSettings = FromSchema<typeof coreBankingSettingsSchema>['http'] & {};

export interface HttpCoreBankingDeps {
  settings: Required<HttpConnectorSettings>;
  contract: GatewayContract;
  /** PEM contents (not paths): the gateway's CA, this server's client certificate and key. */
  tls: { ca?: string; cert?: string; key?: string };
  /** The server's own API連携認証 failure counter lives here (the host keeps its PIN lock itself). */
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The app's metrics registry (src/ops). */
  registry?: Registry;
  random?: () => number;
}

export interface HttpCoreBanking extends CoreBanking {
  /** closed, half_open or open: for the tests, readiness and the console. */
  breakerState(): 'closed' | 'half_open' | 'open';
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };

/** Why an attempt failed, as the metrics label it; every kind is an outage to the caller. */
class AttemptFailure extends Error {
  readonly kind: 'timeout' | 'network' | 'status';
  readonly status?: number;
  constructor(kind: 'timeout' | 'network' | 'status', message: string, status?: number) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

const BREAKER_STATE = { closed: 0, half_open: 1, open: 2 } as const;
const RETRY_WINDOW_MS = 10_000;
const RETRY_BUDGET_FLOOR = 5;
const PAGE_SIZE = 500;
const MAX_PAGES = 200;
const CACHE_ENTRIES = 10_000;

/**
 * The core-banking port over HTTPS to the bank's gateway (docs/openapi/core-banking-gateway.json).
 * - one keep-alive pool with this server's client certificate (mutual TLS);
 * - a timeout per attempt; reads are retried with full-jitter back-off inside a deadline and a
 *   retry budget; the PIN and code checks are sent once, never retried;
 * - one circuit breaker (opossum) for the gateway: when it is open every call fails at once;
 * - every answer checked against the contract; account and customer records cached for
 *   `cacheSeconds` (balances, transactions, eligibility, checks: never);
 * - any failure to answer is a CoreBankingUnavailableError (503 upstream), never a guess.
 */
export const createHttpCoreBanking = (deps: HttpCoreBankingDeps): HttpCoreBanking => {
  const { settings, contract, clock, logger } = deps;
  if (!settings.baseUrl) throw new Error('coreBanking.http.baseUrl is not set');
  const base = new URL(settings.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const random = deps.random ?? Math.random;
  const pool = new Pool(base.origin, {
    connections: settings.connections,
    keepAliveTimeout: settings.keepAliveSeconds * 1000,
    connect: {
      ca: deps.tls.ca,
      cert: deps.tls.cert,
      key: deps.tls.key,
      rejectUnauthorized: true,
      timeout: Math.max(settings.readTimeoutMs, settings.checkTimeoutMs),
    },
  });

  const registers = deps.registry ? [deps.registry] : [];
  const duration = new Histogram({
    name: `${METRIC_PREFIX}core_banking_request_duration_seconds`,
    help: 'Time of one attempt of a core-banking gateway call, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const errors = new Counter({
    name: `${METRIC_PREFIX}core_banking_errors_total`,
    help: 'Failed core-banking gateway calls, by operation and kind (timeout, network, status, breaker_open, ...).',
    labelNames: ['operation', 'kind'] as const,
    registers,
  });
  const retries = new Counter({
    name: `${METRIC_PREFIX}core_banking_retries_total`,
    help: 'Retries of idempotent core-banking reads, by operation.',
    labelNames: ['operation'] as const,
    registers,
  });
  const breakerGauge = new Gauge({
    name: `${METRIC_PREFIX}core_banking_breaker_state`,
    help: 'The core-banking gateway circuit breaker: 0 closed, 1 half-open, 2 open.',
    registers,
  });

  const attempt = async (
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<Reply> => {
    const started = performance.now();
    let outcome = 'ok';
    try {
      const response = await pool.request({
        path: `${prefix}${path}`,
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(Math.ceil(timeoutMs)),
      });
      const text = await response.body.text();
      if (response.statusCode >= 500 || response.statusCode === 429) {
        outcome = 'status';
        throw new AttemptFailure('status', `answered ${response.statusCode}`, response.statusCode);
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        outcome = 'protocol';
        throw new AttemptFailure('status', `answered ${response.statusCode} with a body that is not JSON`);
      }
      return { status: response.statusCode, body: parsed };
    } catch (e) {
      if (e instanceof AttemptFailure) throw e;
      const timedOut = nameOf(e) === 'TimeoutError' || nameOf(e) === 'AbortError';
      const kind = timedOut ? 'timeout' : 'network';
      outcome = kind;
      throw new AttemptFailure(kind, timedOut ? `no answer within ${timeoutMs} ms` : messageOf(e));
    } finally {
      duration.observe({ operation, outcome }, (performance.now() - started) / 1000);
    }
  };

  const breaker = new CircuitBreaker(attempt, {
    timeout: false, // each attempt has its own timeout (reads and checks differ)
    errorThresholdPercentage: settings.breaker.errorThresholdPercentage,
    volumeThreshold: settings.breaker.volumeThreshold,
    rollingCountTimeout: settings.breaker.rollingWindowMs,
    resetTimeout: settings.breaker.resetTimeoutMs,
  });
  const stateOf = (): 'closed' | 'half_open' | 'open' =>
    breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed';
  const onState = (state: keyof typeof BREAKER_STATE) => () => {
    breakerGauge.set(BREAKER_STATE[state]);
    const log = state === 'open' ? logger.warn : logger.info;
    log('core-banking gateway circuit breaker', { state });
  };
  breaker.on('open', onState('open'));
  breaker.on('halfOpen', onState('half_open'));
  breaker.on('close', onState('closed'));
  breakerGauge.set(0);

  // Retry budget: over the last window, retries may be at most a share of the calls (plus a floor).
  let windowStart = performance.now();
  let callsInWindow = 0;
  let retriesInWindow = 0;
  const rollWindow = () => {
    if (performance.now() - windowStart < RETRY_WINDOW_MS) return;
    windowStart = performance.now();
    callsInWindow = 0;
    retriesInWindow = 0;
  };
  const retryAllowed = () => {
    rollWindow();
    if (retriesInWindow >= RETRY_BUDGET_FLOOR + settings.retryBudgetRatio * callsInWindow) return false;
    retriesInWindow += 1;
    return true;
  };

  const unavailable = (operation: string, e: unknown): CoreBankingUnavailableError => {
    const open = codeOf(e) === 'EOPENBREAKER';
    const kind = open ? 'breaker_open' : e instanceof AttemptFailure ? e.kind : 'network';
    errors.inc({ operation, kind });
    return new CoreBankingUnavailableError(operation, open ? 'circuit breaker open' : messageOf(e));
  };

  /** One call through the breaker; reads retry inside their deadline and the budget. */
  const call = async (
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; idempotent: boolean },
  ): Promise<Reply> => {
    rollWindow();
    callsInWindow += 1;
    if (!options.idempotent) {
      try {
        return await breaker.fire(operation, method, path, options.body, settings.checkTimeoutMs);
      } catch (e) {
        throw unavailable(operation, e);
      }
    }
    const deadline = performance.now() + settings.readDeadlineMs;
    for (let retry = 0; ; retry += 1) {
      const left = deadline - performance.now();
      try {
        return await breaker.fire(
          operation,
          method,
          path,
          options.body,
          Math.max(1, Math.min(settings.readTimeoutMs, left)),
        );
      } catch (e) {
        const open = codeOf(e) === 'EOPENBREAKER';
        const backoff = random() * settings.retryBaseMs * 2 ** retry;
        const time = deadline - performance.now() - backoff;
        if (open || retry >= settings.maxRetries || time < 1 || !retryAllowed()) throw unavailable(operation, e);
        retries.inc({ operation });
        await wait(Math.ceil(backoff));
      }
    }
  };

  /** The body of a 200, checked against the contract; undefined for a 404 when `notFound` allows it. */
  const expect = <N extends keyof GatewaySchemas>(
    operation: string,
    reply: Reply,
    schema: N,
    notFound = false,
  ): GatewaySchemas[N] | undefined => {
    if (reply.status === 404 && notFound) return undefined;
    const validate = contract.schema(schema);
    const { body } = reply;
    if (reply.status === 200 && validate(body)) return body;
    errors.inc({ operation, kind: 'protocol' });
    const what = reply.status === 200 ? describeErrors(validate) : JSON.stringify(fieldOf(body, 'errorCode'));
    throw new CoreBankingProtocolError(
      `core-banking gateway ${operation}: unexpected ${reply.status} answer (${what})`,
    );
  };

  const read = async <N extends keyof GatewaySchemas>(operation: string, path: string, schema: N, notFound = false) =>
    expect(operation, await call(operation, 'GET', path, { idempotent: true }), schema, notFound);

  // Short caches of records that change rarely and are not time-sensitive, one per kind of record, with
  // one bound for all; copies, so callers cannot change them.
  const caches: { readonly size: number }[] = [];
  const cacheOf = <T>() => {
    const entries = new Map<string, { until: number; value: T }>();
    caches.push(entries);
    return async (key: string, load: () => Promise<T>): Promise<T> => {
      if (settings.cacheSeconds === 0) return load();
      const hit = entries.get(key);
      if (hit && hit.until > clock.now()) return structuredClone(hit.value);
      const value = await load();
      if (caches.reduce((n, c) => n + c.size, 0) >= CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, { until: clock.now() + settings.cacheSeconds * 1000, value });
      return structuredClone(value);
    };
  };
  const cachedCustomer = cacheOf<Customer | undefined>();
  const cachedAccounts = cacheOf<Account[]>();
  const cachedAccount = cacheOf<Account | undefined>();

  const id = encodeURIComponent;
  const failures = createLoginFailureCounter(deps.store);

  const checkIdentity = async (ref: Parameters<CoreBanking['checkIdentity']>[0], pin: string) => {
    const body = { branchCode: ref.branchCode, accountType: ref.accountType, accountNumber: ref.accountNumber, pin };
    const reply = await call('checkIdentity', 'POST', '/identity-checks', { body, idempotent: false });
    const outcome = expect('checkIdentity', reply, 'IdentityCheckResult')!;
    if (outcome.result === 'unknown') return { result: 'unknown' } as const;
    if (!outcome.customerId || (outcome.result === 'verified' && !outcome.accountId)) {
      errors.inc({ operation: 'checkIdentity', kind: 'protocol' });
      throw new CoreBankingProtocolError(
        `core-banking gateway checkIdentity: ${outcome.result} without the ids it needs`,
      );
    }
    return outcome.result === 'verified'
      ? { result: 'verified' as const, customerId: outcome.customerId, accountId: outcome.accountId! }
      : { result: outcome.result, customerId: outcome.customerId };
  };

  const customerIdOf = async (ref: Parameters<CoreBanking['customerIdOf']>[0]) => {
    const body = { branchCode: ref.branchCode, accountType: ref.accountType, accountNumber: ref.accountNumber };
    const reply = await call('lookupLoginAccount', 'POST', '/login-accounts/lookup', { body, idempotent: true });
    return expect('lookupLoginAccount', reply, 'AccountLookupResult', true)?.customerId;
  };

  return {
    checkIdentity,

    async verifyPin(ref, pin) {
      const outcome = await checkIdentity(ref, pin);
      return outcome.result === 'verified'
        ? { customerId: outcome.customerId, accountId: outcome.accountId }
        : undefined;
    },

    customerIdOf,

    async verifyOneTimeCode(customerId, code, windowSteps) {
      const reply = await call('checkOneTimeCode', 'POST', `/customers/${id(customerId)}/one-time-code-checks`, {
        body: { code, windowSteps },
        idempotent: false,
      });
      const result = expect('checkOneTimeCode', reply, 'OneTimeCodeCheckResult')!;
      return result.result === 'valid' ? result.timeStep : undefined;
    },

    contact: (customerId) => read('getContact', `/customers/${id(customerId)}/contact`, 'Contact', true),

    async searchCustomers({ customerId, nameKana }) {
      if (customerId === undefined && nameKana === undefined) return [];
      const query = new URLSearchParams();
      if (customerId !== undefined) query.set('customerId', customerId);
      if (nameKana !== undefined) query.set('nameKana', nameKana);
      const list = await read('searchCustomers', `/customers?${query}`, 'CustomerList');
      return list!.customers;
    },

    customer: (customerId) =>
      cachedCustomer(`customer:${customerId}`, () =>
        read('getCustomer', `/customers/${id(customerId)}`, 'Customer', true),
      ),

    async eligibility(customerId) {
      const answer = (await read('getEligibility', `/customers/${id(customerId)}/eligibility`, 'Eligibility'))!;
      if (answer.eligible) return { eligible: true };
      if (!('reason' in answer) || !answer.reason)
        throw new CoreBankingProtocolError('eligibility: not eligible without a reason');
      return { eligible: false, reason: answer.reason };
    },

    accounts: (customerId) =>
      cachedAccounts(`accounts:${customerId}`, async () => {
        const list = await read('listAccounts', `/customers/${id(customerId)}/accounts`, 'AccountList');
        return list!.accounts;
      }),

    account: (accountId) =>
      cachedAccount(`account:${accountId}`, () => read('getAccount', `/accounts/${id(accountId)}`, 'Account', true)),

    async asOf() {
      return (await read('getAsOf', '/as-of', 'AsOf'))!.asOf;
    },

    balance: (accountId) => read('getBalance', `/accounts/${id(accountId)}/balance`, 'Balance', true),

    async transactions(accountId, dateFrom, dateTo) {
      parseIsoDateOrThrow(dateFrom);
      parseIsoDateOrThrow(dateTo);
      const all: Transaction[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const query = new URLSearchParams({ dateFrom, dateTo, limit: String(PAGE_SIZE) });
        if (cursor) query.set('cursor', cursor);
        const reply = await read(
          'listTransactions',
          `/accounts/${id(accountId)}/transactions?${query}`,
          'TransactionPage',
        );
        all.push(...reply!.transactions);
        cursor = reply!.nextCursor;
        if (!cursor) return all;
      }
      throw new CoreBankingProtocolError(`listTransactions: more than ${MAX_PAGES} pages`);
    },

    async timeDeposits(accountId) {
      const list = await read('listTimeDeposits', `/accounts/${id(accountId)}/time-deposits`, 'TimeDepositList');
      return list!.timeDeposits;
    },

    loginFailures: (ref) => failures.state(ref),
    async recordLoginFailure(ref, lockAfter) {
      // A made-up account's counter expires (see the counter); when the gateway cannot tell, keep it.
      const known = await customerIdOf(ref).then(
        (customerId) => customerId !== undefined,
        () => true,
      );
      return failures.record(ref, lockAfter, known);
    },
    resetLoginFailures: (ref) => failures.reset(ref),
    unlock: (ref) => failures.unlock(ref),

    breakerState: stateOf,

    async close() {
      breaker.shutdown();
      await pool.close();
    },
  };
};
