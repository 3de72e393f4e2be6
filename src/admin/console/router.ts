import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter } from '../../http/router.ts';
import type { ConsoleDeps, ConsoleRouteState } from './deps.ts';
import { auditRoutes } from './routes/audit.ts';
import { customerRoutes } from './routes/customers.ts';
import { homeRoutes } from './routes/home.ts';
import { linkageRoutes } from './routes/linkages.ts';
import { loginRoutes } from './routes/login.ts';
import { partnerRoutes } from './routes/partners.ts';
import { searchRoutes } from './routes/search.ts';
import { serviceRoutes } from './routes/service.ts';
import { staffRoutes } from './routes/staff.ts';
import { operationErrors } from './steps/operation-errors.ts';
import { requireSignIn } from './steps/require-sign-in.ts';
import { sessionCookie } from '../../web/session-cookie.ts';
import { startRequest } from './steps/start-request.ts';

/**
 * The staff console under /admin: server-rendered pages (Japanese first, English selectable) that
 * work without JavaScript. Each route is composed of small steps: sign-in, role, form and CSRF,
 * the one-time code again for bulk actions, then the operation.
 */
export const consoleRouter = (deps: ConsoleDeps) => {
  const router = createRouter<ConsoleRouteState>({ prefix: '/admin' });
  const css = readFileSync(join(deps.config.rootDir, 'views/admin/admin.css'));
  const cookie = sessionCookie({
    name: 'admin_session',
    path: '/admin',
    secure: deps.config.settings.server.issuer.startsWith('https:'),
  });
  const signedIn = requireSignIn(deps, cookie);

  router.get('/static/admin.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = css;
  });

  // Runs only for the console's own routes (not the admin API's, which answer JSON).
  router.use(startRequest, operationErrors(deps));

  loginRoutes(router, deps, cookie);
  homeRoutes(router, deps, signedIn, cookie);
  searchRoutes(router, deps, signedIn);
  customerRoutes(router, deps, signedIn);
  linkageRoutes(router, deps, signedIn);
  partnerRoutes(router, deps, signedIn);
  serviceRoutes(router, deps, signedIn);
  auditRoutes(router, deps, signedIn);
  staffRoutes(router, deps, signedIn);
  return router;
};
