import type { Context, Middleware } from 'koa';
import { SEARCH_KINDS, type SearchOutcome } from '../../operations/search.ts';
import type { ConsoleRouter, ConsoleDeps, SignedInRequest } from '../deps.ts';
import { searchFormSchema, type SearchForm } from '../forms.ts';
import { renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { requirePermission } from '../steps/require-permission.ts';

/**
 * The search box: a name in kana (any width, hiragana or katakana), a customer number, a grant id,
 * a partner's pairwise `sub` or a request id. Posted, so that names and numbers stay out of URLs
 * and logs; each search is audited by the operation. A single exact hit opens its page.
 */
export const searchRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const parseForm = consoleForms(deps);
  const show = (ctx: Context, data: Record<string, unknown>, status?: number) =>
    renderPage(
      deps,
      ctx,
      'search',
      { kinds: SEARCH_KINDS, form: ctx.state.posted ?? {}, outcome: undefined, ...data },
      { titleKey: 'search.title', status },
    );

  router.post(
    '/search',
    signedIn,
    requirePermission(deps, 'linkages.read'),
    parseForm(searchFormSchema, { onInvalid: (ctx) => show(ctx, { invalid: true }, 400) }),
    async (ctx) => {
      const form: SearchForm = ctx.state.form;
      const outcome = await deps.ops.search.find(form.by, form.q, (ctx.state.console as SignedInRequest).actor);
      if (outcome.kind === 'invalid') return show(ctx, { invalid: true }, 400);
      const go = (path: string) => {
        ctx.status = 303;
        ctx.redirect(path);
      };
      if (outcome.kind === 'linkage' && outcome.found)
        return go(`/admin/linkages/${encodeURIComponent(outcome.grantId)}`);
      if (form.by === 'customerId' && outcome.kind === 'customers' && outcome.customers.length === 1)
        return go(`/admin/customers/${encodeURIComponent(outcome.customers[0].customerId)}`);
      return show(ctx, { outcome }, outcomeEmpty(outcome) ? 404 : 200);
    },
  );
};

const outcomeEmpty = (outcome: SearchOutcome): boolean =>
  outcome.kind === 'customers'
    ? outcome.customers.length === 0
    : outcome.kind === 'linkages'
      ? outcome.linkages.length === 0
      : outcome.kind === 'events'
        ? outcome.events.length === 0
        : outcome.kind === 'linkage'
          ? !outcome.found
          : true;
