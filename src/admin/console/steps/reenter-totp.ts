import type { Middleware } from 'koa';
import { recordStaffAction } from '../../operations/staff-action.ts';
import type { ConsoleDeps, SignedInRequest } from '../deps.ts';
import { renderError } from '../pages.ts';

/**
 * Destructive bulk actions (all of a customer's or a partner's linkages, the whole service) need
 * the one-time code again: a session left open on a desk is not enough to do them.
 * `applies` narrows it to some posts of a form (the whole-service restriction among restrictions).
 */
export const reenterTotp =
  (
    deps: Pick<ConsoleDeps, 'render' | 'verifyTotp' | 'audit'>,
    applies: (form: Record<string, unknown>) => boolean = () => true,
  ): Middleware =>
  async (ctx, next) => {
    const request = ctx.state.console as SignedInRequest;
    // After parseForm: the fields as posted (the code is checked here, whatever the schema says of it).
    const form: Record<string, unknown> = ctx.state.posted ?? {};
    if (!applies(form)) return next();
    if (await deps.verifyTotp(request.staff, String(form.totp ?? ''))) return next();
    await recordStaffAction(deps.audit, request.actor, {
      kind: 'admin.totp_reentry',
      result: 'failure',
      details: { path: ctx.path },
    });
    return renderError(deps, ctx, 'totp');
  };
