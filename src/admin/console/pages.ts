import type { Context } from 'koa';
import { switchLocaleHref } from '../../http/locale.ts';
import { isAdminMessageKey, type AdminMessageKey } from '../i18n/index.ts';
import { labelsFor } from '../i18n/labels.ts';
import type { ConsoleDeps, ConsoleRequest } from './deps.ts';
import { jstDateTimeText } from '../../shared/jst.ts';
import { formatJst, toJstLocal } from './format.ts';

export type ConsoleErrorCode = 'forbidden' | 'csrf' | 'not_found' | 'invalid_request' | 'conflict' | 'totp';

/** The message a redirect after an action asks for (`?done=linkage_ended&count=3`). */
const doneMessage = (ctx: Context, request: ConsoleRequest): string | undefined => {
  const key = `done.${String(ctx.query.done ?? '')}`;
  if (!isAdminMessageKey(key)) return undefined;
  const count = /^[0-9]{1,6}$/.test(String(ctx.query.count ?? '')) ? String(ctx.query.count) : '0';
  return request.at(key, { count });
};

/**
 * Renders a console page in views/admin/ inside its layout, with what every page uses: the
 * console's catalog (`at`), the signed-in staff member and their permissions (which buttons to
 * offer), the session's CSRF token for the forms, and the message of the action just done.
 */
export const renderPage = (
  deps: Pick<ConsoleDeps, 'render'>,
  ctx: Context,
  template: string,
  data: Record<string, unknown>,
  options: { titleKey: AdminMessageKey; titleVars?: Record<string, string>; status?: number },
) => {
  const request: ConsoleRequest = ctx.state.console;
  const labels = labelsFor(request.locale);
  deps.render(
    ctx,
    `admin/${template}`,
    {
      ...data,
      at: request.at,
      staff: request.staff ? { username: request.staff.username, role: request.staff.role } : undefined,
      can: request.can ?? {},
      csrf: request.session?.csrf ?? '',
      done: doneMessage(ctx, request),
      situation: request.staff ? request.situation : undefined,
      jst: formatJst,
      // A date in a sentence, as every page writes it ("2026年12月1日（火） 07:00").
      dateTime: (ms: number) => jstDateTimeText(ms, request.locale),
      jstLocal: toJstLocal,
      // Words for codes (scopes, endings, event kinds), for the page and for its partials.
      labels,
      ...labels,
    },
    {
      locale: request.locale,
      title: request.at(options.titleKey, options.titleVars),
      // After a POST the page's own URL cannot be fetched again: no language switch there.
      switchLocaleHref: ctx.method === 'GET' ? switchLocaleHref(ctx, request.locale) : undefined,
      status: options.status,
    },
  );
};

const STATUS: Record<ConsoleErrorCode, number> = {
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  invalid_request: 400,
  conflict: 409,
  totp: 403,
};

export const renderError = (
  deps: Pick<ConsoleDeps, 'render'>,
  ctx: Context,
  code: ConsoleErrorCode,
  problems: string[] = [],
) =>
  renderPage(
    deps,
    ctx,
    'error',
    { code, messageKey: `error.${code}`, problems },
    { titleKey: 'error.title', status: STATUS[code] },
  );

/** Post-redirect-get: after an action, the page to show, with the message of what was done. */
export const redirectDone = (ctx: Context, path: string, done: string, count?: number) => {
  const params = new URLSearchParams({ done, ...(count !== undefined ? { count: String(count) } : {}) });
  ctx.status = 303;
  ctx.redirect(`${path}?${params.toString()}`);
};
