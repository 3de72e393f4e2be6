import type { Middleware } from 'koa';
import { signedInRequest, type ConsoleRouter, type ConsoleDeps } from '../deps.ts';
import { confirmations } from '../confirmations.ts';
import { confirmedFormSchema, type ConfirmedForm } from '../forms.ts';
import { confirmFirst } from '../steps/confirm-first.ts';
import { redirectDone, renderError, renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { requirePermission } from '../steps/require-permission.ts';

/** One linkage: what was agreed, its trail, and ending it. An ended one shows how it ended. */
export const linkageRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const parseForm = consoleForms(deps);
  const confirm = confirmations(deps);
  router.get('/linkages/:grantId', signedIn, requirePermission(deps, 'linkages.read'), async (ctx) => {
    const found = await deps.ops.linkages.detail(ctx.params.grantId);
    if (!found) return renderError(deps, ctx, 'not_found');
    if (found.state === 'ended')
      return renderPage(deps, ctx, 'linkage-ended', { ending: found.ending }, { titleKey: 'linkage.ended.title' });
    renderPage(deps, ctx, 'linkage', { linkage: found.linkage }, { titleKey: 'linkage.detail' });
  });

  router.post(
    '/linkages/:grantId/end',
    signedIn,
    requirePermission(deps, 'linkages.end'),
    parseForm(confirmedFormSchema),
    confirmFirst(deps, confirm.endLinkage),
    async (ctx) => {
      const request = signedInRequest(ctx.state.console);
      const { grantId } = ctx.params;
      await deps.ops.linkages.end(grantId, (ctx.state.form satisfies ConfirmedForm).reason, request.actor);
      redirectDone(ctx, `/admin/linkages/${encodeURIComponent(grantId)}`, 'linkage_ended');
    },
  );
};
