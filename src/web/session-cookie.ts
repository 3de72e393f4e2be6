import type { Context } from 'koa';

/**
 * A session cookie of our own pages (/my, /admin): only the session id, signed, httpOnly,
 * SameSite=Strict (a form posted from another site arrives without it), Secure when the server is
 * reached over https, and sent only under its path. No expiry: it ends with the browser, the
 * session with the idle timeout.
 */
export const sessionCookie = (settings: { name: string; path: string; secure: boolean }) => {
  const options = {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: settings.secure,
    path: settings.path,
    signed: true,
    overwrite: true,
  };
  return {
    name: settings.name,
    read: (ctx: Context) => ctx.cookies.get(settings.name, { signed: true }),
    write: (ctx: Context, id: string) => ctx.cookies.set(settings.name, id, options),
    clear: (ctx: Context) => ctx.cookies.set(settings.name, '', { ...options, maxAge: 0 }),
  };
};

export type SessionCookie = ReturnType<typeof sessionCookie>;
