import type { Context, Middleware } from 'koa';
import { LOGIN_ACCOUNT_TYPES } from '../../../core-banking/port.ts';
import { SEARCH_KINDS } from '../../operations/search.ts';
import type { ConsoleRouter, ConsoleDeps, SignedInRequest } from '../deps.ts';
import { csrfOnlyFormSchema, customerSearchFormSchema, type CustomerSearchForm } from '../forms.ts';
import { renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { requirePermission } from '../steps/require-permission.ts';
import type { SessionCookie } from '../../../web/session-cookie.ts';

/** The console's home (the search box, finding by account or by partner) and logging out. */
export const homeRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware, cookie: SessionCookie) => {
  const parseForm = consoleForms(deps);
  const showHome = async (ctx: Context, options: { status?: number; notFound?: boolean } = {}) => {
    const partners = await deps.ops.partners.list();
    renderPage(
      deps,
      ctx,
      'home',
      {
        partners: partners.map((v) => ({ clientId: v.partner.client_id, name: v.partner.name })),
        notFound: options.notFound,
        search: ctx.state.posted ?? {},
        loginAccountTypes: LOGIN_ACCOUNT_TYPES,
        kinds: SEARCH_KINDS,
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
    parseForm(customerSearchFormSchema, { onInvalid: (ctx) => showHome(ctx, { status: 400, notFound: true }) }),
    async (ctx) => {
      const form: CustomerSearchForm = ctx.state.form;
      const customerId = await deps.ops.search.byAccount(
        { branchCode: form.branch, accountType: form.accountType, accountNumber: form.accountNumber },
        (ctx.state.console as SignedInRequest).actor,
      );
      if (!customerId) return showHome(ctx, { status: 404, notFound: true });
      ctx.status = 303;
      ctx.redirect(`/admin/customers/${encodeURIComponent(customerId)}`);
    },
  );

  router.post('/logout', signedIn, parseForm(csrfOnlyFormSchema), async (ctx) => {
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
