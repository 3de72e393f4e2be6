import { createRouter } from '../http/router.ts';
import { noStore } from '../http/no-store.ts';
import { identitySteps } from '../web/identity/identity-steps.ts';
import { formParser } from '../web/parse-form.ts';
import { sessionCookie } from '../web/session-cookie.ts';
import type { MyPageDeps, MyPageRouteState } from './deps.ts';
import { confirmFormSchema, loginFormSchema, otpFormSchema } from './forms.ts';
import { myPageIdentity } from './identity.ts';
import { renderConfirmPage, renderErrorPage } from './pages.ts';
import { endLinkage } from './steps/end-linkage.ts';
import { loadLinkage } from './steps/load-linkage.ts';
import { loadSession } from './steps/load-session.ts';
import { requireCustomer } from './steps/require-customer.ts';
import { showCurrentStep } from './steps/show-current-step.ts';
import { signOut } from './steps/sign-out.ts';
import { startRequest } from './steps/start-request.ts';

/**
 * /my — the customer's own page (連携の管理): the same identity check as API連携認証, then the
 * customer's live linkages, each of which can be ended after a confirmation. Terms 5.1 sends
 * customers to the partner to cancel; this page is the bank-side way, never the only one.
 * Each route is composed of one small step per file under ./steps.
 */
export const myPageRouter = (deps: MyPageDeps) => {
  const router = createRouter<MyPageRouteState>({ prefix: '/my' });
  const cookie = sessionCookie({
    name: 'my_session',
    path: '/my',
    secure: deps.settings.secureCookies,
  });
  const identity = identitySteps(
    { identityCheck: deps.identityCheck, otpAttempts: deps.settings.otpAttempts },
    myPageIdentity(deps, cookie),
  );
  // Forms carry the session's CSRF token: a forged post is refused (403) before anything else is looked at.
  const parseForm = formParser<MyPageRouteState>(deps.ajv, {
    csrf: (ctx) => ctx.state.myPage.session?.csrf,
    onCsrfMismatch: (ctx) =>
      renderErrorPage(deps, ctx, { status: 403, code: 'csrf_token_mismatch', messageKey: 'my.error.session' }),
  });
  // A page view without a session starts one (at the first step); a post without one is refused.
  const pageSession = loadSession(deps, cookie, { create: true });
  const session = loadSession(deps, cookie, { create: false });
  const confirmed = parseForm(confirmFormSchema, { onInvalid: (ctx) => ctx.throw(400, 'malformed form') });

  router.use(noStore, startRequest, identity.checkServiceOpen);

  router.get('/', pageSession, showCurrentStep(deps));

  router.post(
    '/login',
    session,
    identity.checkThrottle('pin'),
    parseForm(loginFormSchema, { onInvalid: (ctx) => identity.failIdentityCheck(ctx, undefined, 'malformed') }),
    identity.verifyPin,
  );

  router.post(
    '/otp',
    session,
    identity.checkThrottle('otp'),
    parseForm(otpFormSchema, { onInvalid: identity.refuseMalformedOtp }),
    identity.verifyOtp,
  );

  router.get('/linkages/:grantId/end', pageSession, requireCustomer, loadLinkage(deps), (ctx) =>
    renderConfirmPage(deps, ctx, ctx.state.myPage.linkage!),
  );
  router.post('/linkages/:grantId/end', session, requireCustomer, confirmed, loadLinkage(deps), endLinkage(deps));

  router.post('/sign-out', session, confirmed, signOut(deps, cookie));

  return router;
};
