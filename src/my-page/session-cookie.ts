import type { Context } from 'koa';

export const SESSION_COOKIE = 'my_session';

/**
 * The session cookie of /my: only the session id, signed, httpOnly, SameSite=Strict (a form
 * posted from another site arrives without it), Secure when the server is reached over https,
 * and sent only to /my. No expiry: it ends with the browser, the session with the idle timeout.
 */
export const sessionCookie = (secure: boolean) => {
  const options = { httpOnly: true, sameSite: 'strict' as const, secure, path: '/my', signed: true, overwrite: true };
  return {
    read: (ctx: Context) => ctx.cookies.get(SESSION_COOKIE, { signed: true }),
    write: (ctx: Context, id: string) => ctx.cookies.set(SESSION_COOKIE, id, options),
    clear: (ctx: Context) => ctx.cookies.set(SESSION_COOKIE, '', { ...options, maxAge: 0 }),
  };
};

export type SessionCookie = ReturnType<typeof sessionCookie>;
