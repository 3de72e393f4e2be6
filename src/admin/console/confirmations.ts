import type { Context } from 'koa';
import { jstDateTimeText } from '../../shared/jst.ts';
import { isAdminMessageKey } from '../i18n/index.ts';
import { labelsFor } from '../i18n/labels.ts';
import { OperationError } from '../operations/index.ts';
import type { LinkageSummary } from '../operations/linkages.ts';
import type { ConsoleDeps, SignedInRequest } from './deps.ts';
import { parseJstLocal } from './format.ts';
import type { RestrictionForm } from './forms.ts';
import type { Confirmation } from './steps/confirm-first.ts';

// A confirmation lists each linkage it ends up to this many (the count is always exact).
const LISTED = 20;

/**
 * What each destructive action names on its confirmation page: the partner by name, the customer,
 * how many linkages end and which. Read when the page is shown and again when it is confirmed.
 */
export const confirmations = (deps: Pick<ConsoleDeps, 'ops'>) => {
  const request = (ctx: Context): SignedInRequest => ctx.state.console;
  const partnerText = async (ctx: Context, clientId: string) => {
    const view = await deps.ops.partners.view(clientId);
    return `${request(ctx).locale === 'ja' ? view.partner.name.ja : view.partner.name.en}（${clientId}）`;
  };
  const nameOf = (ctx: Context, l: LinkageSummary) =>
    l.partnerName
      ? `${request(ctx).locale === 'ja' ? l.partnerName.ja : l.partnerName.en}（${l.partnerId}）`
      : l.partnerId;
  const each = (ctx: Context, linkages: LinkageSummary[]) =>
    linkages
      .slice(0, LISTED)
      .map((l) =>
        request(ctx).at('confirm.line.each', { partner: nameOf(ctx, l), customerId: l.customerId, grantId: l.grantId }),
      );
  const path = (kind: 'customers' | 'partners' | 'linkages', id: string) => `/admin/${kind}/${encodeURIComponent(id)}`;

  return {
    async endLinkage(ctx: Context): Promise<Confirmation> {
      const { grantId } = ctx.params;
      const linkage = await deps.ops.linkages.summary(grantId);
      if (!linkage) throw new OperationError('not_found', 'No live linkage has this id.');
      const { scopeLabel } = labelsFor(request(ctx).locale);
      return {
        lines: [
          request(ctx).at('confirm.line.linkage', {
            grantId,
            partner: nameOf(ctx, linkage),
            customerId: linkage.customerId,
            scopes: linkage.scopes.map(scopeLabel).join('、'),
          }),
        ],
        confirmKey: 'confirm.endLinkage',
        back: path('linkages', grantId),
        totp: false,
      };
    },

    async endCustomer(ctx: Context): Promise<Confirmation> {
      const { customerId } = ctx.params;
      const overview = await deps.ops.customers.overview(customerId);
      if (!overview) throw new OperationError('not_found', 'No customer has this number.');
      const linkages = await deps.ops.linkages.ofCustomer(customerId);
      return {
        lines: [
          request(ctx).at('confirm.line.customerAll', {
            customerId,
            name: overview.customer.name,
            count: linkages.length,
          }),
          ...each(ctx, linkages),
        ],
        confirmKey: 'confirm.endAll',
        back: path('customers', customerId),
        totp: true,
      };
    },

    async endPartner(ctx: Context): Promise<Confirmation> {
      const { clientId } = ctx.params;
      const partner = await partnerText(ctx, clientId);
      const linkages = await deps.ops.linkages.ofPartner(clientId);
      return {
        lines: [
          request(ctx).at('confirm.line.partnerAll', { partner, count: linkages.length }),
          ...each(ctx, linkages),
        ],
        confirmKey: 'confirm.endAll',
        back: path('partners', clientId),
        totp: true,
      };
    },

    async suspend(ctx: Context): Promise<Confirmation> {
      const { clientId } = ctx.params;
      const partner = await partnerText(ctx, clientId);
      const count = (await deps.ops.linkages.ofPartner(clientId)).length;
      return {
        lines: [request(ctx).at('confirm.line.suspend', { partner, count })],
        confirmKey: 'confirm.suspend',
        back: path('partners', clientId),
        totp: false,
      };
    },

    async remove(ctx: Context): Promise<Confirmation> {
      const { clientId } = ctx.params;
      const partner = await partnerText(ctx, clientId);
      const linkages = await deps.ops.linkages.ofPartner(clientId);
      return {
        lines: [request(ctx).at('confirm.line.remove', { partner, count: linkages.length }), ...each(ctx, linkages)],
        confirmKey: 'confirm.remove',
        back: path('partners', clientId),
        totp: true,
      };
    },

    /** A restriction: what it closes and until when; the whole service asks for the code again. */
    async restrict(ctx: Context): Promise<Confirmation> {
      const { at, locale } = request(ctx);
      const form: RestrictionForm = ctx.state.form;
      const untilMs = form.until === undefined ? undefined : parseJstLocal(form.until);
      const until =
        untilMs === undefined
          ? at('confirm.untilLifted')
          : at('confirm.until', { until: jstDateTimeText(untilMs, locale) });
      const scope = form.scopeKind;
      const surfaceKey = `surface.${form.surface ?? ''}`;
      const scopeText =
        scope === 'partner'
          ? `${at('scope.partner')}: ${await partnerText(ctx, form.partnerId ?? '')}`
          : scope === 'surface'
            ? `${at('scope.surface')}: ${isAdminMessageKey(surfaceKey) ? at(surfaceKey) : (form.surface ?? '')}`
            : at('scope.service');
      return {
        lines: [
          scope === 'service'
            ? at('confirm.line.restrictService', { until })
            : at('confirm.line.restrict', { scope: scopeText, until }),
          at('confirm.line.message', { message: locale === 'ja' ? form.messageJa : form.messageEn }),
        ],
        confirmKey: 'confirm.restrict',
        back: '/admin/service',
        totp: scope === 'service',
      };
    },
  };
};
