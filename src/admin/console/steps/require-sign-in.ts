import type { Middleware } from 'koa';
import { permissionsOf } from '../../permissions.ts';
import type { ConsoleDeps, ConsoleRouteState } from '../deps.ts';
import type { SessionCookie } from '../../../web/session-cookie.ts';

/**
 * Every page behind the login: an active session, and a staff account that is still enabled and
 * still has its second factor — read again on each request, so disabling someone takes effect at
 * once. The session's idle timeout starts again. Otherwise the browser goes to the login page.
 */
export const requireSignIn =
  (deps: Pick<ConsoleDeps, 'sessions' | 'staff'>, cookie: SessionCookie): Middleware<ConsoleRouteState> =>
  async (ctx, next) => {
    const request = ctx.state.console;
    const id = cookie.read(ctx);
    const session = await deps.sessions.load(id);
    const staff = session?.stage === 'active' && session.username ? await deps.staff.find(session.username) : undefined;
    if (!id || !session || !staff || staff.disabled || !staff.totpSecret) {
      if (id && session) await deps.sessions.destroy(id);
      ctx.status = 303;
      ctx.redirect('/admin/login');
      return;
    }
    request.sessionId = id;
    request.session = await deps.sessions.touch(id, session);
    request.staff = staff;
    request.can = permissionsOf(staff.role);
    request.actor = { name: staff.username, via: 'console', requestId: ctx.state.requestId };
    await next();
  };
