import type { Middleware } from 'koa';
import type { ConsoleRouter, ConsoleDeps, SignedInRequest } from '../deps.ts';
import { bulkFormSchema, unlockFormSchema, type BulkForm, type UnlockForm } from '../forms.ts';
import { redirectDone, renderError, renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { confirmFirst } from '../steps/confirm-first.ts';
import { confirmations } from '../confirmations.ts';
import { requirePermission } from '../steps/require-permission.ts';

/** One customer: accounts and their login locks, live linkages; unlock, end them all. */
export const customerRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const parseForm = consoleForms(deps);
  const confirm = confirmations(deps);
  const request = (ctx: Parameters<Middleware>[0]): SignedInRequest => ctx.state.console;
  const path = (customerId: string) => `/admin/customers/${encodeURIComponent(customerId)}`;

  router.get('/customers/:customerId', signedIn, requirePermission(deps, 'linkages.read'), async (ctx) => {
    const { customerId } = ctx.params;
    const overview = await deps.ops.customers.overview(customerId);
    if (!overview) return renderError(deps, ctx, 'not_found');
    const linkages = await deps.ops.linkages.ofCustomer(customerId);
    // Ended linkages come from the records (kept for years after the grant is gone).
    const history = await deps.ops.audit.linkageHistory(customerId);
    const ended = history.filter((h) => h.ended);
    renderPage(
      deps,
      ctx,
      'customer',
      { overview, linkages, ended },
      { titleKey: 'customer.title', titleVars: { customerId } },
    );
  });

  router.post(
    '/customers/:customerId/unlock',
    signedIn,
    requirePermission(deps, 'customers.unlock'),
    parseForm(unlockFormSchema),
    async (ctx) => {
      const { customerId } = ctx.params;
      const form: UnlockForm = ctx.state.form;
      const ref = await deps.ops.customers.loginRefOf(customerId, form.accountId);
      await deps.ops.customers.unlock(ref, form.reason, request(ctx).actor);
      redirectDone(ctx, path(customerId), 'unlocked');
    },
  );

  router.post(
    '/customers/:customerId/end-linkages',
    signedIn,
    requirePermission(deps, 'linkages.end'),
    parseForm(bulkFormSchema),
    confirmFirst(deps, confirm.endCustomer),
    async (ctx) => {
      const { customerId } = ctx.params;
      const form: BulkForm = ctx.state.form;
      const ended = await deps.ops.linkages.endCustomer(customerId, form.reason, request(ctx).actor);
      redirectDone(ctx, path(customerId), 'linkages_ended', ended);
    },
  );
};
