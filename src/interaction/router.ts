import Router from '@koa/router';
import type { Middleware } from 'koa';
import { noStore } from '../http/no-store.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { InteractionDeps, InteractionRequest } from './deps.ts';
import { abortFormSchema, consentFormSchema, loginFormSchema, otpFormSchema } from './forms.ts';
import { renderConsentPage, renderIneligiblePage, renderLoginPage, renderOtpPage } from './pages.ts';
import { checkEligibility } from './steps/check-eligibility.ts';
import { checkIpThrottle } from './steps/check-ip-throttle.ts';
import { checkServiceOpen, returnWhenClosed } from './steps/check-service-open.ts';
import { failIdentityCheck } from './steps/identity-failure.ts';
import { finishInteraction } from './steps/finish.ts';
import { loadInteraction } from './steps/load-interaction.ts';
import { parseForm } from './steps/parse-form.ts';
import { recordConsent } from './steps/record-consent.ts';
import { verifyOtp } from './steps/verify-otp.ts';
import { verifyPin } from './steps/verify-pin.ts';

/**
 * API連携認証 pages under /interaction/:uid — identity check (PIN, then one-time code),
 * eligibility, account choice and consent — each route composed of one small step per check.
 */
export const interactionRouter = (deps: InteractionDeps) => {
  const router = new Router({ prefix: '/interaction/:uid' });
  const load = loadInteraction(deps);
  // Outside service hours or under a restriction: the closed page, whatever step was asked for.
  const open = checkServiceOpen(deps);
  const request = (ctx: Parameters<Middleware>[0]) => ctx.state.interaction as InteractionRequest;

  router.use(noStore);

  // One URL shows whichever step this interaction is at.
  router.get('/', load, open, async (ctx) => {
    const { state } = request(ctx);
    switch (state.step) {
      case 'otp':
        return renderOtpPage(deps, ctx);
      case 'consent':
        return renderConsentPage(deps, ctx);
      case 'ineligible':
        return renderIneligiblePage(deps, ctx, `ineligible.${state.ineligibleReason}` as MessageKey);
      default:
        return renderLoginPage(deps, ctx);
    }
  });

  router.post(
    '/login',
    load,
    open,
    checkIpThrottle(deps),
    parseForm(deps, loginFormSchema, { onInvalid: (ctx) => failIdentityCheck(deps, ctx, undefined, 'malformed') }),
    verifyPin(deps),
  );

  router.post(
    '/otp',
    load,
    open,
    checkIpThrottle(deps),
    parseForm(deps, otpFormSchema, {
      onInvalid: (ctx) => failIdentityCheck(deps, ctx, request(ctx).state.loginRef, 'otp_malformed'),
    }),
    verifyOtp(deps),
    checkEligibility(deps),
  );

  router.post(
    '/consent',
    load,
    open,
    parseForm(deps, consentFormSchema, {
      arrays: ['accounts'],
      onInvalid: (ctx) => renderConsentPage(deps, ctx, { status: 400, errorKey: 'consent.accounts.none_selected' }),
    }),
    recordConsent(deps),
  );

  // 連携をやめる / 戻る: the partner learns the customer did not authorize (while closed: that it is closed).
  router.post(
    '/abort',
    load,
    parseForm(deps, abortFormSchema, { onInvalid: (ctx) => finishInteraction(deps, ctx, { error: 'access_denied' }) }),
    returnWhenClosed(deps),
    (ctx) =>
      finishInteraction(deps, ctx, {
        error: 'access_denied',
        error_description:
          request(ctx).state.step === 'ineligible' ? 'the customer is not eligible' : 'the customer cancelled',
      }),
  );

  return router;
};
