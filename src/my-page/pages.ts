import type { ParameterizedContext } from 'koa';
import type { AvailabilityAnswer } from '../availability/index.ts';
import { jstDateTimeText } from '../shared/jst.ts';
import { renderErrorPage as renderSharedErrorPage } from '../http/error-page.ts';
import { switchLocaleHref } from '../http/locale.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { MyPageDeps, MyPageRouteState } from './deps.ts';
import { loginFormSchema } from './forms.ts';
import type { CustomerLinkage } from './linkages.ts';

/** The pages of /my. Each takes the language and the CSRF token from the request's state. */

/** A /my route's context. */
type PageContext = ParameterizedContext<MyPageRouteState>;

const request = (ctx: PageContext) => ctx.state.myPage;

// The language switch leads to a page that can be shown again (a GET), also after a POST.
const page = (ctx: PageContext, titleKey: MessageKey, status?: number) => {
  const { locale, t } = request(ctx);
  return {
    locale,
    title: t(titleKey),
    switchLocaleHref:
      ctx.method === 'GET' ? switchLocaleHref(ctx, locale) : `/my?lang=${locale === 'ja' ? 'en' : 'ja'}`,
    status,
  };
};

const csrf = (ctx: PageContext) => request(ctx).session?.csrf;

/** A linkage with its times written out in the page's language. */
const shown = (ctx: PageContext, l: CustomerLinkage) => {
  const { locale } = request(ctx);
  return {
    grantId: l.grantId,
    partnerName: l.partnerName[locale],
    categoryKeys: l.categories.map((c) => `consent.scope.${c}` as const),
    accounts: l.accounts.map((a) => ({
      typeKey: `accountType.${a.type}` as const,
      branchName: a.branchName,
      maskedNumber: a.maskedNumber,
    })),
    since: jstDateTimeText(l.createdAt, locale),
    until: jstDateTimeText(l.expiresAt, locale),
    lastUsed: l.lastUsedAt === undefined ? undefined : jstDateTimeText(l.lastUsedAt, locale),
  };
};

/** How long a sign-in may sit idle before it starts over (the session's idle limit). */
const timeLimit = (deps: Pick<MyPageDeps, 'settings'>, ctx: PageContext) =>
  request(ctx).t('my.time_limit', { minutes: deps.settings.idleMinutes });

export const renderLoginPage = (
  deps: Pick<MyPageDeps, 'render' | 'settings'>,
  ctx: PageContext,
  options: { status?: number; errorKey?: MessageKey } = {},
) => {
  deps.render(
    ctx,
    'my/login',
    {
      csrf: csrf(ctx),
      errorKey: options.errorKey,
      loginAccountTypes: loginFormSchema.properties.accountType.enum,
      timeLimit: timeLimit(deps, ctx),
    },
    page(ctx, 'login.title', options.status),
  );
};

export const renderOtpPage = (
  deps: Pick<MyPageDeps, 'render' | 'settings'>,
  ctx: PageContext,
  options: { status?: number; errorKey?: MessageKey; attemptsLeft?: number } = {},
) => {
  deps.render(
    ctx,
    'my/otp',
    {
      csrf: csrf(ctx),
      errorKey: options.errorKey,
      attemptsLeft: options.attemptsLeft,
      timeLimit: timeLimit(deps, ctx),
    },
    page(ctx, 'otp.title', options.status),
  );
};

export const renderLinkagesPage = (
  deps: Pick<MyPageDeps, 'render' | 'lastUsed' | 'availability'>,
  ctx: PageContext,
  linkages: CustomerLinkage[],
  endedPartnerName?: string,
) => {
  const { locale } = request(ctx);
  // A whole-service restriction leaves this page open (linkages can still be ended): say what is stopped.
  const serviceStopped = deps.availability
    .activeRestrictions()
    .filter((r) => r.scope.kind === 'service')
    .map((r) => r.message[locale]);
  deps.render(
    ctx,
    'my/linkages',
    {
      csrf: csrf(ctx),
      linkages: linkages.map((l) => shown(ctx, l)),
      showLastUsed: deps.lastUsed !== undefined,
      endedPartnerName,
      serviceStopped,
    },
    page(ctx, 'my.title'),
  );
};

export const renderConfirmPage = (deps: Pick<MyPageDeps, 'render'>, ctx: PageContext, linkage: CustomerLinkage) => {
  deps.render(ctx, 'my/confirm-end', { csrf: csrf(ctx), linkage: shown(ctx, linkage) }, page(ctx, 'my.confirm.title'));
};

/** An error page of /my, through the one error page, with the way back to /my. */
export const renderErrorPage = (
  deps: Pick<MyPageDeps, 'render'>,
  ctx: PageContext,
  options: { status: number; code: string; messageKey: MessageKey },
) => {
  const { locale } = request(ctx);
  renderSharedErrorPage(deps.render, ctx, {
    ...options,
    locale,
    myPage: true,
    switchLocaleHref: page(ctx, 'error.title').switchLocaleHref,
  });
};

export const renderClosedPage = (
  deps: Pick<MyPageDeps, 'render'>,
  ctx: PageContext,
  closed: Extract<AvailabilityAnswer, { open: false }>,
) => {
  const { locale } = request(ctx);
  deps.render(
    ctx,
    'my/closed',
    {
      message: closed.message?.[locale],
      opensAt: closed.opensAt === undefined ? undefined : jstDateTimeText(closed.opensAt, locale),
    },
    page(ctx, 'closed.title', 503),
  );
};
