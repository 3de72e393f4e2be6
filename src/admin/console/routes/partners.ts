import type { Context, Middleware } from 'koa';
import { ACCOUNT_TYPES } from '../../../core-banking/port.ts';
import { OperationError } from '../../operations/index.ts';
import type { ConsoleRouter, ConsoleDeps, SignedInRequest } from '../deps.ts';
import {
  bulkFormSchema,
  confirmedFormSchema,
  partnerFormSchema,
  reasonFormSchema,
  type BulkForm,
  type ConfirmedForm,
  type PartnerForm,
  type ReasonForm,
} from '../forms.ts';
import { redirectDone, renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { confirmFirst } from '../steps/confirm-first.ts';
import { confirmations } from '../confirmations.ts';
import { requirePermission } from '../steps/require-permission.ts';
import { jsonTooDeep } from '../../../http/json-depth.ts';

/** What a new partner's form starts from: the shape of a partner file. */
const NEW_PARTNER_TEMPLATE = {
  client_id: '',
  name: { ja: '', en: '' },
  redirect_uris: ['https://'],
  jwks_uri: 'https://',
  token_endpoint_auth_method: 'private_key_jwt',
  scopes: ['openid', 'offline_access', 'accounts', 'deposits', 'time_deposits'],
  account_types: [...ACCOUNT_TYPES],
  status: 'active',
  profile: 'fapi2',
};

/** Partners: list, one partner's state (and why), its linkages; add, edit, suspend, reinstate, remove. */
export const partnerRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const parseForm = consoleForms(deps);
  const confirm = confirmations(deps);
  const request = (ctx: Context): SignedInRequest => ctx.state.console;
  const path = (clientId: string) => `/admin/partners/${encodeURIComponent(clientId)}`;

  const showForm = (
    ctx: Context,
    options: { clientId?: string; definition: string; problems?: string[]; status?: number },
  ) =>
    renderPage(
      deps,
      ctx,
      'partner-form',
      {
        clientId: options.clientId,
        definition: options.definition,
        problems: options.problems ?? [],
        reason: typeof ctx.state.posted?.reason === 'string' ? ctx.state.posted.reason : '',
      },
      options.clientId
        ? { titleKey: 'partnerForm.edit', titleVars: { clientId: options.clientId }, status: options.status }
        : { titleKey: 'partnerForm.new', status: options.status },
    );

  /** Saves the posted definition; a definition that is not JSON or fails the schema comes back with its problems. */
  const save =
    (create: boolean): Middleware =>
    async (ctx) => {
      const form: PartnerForm = ctx.state.form;
      const clientId = create ? undefined : ctx.params.clientId;
      let definition: unknown;
      try {
        // Too deep counts as not JSON: nothing may walk a 20,000-deep array.
        if (jsonTooDeep(form.definition)) throw new Error('too deep');
        definition = JSON.parse(form.definition);
      } catch {
        return showForm(ctx, {
          clientId,
          definition: form.definition,
          problems: [request(ctx).at('partnerForm.notJson')],
          status: 400,
        });
      }
      const given =
        typeof definition === 'object' && definition !== null && 'client_id' in definition
          ? definition.client_id
          : undefined;
      const id = clientId ?? (typeof given === 'string' ? given : '');
      try {
        await deps.ops.partners.save(id, definition, form.reason, request(ctx).actor, { create });
      } catch (e) {
        if (e instanceof OperationError && e.code !== 'not_found') {
          return showForm(ctx, {
            clientId,
            definition: form.definition,
            problems: e.problems.length ? e.problems : [e.message],
            status: e.status,
          });
        }
        throw e;
      }
      redirectDone(ctx, path(id), 'saved');
    };

  router.get('/partners', signedIn, requirePermission(deps, 'partners.read'), async (ctx) => {
    // The home page's "find by partner" form lands here with the chosen partner.
    if (typeof ctx.query.clientId === 'string' && ctx.query.clientId) {
      ctx.status = 303;
      return ctx.redirect(path(ctx.query.clientId));
    }
    const views = await deps.ops.partners.list();
    const rows = await Promise.all(
      views.map(async (view) => ({
        view,
        linkages: (await deps.ops.linkages.ofPartner(view.partner.client_id)).length,
      })),
    );
    renderPage(deps, ctx, 'partners', { rows }, { titleKey: 'partners.title' });
  });

  router.get('/partners/new', signedIn, requirePermission(deps, 'partners.edit'), (ctx) =>
    showForm(ctx, { definition: JSON.stringify(NEW_PARTNER_TEMPLATE, null, 2) }),
  );

  router.post(
    '/partners',
    signedIn,
    requirePermission(deps, 'partners.edit'),
    parseForm(partnerFormSchema),
    save(true),
  );

  router.get('/partners/:clientId', signedIn, requirePermission(deps, 'partners.read'), async (ctx) => {
    const view = await deps.ops.partners.view(ctx.params.clientId);
    const linkages = await deps.ops.linkages.ofPartner(view.partner.client_id);
    // The file's own status, to show beside a stored change that overrides it.
    const fileStatus = deps.config.partners.find((d) => d.partner.client_id === view.partner.client_id)?.partner.status;
    renderPage(
      deps,
      ctx,
      'partner',
      { view, linkages, fileStatus },
      {
        titleKey: 'partner.title',
        titleVars: { name: request(ctx).locale === 'ja' ? view.partner.name.ja : view.partner.name.en },
      },
    );
  });

  router.get('/partners/:clientId/edit', signedIn, requirePermission(deps, 'partners.edit'), async (ctx) => {
    const view = await deps.ops.partners.view(ctx.params.clientId);
    showForm(ctx, { clientId: view.partner.client_id, definition: JSON.stringify(view.partner, null, 2) });
  });

  router.post(
    '/partners/:clientId',
    signedIn,
    requirePermission(deps, 'partners.edit'),
    parseForm(partnerFormSchema),
    save(false),
  );

  router.post(
    '/partners/:clientId/suspend',
    signedIn,
    requirePermission(deps, 'partners.suspend'),
    parseForm(confirmedFormSchema),
    confirmFirst(deps, confirm.suspend),
    async (ctx) => {
      await deps.ops.partners.suspend(
        ctx.params.clientId,
        (ctx.state.form satisfies ConfirmedForm).reason,
        request(ctx).actor,
      );
      redirectDone(ctx, path(ctx.params.clientId), 'suspended');
    },
  );

  router.post(
    '/partners/:clientId/reinstate',
    signedIn,
    requirePermission(deps, 'partners.suspend'),
    parseForm(reasonFormSchema),
    async (ctx) => {
      await deps.ops.partners.reinstate(
        ctx.params.clientId,
        (ctx.state.form satisfies ReasonForm).reason,
        request(ctx).actor,
      );
      redirectDone(ctx, path(ctx.params.clientId), 'reinstated');
    },
  );

  router.post(
    '/partners/:clientId/remove',
    signedIn,
    requirePermission(deps, 'partners.edit'),
    parseForm(bulkFormSchema),
    confirmFirst(deps, confirm.remove),
    async (ctx) => {
      const ended = await deps.ops.partners.remove(
        ctx.params.clientId,
        (ctx.state.form satisfies BulkForm).reason,
        request(ctx).actor,
      );
      redirectDone(ctx, '/admin/partners', 'partner_removed', ended);
    },
  );

  router.post(
    '/partners/:clientId/end-linkages',
    signedIn,
    requirePermission(deps, 'linkages.end'),
    parseForm(bulkFormSchema),
    confirmFirst(deps, confirm.endPartner),
    async (ctx) => {
      const ended = await deps.ops.linkages.endPartner(
        ctx.params.clientId,
        (ctx.state.form satisfies BulkForm).reason,
        request(ctx).actor,
      );
      redirectDone(ctx, path(ctx.params.clientId), 'linkages_ended', ended);
    },
  );
};
