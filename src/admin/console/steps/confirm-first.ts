import type { Context, Middleware } from 'koa';
import type { AdminMessageKey } from '../../i18n/index.ts';
import { recordStaffAction } from '../../operations/staff-action.ts';
import type { ConsoleDeps, SignedInRequest } from '../deps.ts';
import { renderPage } from '../pages.ts';

/** What a destructive action is about to do, named exactly, for the confirmation page. */
export interface Confirmation {
  /** One line each: which partner, which customer, how many linkages, which surfaces. */
  lines: string[];
  /** The confirming button ("連携を終了する"). */
  confirmKey: AdminMessageKey;
  /** Where "cancel" goes: the page the form was on. */
  back: string;
  /** The one-time code again (bulk actions, the whole-service stop). */
  totp: boolean;
}

// Posted fields that are not carried to the confirmation's own form.
const NOT_CARRIED = new Set(['csrf', 'confirm', 'totp']);

/**
 * Destructive actions take two posts: the first (the form on the page) answers a confirmation
 * page naming what will end, with the posted fields carried in its own form; the second
 * (`confirm=yes`) goes on to the action. Plain forms: it works without JavaScript. Where the
 * one-time code is asked again, it is asked on the confirmation page, and a wrong code shows
 * that page again with everything kept (and is audited), never an error page that loses the form.
 * `describe` runs at both posts, so what is confirmed is what exists at the time.
 */
export const confirmFirst =
  (
    deps: Pick<ConsoleDeps, 'render' | 'verifyTotp' | 'audit'>,
    describe: (ctx: Context) => Promise<Confirmation>,
  ): Middleware =>
  async (ctx, next) => {
    const request: SignedInRequest = ctx.state.console;
    const posted: Record<string, unknown> = ctx.state.posted ?? {};
    const confirmation = await describe(ctx);
    const show = (options: { wrongCode?: boolean; status?: number } = {}) =>
      renderPage(
        deps,
        ctx,
        'confirm',
        {
          ...confirmation,
          action: ctx.path,
          reason: typeof posted.reason === 'string' ? posted.reason : undefined,
          carried: Object.entries(posted).flatMap(([name, value]) =>
            NOT_CARRIED.has(name)
              ? []
              : (Array.isArray(value) ? value : [value]).map((v) => ({ name, value: String(v) })),
          ),
          wrongCode: options.wrongCode ?? false,
        },
        { titleKey: 'confirm.title', status: options.status },
      );
    if (posted.confirm !== 'yes') return show();
    if (confirmation.totp && !(await deps.verifyTotp(request.staff, String(posted.totp ?? '').trim()))) {
      await recordStaffAction(deps.audit, request.actor, {
        kind: 'admin.totp_reentry',
        result: 'failure',
        details: { path: ctx.path },
      });
      return show({ wrongCode: true, status: 400 });
    }
    return next();
  };
