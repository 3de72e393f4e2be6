import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config/load-config.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { PartnerStatusCache } from '../partners/status-cache.ts';
import { audiences } from '../protocol/audiences.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';
import { checkAudience } from './checks/check-audience.ts';
import { checkPartnerActive } from './checks/check-partner-active.ts';
import { checkScope } from './checks/check-scope.ts';
import { checkSenderConstraint } from './checks/check-sender-constraint.ts';
import { loadAccessToken } from './checks/load-access-token.ts';
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
}

export const OPENAPI_FILE = 'docs/openapi/data-api.json';

/**
 * The data API under /api/v1. Every data route passes the same resource adapter — one small
 * check per file under ./checks — then its own scope and account checks.
 */
export const resourceApiRouter = (deps: ResourceApiDeps) => {
  const { settings, secrets } = deps.config;
  const secret = Buffer.from(secrets.dpopNonceSecret, 'base64url');
  const router = new Router({ prefix: '/api/v1' });
  const openapi = readFileSync(join(deps.config.rootDir, OPENAPI_FILE));

  const resourceAdapter: Middleware[] = [
    respondErrors,
    recordDataAccess(deps.audit),
    readCredentials,
    loadAccessToken({ store: deps.store, clock: deps.clock }),
    checkAudience(audiences(settings.server.issuer).dataApi),
    checkSenderConstraint({
      store: deps.store,
      clock: deps.clock,
      iatToleranceSeconds: settings.dpop.iatToleranceSeconds,
      nonces: settings.dpop.requireNonce ? createDpopNonces({ secret, clock: deps.clock }) : undefined,
      certificateHeader: settings.mtls.enabled ? settings.mtls.certificateHeader : undefined,
    }),
    checkPartnerActive(deps.partners),
  ];
  const account = (required: boolean) => loadCoveredAccount({ coreBanking: deps.coreBanking }, { required });
  const noStore: Middleware = async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  };

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  router.get('/accounts', noStore, ...resourceAdapter, checkScope('accounts'), account(false), listAccounts(deps));
  router.get('/accounts/balances', noStore, ...resourceAdapter, checkScope('deposits'), account(false), listBalances(deps));
  router.get('/accounts/transactions', noStore, ...resourceAdapter, checkScope('deposits'), account(true), listTransactions({
    coreBanking: deps.coreBanking,
    clock: deps.clock,
    pageSize: settings.dataApi.pageSize,
    historyMonths: settings.dataApi.historyMonths,
    // A key of its own for paging, derived from the shared secret (same on every instance).
    paging: createPagingKeys(createHmac('sha256', secret).update('data-api paging key').digest()),
  }));
  router.get('/accounts/time-deposits', noStore, ...resourceAdapter, checkScope('time_deposits'), account(false), listTimeDeposits(deps));
  return router;
};
