import type { GrantEnding } from '../../grants/revocation.ts';
import type { PartnerView } from '../../partners/registry.ts';
import type { LinkageDetail, LinkageSummary } from '../operations/linkages.ts';
import type { Restriction } from '../../availability/index.ts';

/** The admin API's JSON shapes (docs/openapi/admin-api.json): times as ISO 8601, empty values left out. */
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export const linkageJson = (l: LinkageSummary) => ({
  grantId: l.grantId,
  customerId: l.customerId,
  partnerId: l.partnerId,
  scopes: l.scopes,
  accountIds: l.accountIds,
  termsVersion: l.termsVersion,
  createdAt: iso(l.createdAt),
  expiresAt: iso(l.expiresAt),
});

export const linkageDetailJson = (l: LinkageDetail) => ({
  ...linkageJson(l),
  state: 'live' as const,
  accounts: l.accounts,
  ...(l.lastUsedAt !== undefined ? { lastUsedAt: iso(l.lastUsedAt) } : {}),
  trail: l.trail,
});

export const endedLinkageJson = (e: GrantEnding) => ({
  grantId: e.grantId,
  state: 'ended' as const,
  ending: {
    grantId: e.grantId,
    reason: e.reason,
    actor: e.actor,
    endedAt: iso(e.endedAt),
    ...(e.note ? { note: e.note } : {}),
    ...(e.customerId ? { customerId: e.customerId } : {}),
    ...(e.partnerId ? { partnerId: e.partnerId } : {}),
  },
});

export const partnerJson = (view: PartnerView) => {
  const o = view.source.override;
  return {
    clientId: view.partner.client_id,
    name: view.partner.name,
    status: view.partner.status,
    definition: view.partner,
    source: {
      ...(view.source.file ? { file: view.source.file } : {}),
      ...(o
        ? {
            override: {
              ...(o.status ? { status: o.status } : {}),
              definitionChanged: o.definition !== undefined,
              changedBy: o.changedBy,
              reason: o.reason,
              changedAt: iso(o.changedAt),
            },
          }
        : {}),
    },
  };
};

export const restrictionJson = (r: Restriction) => ({
  id: r.id,
  scope: r.scope,
  message: r.message,
  ...(r.until !== undefined ? { until: iso(r.until) } : {}),
  setBy: r.setBy,
  reason: r.reason,
  setAt: iso(r.setAt),
});
