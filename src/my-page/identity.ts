import { rememberInDemoBrowser } from '../notifier/demo-browser.ts';
import type { ParameterizedContext } from 'koa';
import type { IdentityPort } from '../web/identity/identity-port.ts';
import { renderBusyPage } from '../http/busy-page.ts';
import type { SessionCookie } from '../web/session-cookie.ts';
import type { MyPageDeps, MyPageRouteState } from './deps.ts';
import { renderClosedPage, renderLoginPage, renderOtpPage } from './pages.ts';
import type { CustomerSessions } from './sessions.ts';

/**
 * /my's side of the identity check (src/web/identity): the state lives in the customer's session,
 * which gets a new id at each step (an id seen before the PIN is worthless after it); a completed
 * check signs the customer in to /my.
 */
export const myPageIdentity = (
  deps: Pick<MyPageDeps, 'sessions' | 'identityCheck' | 'render' | 'availability' | 'settings'>,
  cookie: SessionCookie,
): IdentityPort<MyPageRouteState> => {
  // The steps run behind loadSession, which always leaves a session on the request.
  const current = (ctx: ParameterizedContext<MyPageRouteState>) => {
    const { sessionId, session } = ctx.state.myPage;
    if (!sessionId || !session) throw new Error('no customer session on the request');
    return { sessionId, session };
  };
  const replace = async (
    ctx: ParameterizedContext<MyPageRouteState>,
    next: Parameters<CustomerSessions['create']>[0],
  ) => {
    await deps.sessions.destroy(current(ctx).sessionId);
    const created = await deps.sessions.create(next);
    cookie.write(ctx, created.id);
  };
  return {
    asker: (ctx) => ({ surface: 'my_page', ip: ctx.ip }),
    startedAt: (ctx) => ctx.state.myPage.startedAt,
    pinStep: (ctx) => {
      const { stage, loginRef, customerId } = current(ctx).session;
      return { atOtp: stage === 'otp', loginRef, customerId };
    },
    closed: () => {
      const answer = deps.availability.check('my_page');
      return answer.open ? undefined : answer;
    },
    async restart(ctx) {
      const { sessionId, session } = current(ctx);
      const { csrf, createdAt, lastSeenAt } = session;
      ctx.state.myPage.session = await deps.sessions.touch(sessionId, { stage: 'login', csrf, createdAt, lastSeenAt });
    },
    async otpFailed(ctx) {
      const { sessionId, session } = current(ctx);
      const otpFailures = (session.otpFailures ?? 0) + 1;
      ctx.state.myPage.session = await deps.sessions.touch(sessionId, { ...session, otpFailures });
      return otpFailures;
    },
    pinVerified: (ctx, loginRef, customerId) => replace(ctx, { stage: 'otp', loginRef, customerId }),
    async otpVerified(ctx, customerId) {
      await replace(ctx, { stage: 'active', customerId });
      rememberInDemoBrowser(ctx, customerId, deps.settings.demo === true);
      await deps.identityCheck.waitForFloor(ctx.state.myPage.startedAt);
      ctx.status = 303;
      ctx.redirect('/my');
    },
    stepUrl: () => '/my',
    renderLogin: (ctx, options) => renderLoginPage(deps, ctx, options),
    renderOtp: (ctx, options) => renderOtpPage(deps, ctx, options),
    renderClosed: (ctx, closed) => renderClosedPage(deps, ctx, closed),
    renderBusy: (ctx, error) => renderBusyPage(deps.render, ctx, error, ctx.state.myPage.locale),
  };
};
