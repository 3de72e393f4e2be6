import type { Context } from 'koa';
import { LOGIN_ACCOUNT_TYPES } from '../core-banking/port.ts';
import { switchLocaleHref } from '../http/locale.ts';
import type { Locale, MessageKey } from '../i18n/index.ts';
import { translator } from '../i18n/index.ts';
import { grantLifetimeSeconds } from '../protocol/lifetimes.ts';
import { isoDateAt } from '../shared/jst.ts';
import { currentTerms, upcomingTerms } from '../terms/terms.ts';
import type { InteractionDeps, InteractionRequest } from './deps.ts';
import { linkableAccounts } from './linkable-accounts.ts';

/** The pages of API連携認証. Each takes what it shows from the interaction request. */

// The language switch always leads to the interaction's own page (a GET), also after a POST.
const page = (ctx: Context, locale: Locale, titleKey: MessageKey, status?: number) => {
  const uid = (ctx.state.interaction as InteractionRequest | undefined)?.uid;
  return {
    locale,
    title: translator(locale)(titleKey),
    switchLocaleHref: uid ? `/interaction/${uid}?lang=${locale === 'ja' ? 'en' : 'ja'}` : switchLocaleHref(ctx, locale),
    status,
  };
};

const partnerName = (request: InteractionRequest) =>
  request.locale === 'ja' ? request.partner.name.ja : request.partner.name.en;

/** The partner's legal details in the page's language, when its file gives them. */
const partnerLegal = ({ partner, locale }: InteractionRequest) =>
  partner.legal && {
    name: partner.legal.name[locale],
    registrationNumber: partner.legal.registration_number,
    contactUrl: partner.legal.contact_url,
    contactPhone: partner.legal.contact_phone,
    privacyPolicyUrl: partner.legal.privacy_policy_url,
  };

export const renderErrorPage = (
  deps: Pick<InteractionDeps, 'render'>,
  ctx: Context,
  options: { locale: Locale; status: number; code: string; messageKey: MessageKey },
) => {
  deps.render(
    ctx,
    'error',
    { code: options.code, messageKey: options.messageKey },
    page(ctx, options.locale, 'error.title', options.status),
  );
};

export const renderLoginPage = (
  deps: InteractionDeps,
  ctx: Context,
  options: { status?: number; errorKey?: MessageKey } = {},
) => {
  const request = ctx.state.interaction as InteractionRequest;
  deps.render(
    ctx,
    'login',
    {
      uid: request.uid,
      csrf: request.state.csrf,
      partnerName: partnerName(request),
      errorKey: options.errorKey,
      loginAccountTypes: LOGIN_ACCOUNT_TYPES,
    },
    page(ctx, request.locale, 'login.title', options.status),
  );
};

export const renderOtpPage = (deps: InteractionDeps, ctx: Context) => {
  const request = ctx.state.interaction as InteractionRequest;
  deps.render(
    ctx,
    'otp',
    { uid: request.uid, csrf: request.state.csrf, partnerName: partnerName(request) },
    page(ctx, request.locale, 'otp.title'),
  );
};

export const renderIneligiblePage = (deps: InteractionDeps, ctx: Context, reasonKey: MessageKey) => {
  const request = ctx.state.interaction as InteractionRequest;
  deps.render(
    ctx,
    'ineligible',
    { uid: request.uid, csrf: request.state.csrf, partnerName: partnerName(request), reasonKey },
    page(ctx, request.locale, 'ineligible.title', 403),
  );
};

export const renderConsentPage = async (
  deps: InteractionDeps,
  ctx: Context,
  options: { status?: number; errorKey?: MessageKey } = {},
) => {
  const request = ctx.state.interaction as InteractionRequest;
  const customerId = request.state.customerId;
  if (request.state.step !== 'consent' || !customerId)
    return renderLoginPage(deps, ctx, { status: 400, errorKey: 'login.error' });
  const all = await deps.coreBanking.accounts(customerId);
  const offered = linkableAccounts(all, deps.config.settings.linkableAccountTypes, request.partner.account_types);
  if (offered.length === 0) return renderIneligiblePage(deps, ctx, 'ineligible.no_linkable_account');
  const requested = new Set(String(request.details.params.scope ?? '').split(' '));
  const categories = (['accounts', 'deposits', 'time_deposits'] as const).filter(
    (s) => requested.has(s) && request.partner.scopes.includes(s),
  );
  const lifetime = grantLifetimeSeconds(request.partner, deps.config.settings.lifetimes);
  const terms = currentTerms(deps.config.terms, deps.clock);
  const upcoming = upcomingTerms(deps.config.terms, deps.clock)[0];
  const chosen = new Set((request.form?.accounts as string[] | undefined) ?? []);
  await deps.consentFunnel.shown(request.uid);
  deps.render(
    ctx,
    'consent',
    {
      uid: request.uid,
      csrf: request.state.csrf,
      partnerName: partnerName(request),
      legal: partnerLegal(request),
      categories,
      accounts: offered.map((a) => ({
        accountId: a.accountId,
        typeKey: `accountType.${a.accountType}` as MessageKey,
        branchName: a.branchName,
        accountNumber: a.accountNumber,
        checked: chosen.has(a.accountId),
      })),
      notLinkableCount: all.length - offered.length,
      expiresOn: isoDateAt(request.state.identifiedAt! + lifetime * 1000),
      termsVersion: terms.version,
      upcoming: upcoming
        ? {
            version: upcoming.version,
            effectiveFrom: upcoming.effectiveFrom,
            requiresReconsent: upcoming.requiresReconsent,
          }
        : undefined,
      errorKey: options.errorKey,
    },
    page(ctx, request.locale, 'consent.title', options.status),
  );
};
