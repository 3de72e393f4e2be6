import Router from '@koa/router';
import type { Middleware } from 'koa';
import { noStore } from '../http/no-store.ts';
import type { MyPageDeps, MyPageRequest } from './deps.ts';
import { confirmFormSchema, loginFormSchema, otpFormSchema } from './forms.ts';
import { renderConfirmPage } from './pages.ts';
import { sessionCookie } from './session-cookie.ts';
import { checkIpThrottle } from './steps/check-ip-throttle.ts';
import { checkServiceOpen } from './steps/check-service-open.ts';
import { endLinkage } from './steps/end-linkage.ts';
import { failIdentityCheck } from './steps/identity-failure.ts';
import { loadLinkage } from './steps/load-linkage.ts';
import { loadSession } from './steps/load-session.ts';
import { parseForm } from './steps/parse-form.ts';
import { requireCustomer } from './steps/require-customer.ts';
import { showCurrentStep } from './steps/show-current-step.ts';
import { signOut } from './steps/sign-out.ts';
import { startRequest } from './steps/start-request.ts';
import { verifyOtp } from './steps/verify-otp.ts';
import { verifyPin } from './steps/verify-pin.ts';

/**
 * /my — the customer's own page (連携の管理): the same identity check as API連携認証, then the
 * customer's live linkages, each of which can be ended after a confirmation. Terms 5.1 sends
 * customers to the partner to cancel; this page is the bank-side way, never the only one.
 * Each route is composed of one small step per file under ./steps.
 */
export const myPageRouter = (deps: MyPageDeps) => {
  const router = new Router({ prefix: '/my' });
  const cookie = sessionCookie(deps.config.settings.server.issuer.startsWith('https:'));
  // A page view without a session starts one (at the first step); a post without one is refused.
  const pageSession = loadSession(deps, cookie, { create: true });
  const session = loadSession(deps, cookie, { create: false });
  const request = (ctx: Parameters<Middleware>[0]) => ctx.state.myPage as MyPageRequest;
  const confirmed = parseForm(deps, confirmFormSchema, { onInvalid: (ctx) => ctx.throw(400, 'malformed form') });

  router.use(noStore, startRequest, checkServiceOpen(deps));

  router.get('/', pageSession, showCurrentStep(deps));

  router.post(
    '/login',
    session,
    checkIpThrottle(deps),
    parseForm(deps, loginFormSchema, { onInvalid: (ctx) => failIdentityCheck(deps, ctx, undefined, 'malformed') }),
    verifyPin(deps, cookie),
  );

  router.post(
    '/otp',
    session,
    checkIpThrottle(deps),
    parseForm(deps, otpFormSchema, {
      onInvalid: (ctx) => failIdentityCheck(deps, ctx, request(ctx).session?.loginRef, 'otp_malformed'),
    }),
    verifyOtp(deps, cookie),
  );

  router.get('/linkages/:grantId/end', pageSession, requireCustomer, loadLinkage(deps), (ctx) =>
    renderConfirmPage(deps, ctx, request(ctx).linkage!),
  );
  router.post('/linkages/:grantId/end', session, requireCustomer, confirmed, loadLinkage(deps), endLinkage(deps));

  router.post('/sign-out', session, confirmed, signOut(deps, cookie));

  return router;
};
