import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter } from '../http/router.ts';
import type { Middleware } from 'koa';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Availability } from '../availability/index.ts';
import type { Config } from '../config/load-config.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { LastUsed } from '../grants/last-used.ts';
import type { PartnerStatusCache } from '../partners/status-cache.ts';
import { audiences } from '../protocol/audiences.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';
import { checkAudience } from './checks/check-audience.ts';
import { checkPartnerActive } from './checks/check-partner-active.ts';
import { checkScope } from './checks/check-scope.ts';
import { checkSenderConstraint } from './checks/check-sender-constraint.ts';
import { checkServiceOpen, checkServiceOpenForPartner } from './checks/check-service-open.ts';
import { loadAccessToken } from './checks/load-access-token.ts';
import { checkInternalClient } from './checks/check-internal-client.ts';
import { loadClientToken } from './checks/load-client-token.ts';
import { loadCoveredAccount } from './checks/load-covered-accounts.ts';
import { readCredentials } from './checks/read-credentials.ts';
import { recordDataAccess } from './checks/record-data-access.ts';
import { createDpopNonces } from './dpop-nonce.ts';
import { createPagingKeys } from './paging.ts';
import { respondErrors } from './respond-errors.ts';
import { listAccounts } from './routes/accounts.ts';
import { listBalances } from './routes/balances.ts';
import { listTimeDeposits } from './routes/time-deposits.ts';
import { listTransactions } from './routes/transactions.ts';

export interface ResourceApiDeps {
  config: Config;
  store: Store;
  clock: Clock;
  coreBanking: CoreBanking;
  partners: PartnerStatusCache;
  audit: AuditLog;
  availability: Availability;
  /** Records when each linkage last served data (the customer's page shows it). */
  lastUsed?: LastUsed;
}

export const OPENAPI_FILE = 'docs/openapi/data-api.json';

/**
 * The resource adapter: what every call made with a partner's access token passes — one small
 * check per file under ./checks. Routes add their own scope and account checks after it.
 */
/** The proof-of-possession check (DPoP or mTLS) with the bank's settings, for either kind of token. */
const senderConstraint = (deps: Pick<ResourceApiDeps, 'config' | 'store' | 'clock'>) => {
  const { settings, secrets } = deps.config;
  return checkSenderConstraint({
    store: deps.store,
    clock: deps.clock,
    issuer: settings.server.issuer,
    iatToleranceSeconds: settings.dpop.iatToleranceSeconds,
    nonces: settings.dpop.requireNonce
      ? createDpopNonces({ secret: Buffer.from(secrets.dpopNonceSecret, 'base64url'), clock: deps.clock })
      : undefined,
    certificateHeader: settings.mtls.enabled ? settings.mtls.certificateHeader : undefined,
  });
};

/**
 * What every call from one of the bank's own systems passes: an access token this server issued
 * to an internal client by client credentials (Bearer, or DPoP / mTLS-bound), for this API's
 * resource indicator, from a client still allowed this API. Routes add their scope check.
 */
export const internalClientAdapter = (
  deps: Pick<ResourceApiDeps, 'config' | 'store' | 'clock'>,
  options: { audience: string; clients: ReadonlySet<string> },
): Middleware[] => [
  // A caller without credentials is told to use Bearer (the data API's default challenge is DPoP).
  async (ctx, next) => {
    ctx.state.resource = { scheme: 'Bearer' };
    await next();
  },
  readCredentials,
  loadClientToken({ store: deps.store, clock: deps.clock }),
  checkAudience(options.audience),
  senderConstraint(deps),
  checkInternalClient(options.clients),
];

export const resourceAdapter = (
  deps: ResourceApiDeps,
  options: { auditKind: string; onServed?: Parameters<typeof recordDataAccess>[2] },
): Middleware[] => {
  const { settings } = deps.config;
  return [
    respondErrors,
    recordDataAccess(deps.audit, options.auditKind, options.onServed),
    // Closed (service hours, a restriction of all) answers 503 before the token is even read.
    checkServiceOpen(deps.availability),
    readCredentials,
    loadAccessToken({ store: deps.store, clock: deps.clock }),
    checkAudience(audiences(settings.server.issuer).dataApi),
    senderConstraint(deps),
    checkPartnerActive(deps.partners),
    checkServiceOpenForPartner(deps.availability),
  ];
};

/** The data API under /api/v1. */
export const resourceApiRouter = (deps: ResourceApiDeps) => {
  const { settings, secrets } = deps.config;
  const secret = Buffer.from(secrets.dpopNonceSecret, 'base64url');
  const router = createRouter({ prefix: '/api/v1' });
  const openapi = readFileSync(join(deps.config.rootDir, OPENAPI_FILE));
  const adapter = resourceAdapter(deps, { auditKind: 'data.access', onServed: deps.lastUsed?.touch });
  const account = (required: boolean) => loadCoveredAccount({ coreBanking: deps.coreBanking }, { required });
  const noStore: Middleware = async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  };

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  router.get('/accounts', noStore, ...adapter, checkScope('accounts'), account(false), listAccounts(deps));
  router.get('/accounts/balances', noStore, ...adapter, checkScope('deposits'), account(false), listBalances(deps));
  router.get(
    '/accounts/transactions',
    noStore,
    ...adapter,
    checkScope('deposits'),
    account(true),
    listTransactions({
      coreBanking: deps.coreBanking,
      clock: deps.clock,
      pageSize: settings.dataApi.pageSize,
      historyMonths: settings.dataApi.historyMonths,
      // A key of its own for paging, derived from the shared secret (same on every instance).
      paging: createPagingKeys(createHmac('sha256', secret).update('data-api paging key').digest()),
    }),
  );
  router.get(
    '/accounts/time-deposits',
    noStore,
    ...adapter,
    checkScope('time_deposits'),
    account(false),
    listTimeDeposits(deps),
  );
  return router;
};
