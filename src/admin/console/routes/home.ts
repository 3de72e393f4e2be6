import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { LOGIN_ACCOUNT_TYPES } from '../../../core-banking/port.ts';
import type { ConsoleDeps, ConsoleRequest, SignedInRequest } from '../deps.ts';
import { csrfOnlyFormSchema, customerSearchFormSchema, type CustomerSearchForm } from '../forms.ts';
import { renderPage } from '../pages.ts';
import { parseForm } from '../steps/parse-form.ts';
import { requirePermission } from '../steps/require-permission.ts';
import type { SessionCookie } from '../steps/session-cookie.ts';

/** The console's home (the two ways to find linkages) and logging out. */
export const homeRoutes = (router: Router, deps: ConsoleDeps, signedIn: Middleware, cookie: SessionCookie) => {
  const showHome = async (ctx: Context, options: { status?: number; notFound?: boolean } = {}) => {
    const partners = await deps.ops.partners.list();
    renderPage(
      deps,
      ctx,
      'home',
      {
        partners: partners.map((v) => ({ clientId: v.partner.client_id, name: v.partner.name })),
        notFound: options.notFound,
        search: (ctx.state.console as ConsoleRequest).form ?? {},
        loginAccountTypes: LOGIN_ACCOUNT_TYPES,
      },
      { titleKey: 'home.title', status: options.status },
    );
  };

  router.get('/', signedIn, (ctx) => showHome(ctx));

  // The account number travels in a posted form, never in a URL (URLs end up in logs and history).
  router.post(
    '/customers/search',
    signedIn,
    requirePermission(deps, 'linkages.read'),
    parseForm(deps, customerSearchFormSchema, { onInvalid: (ctx) => showHome(ctx, { status: 400, notFound: true }) }),
    async (ctx) => {
      const form = (ctx.state.console as SignedInRequest).form as CustomerSearchForm;
      const customerId = await deps.ops.customers.lookup({
        branchCode: form.branch,
        accountType: form.accountType,
        accountNumber: form.accountNumber,
      });
      if (!customerId) return showHome(ctx, { status: 404, notFound: true });
      ctx.status = 303;
      ctx.redirect(`/admin/customers/${encodeURIComponent(customerId)}`);
    },
  );

  router.post('/logout', signedIn, parseForm(deps, csrfOnlyFormSchema), async (ctx) => {
    const request = ctx.state.console as SignedInRequest;
    await deps.sessions.destroy(request.sessionId);
    cookie.clear(ctx);
    await deps.audit.record({
      kind: 'admin.logout',
      result: 'success',
      actor: request.staff.username,
      requestId: request.actor.requestId,
      details: { via: 'console' },
    });
    ctx.status = 303;
    ctx.redirect('/admin/login');
  });
};
