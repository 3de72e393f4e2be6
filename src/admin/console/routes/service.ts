import type { Context, Middleware } from 'koa';
import { SURFACES } from '../../../calendar/surfaces.ts';
import type { RestrictionScope } from '../../../availability/index.ts';
import type { ConsoleRouter, ConsoleDeps, SignedInRequest } from '../deps.ts';
import { formatJst } from '../../../shared/jst.ts';
import { parseJstLocal } from '../format.ts';
import { OperationError } from '../../operations/index.ts';
import {
  maintenanceWindowFormSchema,
  reasonFormSchema,
  restrictionFormSchema,
  type MaintenanceWindowForm,
  type ReasonForm,
  type RestrictionForm,
} from '../forms.ts';
import { redirectDone, renderPage } from '../pages.ts';
import { consoleForms } from '../steps/parse-form.ts';
import { confirmFirst } from '../steps/confirm-first.ts';
import { confirmations } from '../confirmations.ts';
import { requirePermission } from '../steps/require-permission.ts';

/**
 * Terms 7.3: the restrictions in force, setting one (the whole service needs the code again),
 * lifting; and the one-off maintenance windows ahead, adding and removing operators' own.
 */
export const serviceRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const parseForm = consoleForms(deps);
  const confirm = confirmations(deps);
  const request = (ctx: Context): SignedInRequest => ctx.state.console;

  const show = async (ctx: Context, options: { status?: number; invalid?: boolean; invalidWindow?: string } = {}) => {
    const [restrictions, partners, windows] = await Promise.all([
      deps.ops.service.list(),
      deps.ops.partners.list(),
      deps.ops.service.windows.list(),
    ]);
    const names = new Map(partners.map((v) => [v.partner.client_id, v.partner.name]));
    renderPage(
      deps,
      ctx,
      'service',
      {
        restrictions: restrictions.map((r) => ({
          ...r,
          partnerName: r.scope.kind === 'partner' ? names.get(r.scope.partnerId) : undefined,
        })),
        partners: partners.map((v) => ({ clientId: v.partner.client_id, name: v.partner.name })),
        surfaces: SURFACES,
        windows: windows.filter((w) => Date.parse(w.to) > deps.clock.now()),
        invalid: options.invalid,
        invalidWindow: options.invalidWindow,
        form: options.invalid ? (ctx.state.posted ?? {}) : {},
      },
      { titleKey: 'service.title', status: options.status },
    );
  };

  router.get('/service', signedIn, requirePermission(deps, 'service.read'), (ctx) => show(ctx));

  router.post(
    '/service/restrictions',
    signedIn,
    requirePermission(deps, 'service.restrict'),
    parseForm(restrictionFormSchema, { onInvalid: (ctx) => show(ctx, { status: 400, invalid: true }) }),
    // A malformed end time is the form's error, before anything is confirmed.
    async (ctx, next) => {
      const { until }: RestrictionForm = ctx.state.form;
      if (until !== undefined && parseJstLocal(until) === undefined) return show(ctx, { status: 400, invalid: true });
      await next();
    },
    confirmFirst(deps, confirm.restrict),
    async (ctx) => {
      const form: RestrictionForm = ctx.state.form;
      const until = form.until === undefined ? undefined : parseJstLocal(form.until);
      if (form.until !== undefined && until === undefined) return show(ctx, { status: 400, invalid: true });
      const scope: RestrictionScope =
        form.scopeKind === 'partner'
          ? { kind: 'partner', partnerId: form.partnerId! }
          : form.scopeKind === 'surface'
            ? { kind: 'surface', surface: form.surface! }
            : { kind: 'service' };
      await deps.ops.service.set(
        { scope, message: { ja: form.messageJa, en: form.messageEn }, until, reason: form.reason },
        request(ctx).actor,
      );
      redirectDone(ctx, '/admin/service', 'restricted');
    },
  );

  router.post(
    '/service/maintenance-windows',
    signedIn,
    requirePermission(deps, 'service.restrict'),
    parseForm(maintenanceWindowFormSchema, {
      arrays: ['surfaces'],
      onInvalid: (ctx) => show(ctx, { status: 400, invalidWindow: 'invalid_request' }),
    }),
    async (ctx) => {
      const form: MaintenanceWindowForm = ctx.state.form;
      const from = parseJstLocal(form.from);
      const to = parseJstLocal(form.to);
      if (from === undefined || to === undefined) return show(ctx, { status: 400, invalidWindow: 'invalid_request' });
      try {
        await deps.ops.service.windows.add(
          { id: form.id, surfaces: form.surfaces, from: formatJst(from), to: formatJst(to), reason: form.reason },
          request(ctx).actor,
        );
      } catch (e) {
        if (e instanceof OperationError && e.code === 'invalid_request')
          return show(ctx, { status: 400, invalidWindow: e.message });
        throw e;
      }
      redirectDone(ctx, '/admin/service', 'window_added');
    },
  );

  router.post(
    '/service/maintenance-windows/:id/remove',
    signedIn,
    requirePermission(deps, 'service.restrict'),
    parseForm(reasonFormSchema),
    async (ctx) => {
      await deps.ops.service.windows.remove(
        ctx.params.id,
        (ctx.state.form satisfies ReasonForm).reason,
        request(ctx).actor,
      );
      redirectDone(ctx, '/admin/service', 'window_removed');
    },
  );

  router.post(
    '/service/restrictions/:id/lift',
    signedIn,
    requirePermission(deps, 'service.restrict'),
    parseForm(reasonFormSchema),
    async (ctx) => {
      await deps.ops.service.lift(ctx.params.id, (ctx.state.form satisfies ReasonForm).reason, request(ctx).actor);
      redirectDone(ctx, '/admin/service', 'lifted');
    },
  );
};
