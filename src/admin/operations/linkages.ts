import type { AuditTrail, RecordedAuditEvent } from '../../audit/index.ts';
import type { CoreBanking } from '../../core-banking/port.ts';
import type { GrantRecord, GrantRecords } from '../../grants/grant-records.ts';
import { createLinkageViews, type LinkageView } from '../../grants/linkage-view.ts';
import type { GrantEnding } from '../../grants/revocation.ts';
import type { Linkages } from '../../grants/linkages.ts';
import type { PartnerRegistry } from '../../partners/registry.ts';
import { OperationError } from './errors.ts';
import { recordStaffAction, type Actor, type BulkAction } from './staff-action.ts';

export interface LinkageSummary {
  grantId: string;
  customerId: string;
  partnerId: string;
  partnerName?: { ja: string; en: string };
  scopes: string[];
  accountIds: string[];
  termsVersion: string;
  createdAt: number;
  expiresAt: number;
}

export interface LinkedAccount {
  accountId: string;
  accountType?: string;
  branchCode?: string;
  maskedNumber?: string;
}

export interface LinkageDetail extends LinkageSummary {
  accounts: LinkedAccount[];
  /** The newest successful data call under this grant, when the trail shows one. */
  lastUsedAt?: number;
  trail: RecordedAuditEvent[];
}

export type LinkageLookup = { state: 'live'; linkage: LinkageDetail } | { state: 'ended'; ending: GrantEnding };

// The newest events of a grant's trail a page shows.
const TRAIL_SHOWN = 200;

const grantIdOf = (event: RecordedAuditEvent) => event.details?.grantId;

/**
 * Finding and ending linkages (API連携) for bank staff. Each ending is the bank's revocation
 * (reason `revoked_by_bank`) with the staff member as actor and their reason as the note.
 */
export const createLinkageOperations = (deps: {
  grants: GrantRecords;
  linkages: Linkages;
  partners: PartnerRegistry;
  coreBanking: CoreBanking;
  audit: AuditTrail;
  bulkAction: BulkAction;
}) => {
  const views = createLinkageViews(deps);
  // Staff see a removed partner's client id only (no name).
  const summaryOf = (v: LinkageView): LinkageSummary => ({
    grantId: v.grantId,
    customerId: v.customerId,
    partnerId: v.partnerId,
    partnerName: v.partnerKnown ? v.partnerName : undefined,
    scopes: v.scopes,
    accountIds: v.accountIds,
    termsVersion: v.termsVersion,
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
  });
  const summaries = async (ids: string[]): Promise<LinkageSummary[]> => {
    const records = (await Promise.all(ids.map((id) => deps.grants.find(id)))).filter(
      (r): r is GrantRecord => r !== undefined,
    );
    return (await views.describe(records, { accounts: false }))
      .map(summaryOf)
      .sort((a, b) => b.createdAt - a.createdAt);
  };

  const ending = { reason: 'revoked_by_bank' as const };
  /** Ends every linkage of one customer or one partner, under the bulk deadline, and records the staff action. */
  const endEvery = (
    which: { customerId: string } | { partnerId: string },
    kind: 'admin.customer.linkages_ended' | 'admin.partner.linkages_ended',
    reason: string,
    actor: Actor,
  ): Promise<number> =>
    deps.bulkAction(async () => {
      const ended = await deps.linkages.end(which, { ...ending, actor: actor.name, note: reason });
      await recordStaffAction(deps.audit, actor, { kind, reason, ...which, details: { ended } });
      return ended;
    });

  return {
    ofCustomer: async (customerId: string) => summaries(await deps.grants.idsOfCustomer(customerId)),
    ofPartner: async (partnerId: string) => summaries(await deps.grants.idsOfPartner(partnerId)),
    /** One live linkage without its trail (what a confirmation names), or undefined. */
    summary: async (grantId: string): Promise<LinkageSummary | undefined> => (await summaries([grantId]))[0],

    async detail(grantId: string): Promise<LinkageLookup | undefined> {
      const record = await deps.grants.find(grantId);
      if (!record) {
        const ended = await deps.linkages.ending(grantId);
        return ended ? { state: 'ended', ending: ended } : undefined;
      }
      const [view] = await views.describe([record], { accounts: true });
      const summary = summaryOf(view);
      // Every linked id, with what the core system still knows of it.
      const accounts = record.accountIds.map((accountId): LinkedAccount => {
        const shown = view.accounts.find((a) => a.accountId === accountId);
        return shown
          ? { accountId, accountType: shown.type, branchCode: shown.branchCode, maskedNumber: shown.maskedNumber }
          : { accountId };
      });
      // Data calls name the grant, not the customer: the partner's trail since the linkage, narrowed to it.
      const trail: RecordedAuditEvent[] = [];
      let lastUsedAt: number | undefined;
      for await (const event of deps.audit.events({
        partnerId: record.partnerId,
        from: record.identifiedAt - 60_000,
      })) {
        if (grantIdOf(event) !== grantId) continue;
        trail.push(event);
        if (trail.length > TRAIL_SHOWN) trail.shift();
        if (event.kind === 'data.access' && event.result === 'success') lastUsedAt = Date.parse(event.time);
      }
      return { state: 'live', linkage: { ...summary, accounts, lastUsedAt, trail } };
    },

    async end(grantId: string, reason: string, actor: Actor): Promise<void> {
      const record = await deps.grants.find(grantId);
      if (!record) throw new OperationError('not_found', 'No live linkage has this id.');
      await deps.linkages.end({ grantId }, { ...ending, actor: actor.name, note: reason });
      await recordStaffAction(deps.audit, actor, {
        kind: 'admin.linkage.ended',
        reason,
        partnerId: record.partnerId,
        customerId: record.customerId,
        details: { grantId },
      });
    },

    endCustomer: (customerId: string, reason: string, actor: Actor): Promise<number> =>
      endEvery({ customerId }, 'admin.customer.linkages_ended', reason, actor),

    async endPartner(partnerId: string, reason: string, actor: Actor): Promise<number> {
      if (!(await deps.partners.find(partnerId)))
        throw new OperationError('not_found', 'No partner has this client_id.');
      return endEvery({ partnerId }, 'admin.partner.linkages_ended', reason, actor);
    },
  };
};

export type LinkageOperations = ReturnType<typeof createLinkageOperations>;
