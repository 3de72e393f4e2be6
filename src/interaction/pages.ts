import type { Context, ParameterizedContext } from 'koa';
import { LOGIN_ACCOUNT_TYPES } from '../core-banking/port.ts';
import type { PostedFormState } from '../web/parse-form.ts';
import { isoDateText, jstDateText, jstDateTimeText, jstTimeText } from '../shared/jst.ts';
import { renderErrorPage as renderSharedErrorPage, type WayBack } from '../http/error-page.ts';
import { switchLocaleHref } from '../http/locale.ts';
import type { Locale, MessageKey } from '../i18n/index.ts';
import { translator } from '../i18n/index.ts';
import { grantLifetimeSeconds } from '../protocol/lifetimes.ts';
import { currentTerms, upcomingTerms } from '../terms/terms.ts';
import type { InteractionDeps, InteractionRequest, InteractionRouteState } from './deps.ts';
import type { NotLinkable } from './linkable-accounts.ts';
import { offerOf } from './offer.ts';
import { returnAddressOf, returnHref } from './return-address.ts';
import type { ClosedAnswer } from '../web/identity/identity-port.ts';

/** An interaction route's context, after its form was read (if it has one). */
type PageContext = ParameterizedContext<InteractionRouteState & Partial<PostedFormState<unknown>>>;

/** The pages of API連携認証. Each takes what it shows from the interaction request. */

// The language switch always leads to the interaction's own page (a GET), also after a POST.
const page = (ctx: Context, locale: Locale, titleKey: MessageKey, status?: number) => {
  // Before the interaction is loaded (an unknown one) there is no uid yet.
  const state: Partial<InteractionRouteState> = ctx.state;
  const uid = state.interaction?.uid;
  return {
    locale,
    title: translator(locale)(titleKey),
    switchLocaleHref: uid ? `/interaction/${uid}?lang=${locale === 'ja' ? 'en' : 'ja'}` : switchLocaleHref(ctx, locale),
    status,
  };
};

const partnerName = (request: InteractionRequest) =>
  request.locale === 'ja' ? request.partner.name.ja : request.partner.name.en;

/** Why some of the customer's accounts are not offered: one sentence per reason, with the types it concerns. */
const notLinkableNotes = (request: InteractionRequest, notLinkable: NotLinkable) =>
  notLinkable.map((group) =>
    request.t(`consent.accounts.${group.reason}`, {
      count: group.count,
      partner: partnerName(request),
      types: group.types.map((type) => request.t(`accountType.${type}`)).join(request.locale === 'ja' ? '・' : ', '),
    }),
  );

/** The partner's legal details in the page's language, when its file gives them. */
const partnerLegal = ({ partner, locale }: InteractionRequest) =>
  partner.legal && {
    name: partner.legal.name[locale],
    registrationNumber: partner.legal.registration_number,
    contactUrl: partner.legal.contact_url,
    contactPhone: partner.legal.contact_phone,
    privacyPolicyUrl: partner.legal.privacy_policy_url,
  };

/**
 * The flow's time limit, as oidc-provider keeps it: the interaction expires `interactionSeconds`
 * after it began (oidc-provider's own clock, so `exp` is what it will compare).
 */
const timeLimit = (deps: Pick<InteractionDeps, 'config'>, request: InteractionRequest) => {
  const { exp } = request.details;
  const minutes = Math.round(deps.config.settings.lifetimes.interactionSeconds / 60);
  return exp === undefined ? undefined : request.t('flow.time_limit', { minutes, time: jstTimeText(exp * 1000) });
};

/**
 * An error or expiry page of API連携認証, through the one error page (src/http/error-page.ts), with
 * the way back to the partner: while the interaction lives, a form that ends it (the partner gets
 * access_denied); once it is gone, the partner's redirect with an error, from the return address
 * this browser kept (none once it finished: the partner has its answer).
 */
export const renderErrorPage = async (
  deps: Pick<InteractionDeps, 'render' | 'partners' | 'config'>,
  ctx: Context,
  options: { locale: Locale; status: number; code: string; messageKey: MessageKey },
) => {
  const state: Partial<InteractionRouteState> = ctx.state;
  const request = state.interaction;
  let wayBack: WayBack | undefined;
  if (request) {
    wayBack = {
      partnerName: request.partner.name[request.locale],
      abort: { action: `/interaction/${request.uid}/abort`, csrf: request.state.csrf },
    };
  } else {
    const address = returnAddressOf(ctx, typeof ctx.params?.uid === 'string' ? ctx.params.uid : undefined);
    const partner = address && (await deps.partners.find(address.clientId))?.partner;
    if (address && partner)
      wayBack = {
        partnerName: partner.name[options.locale],
        href: returnHref(address, deps.config.settings.server.issuer, 'the linkage authorization expired'),
        finished: address.finished,
      };
  }
  const finished = wayBack?.finished === true;
  renderSharedErrorPage(deps.render, ctx, {
    ...options,
    ...(finished ? { titleKey: 'finished.title', messageKey: 'error.finished' } : {}),
    wayBack,
    switchLocaleHref: page(ctx, options.locale, 'error.title').switchLocaleHref,
  });
};

export const renderLoginPage = (
  deps: InteractionDeps,
  ctx: PageContext,
  options: { status?: number; errorKey?: MessageKey } = {},
) => {
  const request = ctx.state.interaction;
  deps.render(
    ctx,
    'login',
    {
      uid: request.uid,
      csrf: request.state.csrf,
      partnerName: partnerName(request),
      errorKey: options.errorKey,
      loginAccountTypes: LOGIN_ACCOUNT_TYPES,
      timeLimit: timeLimit(deps, request),
    },
    page(ctx, request.locale, 'login.title', options.status),
  );
};

export const renderOtpPage = (
  deps: InteractionDeps,
  ctx: PageContext,
  options: { status?: number; errorKey?: MessageKey; attemptsLeft?: number } = {},
) => {
  const request = ctx.state.interaction;
  deps.render(
    ctx,
    'otp',
    {
      uid: request.uid,
      csrf: request.state.csrf,
      partnerName: partnerName(request),
      errorKey: options.errorKey,
      attemptsLeft: options.attemptsLeft,
      timeLimit: timeLimit(deps, request),
    },
    page(ctx, request.locale, 'otp.title', options.status),
  );
};

export const renderIneligiblePage = (
  deps: InteractionDeps,
  ctx: PageContext,
  reasonKey: MessageKey,
  notLinkable: NotLinkable = [],
) => {
  const request = ctx.state.interaction;
  deps.render(
    ctx,
    'ineligible',
    {
      uid: request.uid,
      csrf: request.state.csrf,
      partnerName: partnerName(request),
      reasonKey,
      notes: notLinkableNotes(request, notLinkable),
    },
    page(ctx, request.locale, 'ineligible.title', 403),
  );
};

/** Closed now (calendar or an operator's restriction): why, and when it opens again. */
export const renderClosedPage = (deps: InteractionDeps, ctx: PageContext, closed: ClosedAnswer) => {
  const request = ctx.state.interaction;
  deps.render(
    ctx,
    'closed',
    {
      uid: request.uid,
      csrf: request.state.csrf,
      partnerName: partnerName(request),
      message: closed.message?.[request.locale],
      reasonKey:
        closed.cause === 'calendar' ? (`closed.calendar.${closed.reason ?? 'outside_hours'}` as const) : undefined,
      opensAt: closed.opensAt === undefined ? undefined : jstDateTimeText(closed.opensAt, request.locale),
    },
    {
      locale: request.locale,
      title: request.t('closed.title'),
      switchLocaleHref: `/interaction/${request.uid}?lang=${request.locale === 'ja' ? 'en' : 'ja'}`,
      status: 503,
    },
  );
};

export const renderConsentPage = async (
  deps: InteractionDeps,
  ctx: PageContext,
  options: { status?: number; errorKey?: MessageKey } = {},
) => {
  const request = ctx.state.interaction;
  const customerId = request.state.customerId;
  if (request.state.step !== 'consent' || !customerId)
    return renderLoginPage(deps, ctx, { status: 400, errorKey: 'login.error' });
  const offer = await offerOf(deps, request, customerId);
  const offered = offer.accounts;
  if (offered.length === 0) return renderIneligiblePage(deps, ctx, 'ineligible.no_linkable_account', offer.notLinkable);
  const { categories } = offer;
  const lifetime = grantLifetimeSeconds(request.partner, deps.config.settings.lifetimes);
  const terms = currentTerms(deps.config.terms, deps.clock);
  const upcoming = upcomingTerms(deps.config.terms, deps.clock)[0];
  // Shown again after a refused post: the accounts the customer had ticked (parseForm made them an array).
  const ticked: unknown = ctx.state.posted?.accounts;
  const chosen = new Set(Array.isArray(ticked) ? ticked.filter((id) => typeof id === 'string') : []);
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
        typeKey: `accountType.${a.accountType}` as const,
        branchName: a.branchName,
        accountNumber: a.accountNumber,
        checked: chosen.has(a.accountId),
      })),
      notLinkableNotes: notLinkableNotes(request, offer.notLinkable),
      expiresOn: jstDateText(request.state.identifiedAt! + lifetime * 1000, request.locale, { year: true }),
      termsVersion: terms.version,
      upcoming: upcoming
        ? {
            version: upcoming.version,
            effectiveFrom: isoDateText(upcoming.effectiveFrom, request.locale),
            requiresReconsent: upcoming.requiresReconsent,
          }
        : undefined,
      errorKey: options.errorKey,
    },
    page(ctx, request.locale, 'consent.title', options.status),
  );
};
