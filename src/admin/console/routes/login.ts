import type { ParameterizedContext } from 'koa';
import type { AuditEvent } from '../../../audit/index.ts';
import { isUsername } from '../../staff/staff-accounts.ts';
import type { ConsoleRouter, ConsoleDeps, ConsoleRouteState } from '../deps.ts';
import { loginFormSchema, totpFormSchema, type LoginForm, type TotpForm } from '../forms.ts';
import { renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import type { SessionCookie } from '../../../web/session-cookie.ts';

// Wrong one-time codes in one login before the password is asked for again.
const MAX_TOTP_TRIES = 3;

/**
 * Logging in: username and password, then the one-time code from the staff member's
 * authenticator. Someone without a registered authenticator, or disabled, cannot log in. Failures
 * are throttled per username and per address and audited; the answer never says which part was wrong.
 */
export const loginRoutes = (router: ConsoleRouter, deps: ConsoleDeps, cookie: SessionCookie) => {
  const parseForm = consoleForms(deps);
  type Context = ParameterizedContext<ConsoleRouteState>;
  const request = (ctx: Context) => ctx.state.console;
  const minutes = Math.ceil(deps.throttle.windowSeconds / 60);

  const audit = (
    ctx: Context,
    username: string | undefined,
    result: AuditEvent['result'],
    details: Record<string, unknown>,
  ) =>
    deps.audit.record({
      kind: 'admin.login',
      result,
      // What was typed as a username is recorded only when it could be one (never a password typed in the wrong field).
      actor: username && isUsername(username) ? username : undefined,
      requestId: ctx.state.requestId,
      details: { via: 'console', ip: ctx.ip, ...details },
    });

  /** The session of a login in progress, or a fresh one (for the login form's CSRF token). */
  const loginSession = async (ctx: Context) => {
    const id = cookie.read(ctx);
    const session = await deps.sessions.load(id);
    if (id && session && session.stage !== 'active') return { id, session };
    const fresh = await deps.sessions.create({ stage: 'login' });
    cookie.write(ctx, fresh.id);
    return fresh;
  };

  const showLogin = (
    ctx: Context,
    options: { status?: number; errorKey?: 'login.error' | 'login.throttled' | 'login.restart' } = {},
  ) =>
    renderPage(
      deps,
      ctx,
      'login',
      { errorKey: options.errorKey, minutes },
      { titleKey: 'login.title', status: options.status },
    );
  const showTotp = (ctx: Context, options: { status?: number; error?: boolean } = {}) =>
    renderPage(deps, ctx, 'login-totp', { error: options.error }, { titleKey: 'totp.title', status: options.status });

  /** The login form's post arrives with the session of the form; without one, the form starts again. */
  const withLoginSession = async (ctx: Context, next: () => Promise<unknown>) => {
    const id = cookie.read(ctx);
    const session = await deps.sessions.load(id);
    if (!id || !session || session.stage === 'active') {
      const fresh = await deps.sessions.create({ stage: 'login' });
      cookie.write(ctx, fresh.id);
      Object.assign(request(ctx), { sessionId: fresh.id, session: fresh.session });
      return showLogin(ctx, { status: 400, errorKey: 'login.restart' });
    }
    Object.assign(request(ctx), { sessionId: id, session });
    return next();
  };

  router.get('/login', async (ctx) => {
    const current = await deps.sessions.load(cookie.read(ctx));
    if (current?.stage === 'active') {
      ctx.status = 303;
      return ctx.redirect('/admin');
    }
    const { id, session } = await loginSession(ctx);
    Object.assign(request(ctx), { sessionId: id, session });
    return showLogin(ctx);
  });

  router.post(
    '/login',
    withLoginSession,
    parseForm(loginFormSchema, { onInvalid: (ctx) => showLogin(ctx, { status: 400, errorKey: 'login.error' }) }),
    async (ctx) => {
      const { sessionId } = request(ctx);
      const form: LoginForm = ctx.state.form;
      const username = form.username.trim().toLowerCase();
      if (await deps.throttle.blocked(username, ctx.ip)) {
        await audit(ctx, username, 'denied', { reason: 'throttled' });
        ctx.set('Retry-After', String(deps.throttle.windowSeconds));
        return showLogin(ctx, { status: 429, errorKey: 'login.throttled' });
      }
      const staff = await deps.staff.find(username);
      const matches = await deps.verifyPassword(staff?.passwordHash, form.password);
      const refusal = !staff
        ? 'unknown_user'
        : !matches
          ? 'password'
          : staff.disabled
            ? 'disabled'
            : !staff.totpSecret
              ? 'no_totp'
              : undefined;
      if (refusal) {
        await deps.throttle.failed(username, ctx.ip);
        await audit(ctx, username, 'failure', { reason: refusal, step: 'password' });
        return showLogin(ctx, { status: 400, errorKey: 'login.error' });
      }
      // A new session id at each step: an id known before the login is worth nothing after it.
      await deps.sessions.destroy(sessionId!);
      cookie.write(ctx, (await deps.sessions.create({ stage: 'totp', username })).id);
      ctx.status = 303;
      ctx.redirect('/admin/login/totp');
    },
  );

  router.get('/login/totp', async (ctx) => {
    const id = cookie.read(ctx);
    const session = await deps.sessions.load(id);
    if (!session || session.stage !== 'totp') {
      ctx.status = 303;
      return ctx.redirect('/admin/login');
    }
    Object.assign(request(ctx), { sessionId: id, session });
    return showTotp(ctx);
  });

  router.post('/login/totp', withLoginSession, parseForm(totpFormSchema), async (ctx) => {
    const { sessionId, session } = request(ctx);
    const form: TotpForm = ctx.state.form;
    const username = session?.username;
    if (!sessionId || !session || session.stage !== 'totp' || !username)
      return showLogin(ctx, { status: 400, errorKey: 'login.restart' });
    if (await deps.throttle.blocked(username, ctx.ip)) {
      await audit(ctx, username, 'denied', { reason: 'throttled', step: 'totp' });
      await deps.sessions.destroy(sessionId);
      ctx.set('Retry-After', String(deps.throttle.windowSeconds));
      return showLogin(ctx, { status: 429, errorKey: 'login.throttled' });
    }
    const staff = await deps.staff.find(username);
    const ok = staff !== undefined && !staff.disabled && (await deps.verifyTotp(staff, form.otp.trim()));
    if (!ok) {
      await deps.throttle.failed(username, ctx.ip);
      await audit(ctx, username, 'failure', { reason: 'totp', step: 'totp' });
      const tries = (session.totpFailures ?? 0) + 1;
      if (tries >= MAX_TOTP_TRIES) {
        await deps.sessions.destroy(sessionId);
        cookie.write(ctx, (await deps.sessions.create({ stage: 'login' })).id);
        ctx.status = 303;
        return ctx.redirect('/admin/login');
      }
      request(ctx).session = await deps.sessions.touch(sessionId, { ...session, totpFailures: tries });
      return showTotp(ctx, { status: 400, error: true });
    }
    await deps.throttle.succeeded(username);
    await deps.sessions.destroy(sessionId);
    cookie.write(ctx, (await deps.sessions.create({ stage: 'active', username })).id);
    await audit(ctx, username, 'success', { role: staff.role });
    ctx.status = 303;
    ctx.redirect('/admin');
  });
};
