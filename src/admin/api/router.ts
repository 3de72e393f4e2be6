import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter } from '../../http/router.ts';
import type { Ajv } from 'ajv';
import type { Middleware } from 'koa';
import type { Config } from '../../config/load-config.ts';
import { audiences } from '../../protocol/audiences.ts';
import { checkScope } from '../../resource-api/checks/check-scope.ts';
import { ResourceError } from '../../resource-api/errors.ts';
import { respondErrors } from '../../resource-api/respond-errors.ts';
import { internalClientAdapter } from '../../resource-api/router.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store/store.ts';
import { OperationError, type Actor, type AdminOperations } from '../operations/index.ts';
import { jsonBodyReader } from '../../http/json-body.ts';
import { auditApiRoutes } from './routes/audit.ts';
import { customerApiRoutes } from './routes/customers.ts';
import { linkageApiRoutes } from './routes/linkages.ts';
import { partnerApiRoutes } from './routes/partners.ts';
import { restrictionApiRoutes } from './routes/restrictions.ts';

export const ADMIN_OPENAPI_FILE = 'docs/openapi/admin-api.json';

/** An operation's refusal, in the API's error shape. */
const operationErrors: Middleware = async (ctx, next) => {
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
export const adminApiRouter = (deps: {
  config: Config;
  store: Store;
  clock: Clock;
  ajv: Ajv;
  ops: AdminOperations;
}) => {
  const { settings, internalClients } = deps.config;
  const router = createRouter({ prefix: '/admin/api/v1' });
  const openapi = readFileSync(join(deps.config.rootDir, ADMIN_OPENAPI_FILE));
  const adminClients = new Set(
    internalClients.filter((c) => c.scopes.some((s) => s.startsWith('admin:'))).map((c) => c.client_id),
  );

  const authenticate: Middleware[] = [
    ...internalClientAdapter(deps, { audience: audiences(settings.server.issuer).adminApi, clients: adminClients }),
    // The internal client is the actor of what it does.
    async (ctx, next) => {
      ctx.state.actor = {
        name: ctx.state.internalClient as string,
        via: 'api',
        requestId: ctx.state.requestId as string | undefined,
      } satisfies Actor;
      await next();
    },
  ];
  const scope = { read: checkScope('admin:read'), write: checkScope('admin:write') };

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });

  // Everything registered below needs a token (the document above does not); errors answer as the data API's do.
  router.use(
    async (ctx, next) => {
      ctx.set('Cache-Control', 'no-store');
      await next();
    },
    respondErrors,
    operationErrors,
    ...authenticate,
  );

  const apiDeps = { ops: deps.ops, readBody: jsonBodyReader(deps.ajv) };
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
