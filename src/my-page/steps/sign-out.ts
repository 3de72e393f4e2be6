import type { Middleware } from 'koa';
import type { MyPageDeps, MyPageRouteState } from '../deps.ts';
import type { SessionCookie } from '../../web/session-cookie.ts';

/** 終了する / やめる: the session ends here, not only when it idles out. */
export const signOut =
  (deps: Pick<MyPageDeps, 'sessions'>, cookie: SessionCookie): Middleware<MyPageRouteState> =>
  async (ctx) => {
    const request = ctx.state.myPage;
    await deps.sessions.destroy(request.sessionId!);
    cookie.clear(ctx);
    ctx.status = 303;
    ctx.redirect('/my');
  };
