import type { Middleware } from 'koa';
import type { MyPageDeps, MyPageRouteState } from '../deps.ts';
import { renderErrorPage } from '../pages.ts';
import type { SessionCookie } from '../../web/session-cookie.ts';

/**
 * The customer's session, its idle timeout started again. Without one (first visit, expired), a
 * page view starts a new session at the login step; a post is refused: whatever it carried was
 * meant for a session that is gone.
 */
export const loadSession =
  (
    deps: Pick<MyPageDeps, 'sessions' | 'render'>,
    cookie: SessionCookie,
    options: { create: boolean },
  ): Middleware<MyPageRouteState> =>
  async (ctx, next) => {
    const request = ctx.state.myPage;
    const id = cookie.read(ctx);
    const session = await deps.sessions.load(id);
    if (id && session) {
      request.sessionId = id;
      request.session = await deps.sessions.touch(id, session);
      return next();
    }
    if (!options.create) {
      if (id) cookie.clear(ctx);
      return renderErrorPage(deps, ctx, { status: 403, code: 'session_expired', messageKey: 'my.error.session' });
    }
    const fresh = await deps.sessions.create({ stage: 'login' });
    cookie.write(ctx, fresh.id);
    request.sessionId = fresh.id;
    request.session = fresh.session;
    await next();
  };
