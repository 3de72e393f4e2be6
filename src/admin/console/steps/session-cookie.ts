import type { Context } from 'koa';

export const SESSION_COOKIE = 'admin_session';

/**
 * The console's session cookie: only the session id, signed, httpOnly, SameSite=Strict (a form
 * posted from another site arrives without it), Secure when the server is reached over https,
 * and sent only to /admin. No expiry: it ends with the browser, the session with the idle timeout.
 */
export const sessionCookie = (secure: boolean) => ({
  read: (ctx: Context) => ctx.cookies.get(SESSION_COOKIE, { signed: true }),
  write: (ctx: Context, id: string) =>
    ctx.cookies.set(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/admin',
      signed: true,
      overwrite: true,
    }),
  clear: (ctx: Context) =>
    ctx.cookies.set(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/admin',
      signed: true,
      overwrite: true,
      maxAge: 0,
    }),
});

export type SessionCookie = ReturnType<typeof sessionCookie>;
