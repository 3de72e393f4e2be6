import type { Context, Middleware } from 'koa';
import { ACCOUNT_TYPES } from '../../../core-banking/port.ts';
import { PARTNER_SCOPES } from '../../../partners/schema.ts';
import { OperationError, type FieldProblem } from '../../operations/index.ts';
import { signedInRequest, type ConsoleRouter, type ConsoleDeps } from '../deps.ts';
import {
  bulkFormSchema,
  confirmedFormSchema,
  PARTNER_FORM_ARRAYS,
  partnerFieldsFormSchema,
  reasonFormSchema,
  type BulkForm,
  type ConfirmedForm,
  type PartnerFieldsForm,
  type ReasonForm,
} from '../forms.ts';
import {
  definitionOf,
  formErrorsOf,
  labelKeyOf,
  newPartnerValues,
  valuesOfForm,
  valuesOfPartner,
  type PartnerFormErrors,
  type PartnerFormValues,
} from '../partner-form.ts';
import { redirectDone, renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { confirmFirst } from '../steps/confirm-first.ts';
import { confirmations } from '../confirmations.ts';
import { requirePermission } from '../steps/require-permission.ts';

/** What a new partner's form starts from: the usual scopes, every account type. */
const NEW_PARTNER_SCOPES = ['openid', 'offline_access', 'accounts', 'deposits', 'time_deposits'];
const AUTH_METHODS = ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'];
const PROFILES = ['fapi2', 'legacy'];

/** The posted texts and boxes as the page shows them again, whether or not the form matched. */
const postedValues = (posted: Record<string, unknown>): PartnerFieldsForm => {
  const form: PartnerFieldsForm = { csrf: '', reason: '' };
  for (const [name, value] of Object.entries(posted)) {
    if (name === 'scopes' || name === 'accountTypes') {
      form[name] = (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string');
    } else if (
      name !== 'csrf' &&
      name !== 'reason' &&
      typeof value === 'string' &&
      name in partnerFieldsFormSchema.properties
    ) {
      Object.assign(form, { [name]: value.slice(0, 20000) });
    }
  }
  return form;
};

/** Partners: list, one partner's state (and why), its linkages; add, edit, suspend, reinstate, remove. */
export const partnerRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const parseForm = consoleForms(deps);
  const confirm = confirmations(deps);
  const request = (ctx: Context) => signedInRequest(ctx.state.console);
  const path = (clientId: string) => `/admin/partners/${encodeURIComponent(clientId)}`;

  const showForm = (
    ctx: Context,
    options: {
      clientId?: string;
      values: PartnerFormValues;
      errors?: PartnerFormErrors;
      formInvalid?: boolean;
      status?: number;
    },
  ) => {
    const errors = options.errors ?? { fields: {}, general: [] };
    const at = request(ctx).at;
    // The summary above the form: each field's messages, linked to the field.
    const summary = Object.entries(errors.fields).flatMap(([field, messages]) =>
      (messages ?? []).map((message) => ({ href: `#pf-${field}`, message })),
    );
    const reasonMissing =
      options.formInvalid && !(typeof ctx.state.posted?.reason === 'string' && ctx.state.posted.reason.trim());
    return renderPage(
      deps,
      ctx,
      'partner-form',
      {
        clientId: options.clientId,
        values: options.values,
        errors: errors.fields,
        general: [...errors.general, ...(options.formInvalid && !reasonMissing ? [at('partnerForm.error.form')] : [])],
        summary,
        reasonError: reasonMissing ? at('partnerForm.error.required', { label: at('field.reason') }) : undefined,
        label: (field: Parameters<typeof labelKeyOf>[0]) => at(labelKeyOf(field)),
        scopeChoices: PARTNER_SCOPES,
        accountTypeChoices: ACCOUNT_TYPES,
        authMethods: AUTH_METHODS,
        profiles: PROFILES,
        reason: typeof ctx.state.posted?.reason === 'string' ? ctx.state.posted.reason : '',
      },
      options.clientId
        ? { titleKey: 'partnerForm.edit', titleVars: { clientId: options.clientId }, status: options.status }
        : { titleKey: 'partnerForm.new', status: options.status },
    );
  };

  /** The partner being edited (undefined when adding). */
  const editing = async (ctx: Context, create: boolean) =>
    create ? undefined : (await deps.ops.partners.view(ctx.params.clientId)).partner;

  /** A form that does not match its own schema (a field far too long, a reason left blank) comes back as it was. */
  const formInvalid = (create: boolean): Parameters<typeof parseForm>[1] => ({
    arrays: PARTNER_FORM_ARRAYS,
    onInvalid: async (ctx) => {
      const base = await editing(ctx, create);
      return showForm(ctx, {
        clientId: base?.client_id,
        values: valuesOfForm(postedValues(ctx.state.posted)),
        formInvalid: true,
        status: 400,
      });
    },
  });

  /** Saves the posted fields as a definition; one that fails the schema comes back with each problem at its field. */
  const save =
    (create: boolean): Middleware =>
    async (ctx) => {
      const form: PartnerFieldsForm = ctx.state.form;
      const base = await editing(ctx, create);
      const values = valuesOfForm(form);
      const clientId = base?.client_id ?? values.clientId.trim();
      const { definition, problems } = definitionOf(values, clientId, base);
      const refuse = (found: FieldProblem[], status: number) =>
        showForm(ctx, {
          clientId: base?.client_id,
          values,
          errors: formErrorsOf(found, request(ctx).at),
          status,
        });
      if (problems.length) return refuse([...problems, ...deps.ops.partners.check(definition)], 400);
      try {
        await deps.ops.partners.save(clientId, definition, form.reason, request(ctx).actor, { create });
      } catch (e) {
        if (e instanceof OperationError && e.code !== 'not_found' && e.fields.length) return refuse(e.fields, e.status);
        throw e;
      }
      redirectDone(ctx, path(clientId), 'saved');
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
    showForm(ctx, { values: newPartnerValues(NEW_PARTNER_SCOPES, ACCOUNT_TYPES) }),
  );

  router.post(
    '/partners',
    signedIn,
    requirePermission(deps, 'partners.edit'),
    parseForm(partnerFieldsFormSchema, formInvalid(true)),
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
    showForm(ctx, { clientId: view.partner.client_id, values: valuesOfPartner(view.partner) });
  });

  router.post(
    '/partners/:clientId',
    signedIn,
    requirePermission(deps, 'partners.edit'),
    parseForm(partnerFieldsFormSchema, formInvalid(false)),
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
