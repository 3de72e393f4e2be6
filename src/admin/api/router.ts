import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter } from '../../http/router.ts';
import type { Ajv } from 'ajv';
import type { Middleware } from 'koa';
import { jsonParser } from '../../web/json-body.ts';
import { ResourceError } from '../../web/errors.ts';
import { noStore } from '../../http/no-store.ts';
import { respondErrors } from '../../web/respond-errors.ts';
import { checkScope } from '../../web/tokens/check-scope.ts';
import type { TokenChecks } from '../../web/tokens/token-checks.ts';
import { OperationError, type AdminOperations } from '../operations/index.ts';
import type { AdminApiState } from './deps.ts';
import { auditApiRoutes } from './routes/audit.ts';
import { customerApiRoutes } from './routes/customers.ts';
import { linkageApiRoutes } from './routes/linkages.ts';
import { partnerApiRoutes } from './routes/partners.ts';
import { restrictionApiRoutes } from './routes/restrictions.ts';

export const ADMIN_OPENAPI_FILE = 'docs/openapi/admin-api.json';

/** An operation's refusal, in the API's error shape. */
const operationErrors: Middleware = async (_ctx, next) => {
  try {
    await next();
  } catch (e) {
    if (!(e instanceof OperationError)) throw e;
    throw new ResourceError(e.status, e.code, e.problems.length ? `${e.message} ${e.problems.join('; ')}` : e.message);
  }
};

/**
 * The admin API under /admin/api/v1, for the bank's own systems: bearer (or DPoP / mTLS-bound)
 * access tokens this server issued to an internal client by client credentials, for this API's
 * resource indicator, with admin:read for reading and admin:write for changes. The same
 * operations as the console, audited with the client as actor.
 */
export const adminApiRouter = (deps: { rootDir: string; tokenChecks: TokenChecks; ajv: Ajv; ops: AdminOperations }) => {
  const router = createRouter<AdminApiState>({ prefix: '/admin/api/v1' });
  const openapi = readFileSync(join(deps.rootDir, ADMIN_OPENAPI_FILE));

  const authenticate: Middleware<AdminApiState>[] = [
    ...deps.tokenChecks.internalClient('adminApi', (scopes) => scopes.some((s) => s.startsWith('admin:'))),
    // The internal client is the actor of what it does.
    async (ctx, next) => {
      ctx.state.actor = { name: ctx.state.internalClient, via: 'api', requestId: ctx.state.requestId };
      await next();
    },
  ];
  const scope = { read: checkScope('admin:read'), write: checkScope('admin:write') };

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });

  // Everything registered below needs a token (the document above does not); errors answer as the data API's do.
  router.use(noStore, respondErrors, operationErrors, ...authenticate);

  const apiDeps = { ops: deps.ops, parseJson: jsonParser(deps.ajv) };
  customerApiRoutes(router, apiDeps, scope);
  linkageApiRoutes(router, apiDeps, scope);
  partnerApiRoutes(router, apiDeps, scope);
  restrictionApiRoutes(router, apiDeps, scope);
  auditApiRoutes(router, apiDeps, scope);
  router.all('/{*rest}', () => {
    throw new ResourceError(404, 'not_found', 'No such admin API operation.');
  });
  return router;
};
