import { createRouter } from '../http/router.ts';
import { noStore } from '../http/no-store.ts';
import { identitySteps } from '../web/identity/identity-steps.ts';
import { formParser } from '../web/parse-form.ts';
import type { InteractionDeps, InteractionRouteState } from './deps.ts';
import { abortFormSchema, consentFormSchema, loginFormSchema, otpFormSchema } from './forms.ts';
import { interactionIdentity } from './identity.ts';
import { renderConsentPage, renderErrorPage, renderIneligiblePage, renderLoginPage, renderOtpPage } from './pages.ts';
import { checkEligibility } from './steps/check-eligibility.ts';
import { finishInteraction } from './steps/finish.ts';
import { loadInteraction } from './steps/load-interaction.ts';
import { recordConsent } from './steps/record-consent.ts';
import { returnWhenClosed } from './steps/return-when-closed.ts';

/**
 * API連携認証 pages under /interaction/:uid — identity check (PIN, then one-time code),
 * eligibility, account choice and consent — each route composed of one small step per check.
 */
export const interactionRouter = (deps: InteractionDeps) => {
  const router = createRouter<InteractionRouteState>({ prefix: '/interaction/:uid' });
  const load = loadInteraction(deps);
  const identity = identitySteps(
    { identityCheck: deps.identityCheck, otpAttempts: deps.config.settings.identityCheck.otpAttempts },
    interactionIdentity(deps),
  );
  // Outside service hours or under a restriction: the closed page, whatever step was asked for.
  const open = identity.checkServiceOpen;
  // Forms carry the interaction's CSRF token; a forged post sees the session error.
  const parseForm = formParser<InteractionRouteState>(deps.ajv, {
    csrf: (ctx) => ctx.state.interaction.state.csrf,
    onCsrfMismatch: (ctx) =>
      renderErrorPage(deps, ctx, {
        locale: ctx.state.interaction.locale,
        status: 403,
        code: 'csrf_token_mismatch',
        messageKey: 'error.session',
      }),
  });

  router.use(noStore);

  // One URL shows whichever step this interaction is at.
  router.get('/', load, open, async (ctx) => {
    const { state } = ctx.state.interaction;
    switch (state.step) {
      case 'otp':
        return renderOtpPage(deps, ctx);
      case 'consent':
        return renderConsentPage(deps, ctx);
      case 'ineligible':
        // The eligibility step always names the reason with the step.
        return renderIneligiblePage(deps, ctx, `ineligible.${state.ineligibleReason ?? 'no_eligible_account'}`);
      default:
        return renderLoginPage(deps, ctx);
    }
  });

  router.post(
    '/login',
    load,
    open,
    identity.checkThrottle('pin'),
    parseForm(loginFormSchema, { onInvalid: (ctx) => identity.failIdentityCheck(ctx, undefined, 'malformed') }),
    identity.verifyPin,
  );

  router.post(
    '/otp',
    load,
    open,
    identity.checkThrottle('otp'),
    parseForm(otpFormSchema, { onInvalid: identity.refuseMalformedOtp }),
    identity.verifyOtp,
    checkEligibility(deps),
  );

  router.post(
    '/consent',
    load,
    open,
    parseForm(consentFormSchema, {
      arrays: ['accounts'],
      onInvalid: (ctx) => renderConsentPage(deps, ctx, { status: 400, errorKey: 'consent.accounts.none_selected' }),
    }),
    recordConsent(deps),
  );

  // 連携をやめる / 戻る: the partner learns the customer did not authorize (while closed: that it is closed).
  router.post(
    '/abort',
    load,
    parseForm(abortFormSchema, { onInvalid: (ctx) => finishInteraction(deps, ctx, { error: 'access_denied' }) }),
    returnWhenClosed(deps),
    (ctx) =>
      finishInteraction(deps, ctx, {
        error: 'access_denied',
        error_description:
          ctx.state.interaction.state.step === 'ineligible' ? 'the customer is not eligible' : 'the customer cancelled',
      }),
  );

  return router;
};
