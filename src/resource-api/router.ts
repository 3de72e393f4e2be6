import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter } from '../http/router.ts';
import type { Settings } from '../config/schema.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { LastUsed } from '../grants/last-used.ts';
import type { Clock } from '../shared/clock.ts';
import { noStore } from '../http/no-store.ts';
import { checkScope } from '../web/tokens/check-scope.ts';
import type { TokenChecks } from '../web/tokens/token-checks.ts';
import { loadCoveredAccount } from './checks/load-covered-accounts.ts';
import type { DataCallState } from './context.ts';
import { createPagingKeys } from './paging.ts';
import { listAccounts } from './routes/accounts.ts';
import { listBalances } from './routes/balances.ts';
import { listTimeDeposits } from './routes/time-deposits.ts';
import { listTransactions } from './routes/transactions.ts';

export interface ResourceApiDeps {
  rootDir: string;
  settings: Settings['dataApi'];
  /** The shared secret the paging keys derive from (the same on every instance). */
  secret: Buffer;
  clock: Clock;
  coreBanking: CoreBanking;
  tokenChecks: TokenChecks;
  /** Records when each linkage last served data (the customer's page shows it). */
  lastUsed?: LastUsed;
}

export const OPENAPI_FILE = 'docs/openapi/data-api.json';

/**
 * The data API under /api/v1: every call passes the partner's token checks (src/web/tokens),
 * then the route's scope and the covered account it names (./checks).
 */
export const resourceApiRouter = (deps: ResourceApiDeps) => {
  const router = createRouter<DataCallState>({ prefix: '/api/v1' });
  const openapi = readFileSync(join(deps.rootDir, OPENAPI_FILE));
  const adapter = [noStore, ...deps.tokenChecks.partner({ auditKind: 'data.access', onServed: deps.lastUsed?.touch })];
  const account = (required: boolean) => loadCoveredAccount({ coreBanking: deps.coreBanking }, { required });

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  router.get('/accounts', ...adapter, checkScope('accounts'), account(false), listAccounts(deps));
  router.get('/accounts/balances', ...adapter, checkScope('deposits'), account(false), listBalances(deps));
  router.get(
    '/accounts/transactions',
    ...adapter,
    checkScope('deposits'),
    account(true),
    listTransactions({
      coreBanking: deps.coreBanking,
      clock: deps.clock,
      pageSize: deps.settings.pageSize,
      historyMonths: deps.settings.historyMonths,
      // A key of its own for paging, derived from the shared secret (same on every instance).
      paging: createPagingKeys(createHmac('sha256', deps.secret).update('data-api paging key').digest()),
    }),
  );
  router.get(
    '/accounts/time-deposits',
    ...adapter,
    checkScope('time_deposits'),
    account(false),
    listTimeDeposits(deps),
  );
  return router;
};
